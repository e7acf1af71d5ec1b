"""A probe run from start to finish: plan, run into a folder, and turn the folder into its frame and
reports."""

from judgeprobe.harness.run.plan import SuitePlan, plan_suite
from judgeprobe.harness.session.suite import DEFAULT_OUT_ROOT, SuiteRun, default_out_dir, run_suite, save_plan

__all__ = [
    "DEFAULT_OUT_ROOT",
    "SuitePlan",
    "SuiteRun",
    "default_out_dir",
    "plan_suite",
    "run_suite",
    "save_plan",
]
