"""Fixtures of the gate tests: the CI example's cases and small runs through deterministic python judges."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from judgeprobe.harness.run.runner import RunOptions
from judgeprobe.harness.session import Selection, SuiteRun, plan_suite, run_suite

EXAMPLE_CASES = Path(__file__).resolve().parents[3] / "examples" / "ci" / "cases"


@pytest.fixture(scope="session")
def example_cases() -> Path:
    """The CI example's case folder (4 pairwise cases: 2 with a better response, 2 ties)."""
    return EXAMPLE_CASES


@pytest.fixture
def run_judge(tmp_path: Path) -> Callable[..., SuiteRun]:
    """Run the example cases against ``python:gate_judges:NAME`` (position probes unless told otherwise)."""

    def run(name: str, *, probes: str = "position", repeats: int = 1, out: Path | None = None) -> SuiteRun:
        plan = plan_suite(Selection(case_dirs=(EXAMPLE_CASES,), builtin_cases=False, probes=probes))
        return run_suite(
            plan,
            judge=f"python:gate_judges:{name}",
            out=out or tmp_path / f"run-{name}",
            options=RunOptions(repeats=repeats, max_retries=0),
            show_progress=False,
            write_reports=False,
        )

    return run
