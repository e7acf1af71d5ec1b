"""A probe run from start to finish: plan, run into a folder, and turn the folder into its frame and
reports (:func:`run_tail`, the one tail every command ends in)."""

from judgeprobe.harness.run.plan import SuitePlan, plan_suite
from judgeprobe.harness.run.selection import Selection
from judgeprobe.harness.session.suite import DEFAULT_OUT_ROOT, SuiteRun, default_out_dir, run_suite, save_plan
from judgeprobe.harness.session.tail import RunResults, run_tail

__all__ = [
    "DEFAULT_OUT_ROOT",
    "RunResults",
    "Selection",
    "SuitePlan",
    "SuiteRun",
    "default_out_dir",
    "plan_suite",
    "run_suite",
    "run_tail",
    "save_plan",
]
