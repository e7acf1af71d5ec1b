"""A small real run for the report tests: the LaTeX-rejecting planted judge, through the python backend and
the runner, over the planted suite plus one hostile response (markup and script in the text)."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "stats"))

import planted

from judgeprobe.harness.judges.registry import load_judge
from judgeprobe.harness.run.runner import RunOptions, run
from judgeprobe.harness.session.tail import RunResults, run_tail
from judgeprobe.harness.store import RunStore, store_path
from judgeprobe.probes.variant import Relation, Slot, Step, Variant

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> $\\frac{2}{1}$ 1'
"""A response that would run script if the report did not escape it (LaTeX, so the judge flips it)."""


def suite(cases: int = 16) -> list[Variant]:
    """The planted suite plus one hostile invariant variant."""
    variants = planted.build_suite(cases)
    base = next(v for v in variants if v.case_id == "add-0" and v.unit_id == "right" and v.relation == "base")
    hostile = replace(
        base,
        slots=(Slot("right", HOSTILE),),
        chain=(Step.of("formatting.hostile"),),
        relation=Relation.INVARIANT,
        family="formatting",
        id="",
    )
    return [*variants, hostile]


def make_run(run_dir: Path, *, judge: str = "latex_rejecting", cases: int = 16) -> RunResults:
    """Run the planted judge into ``run_dir`` with the bare runner (no run recorded: the folder's implicit
    run) and write every report."""
    with RunStore(store_path(run_dir)) as store:
        run(
            load_judge(f"python:{planted.__name__}:{judge}"),
            suite(cases),
            store,
            options=RunOptions(repeats=2, concurrency=4),
            show_progress=False,
        )
    return run_tail(run_dir, write=True)
