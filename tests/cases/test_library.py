"""The shipped case library, read through the same loader users use, one test per case.

Test ids are ``<file-stem>-<case-id>``, so ``pytest -k algebra`` or ``-k tc0`` selects precisely.
"""

from __future__ import annotations

from collections import Counter

import pytest

from judgeprobe.cases.lint import (
    MIN_CASES,
    MIN_PAIRWISE,
    MIN_SCORE,
    MIN_TRICK_KINDS,
    SEED_CASES,
    Severity,
    lint_case,
    lint_library,
)
from judgeprobe.cases.loader import builtin_library_dir, load_library_report

LIBRARY, ERRORS = load_library_report()


def _case_params() -> list[object]:
    if LIBRARY is None:
        return [pytest.param(None, id="library-does-not-load")]
    return [pytest.param(case.id, id=f"{LIBRARY.files[case.id][0].stem}-{case.id}") for case in LIBRARY]


def _require_library() -> None:
    if LIBRARY is None:
        pytest.fail("the shipped library does not load:\n" + "\n".join(str(e) for e in ERRORS))


def test_library_loads() -> None:
    assert ERRORS == [], "\n".join(str(e) for e in ERRORS)
    assert sorted(builtin_library_dir().glob("*.yaml")), "no case files under cases/library/"


@pytest.mark.parametrize("case_id", _case_params())
def test_case_passes_lint(case_id: str | None) -> None:
    _require_library()
    assert LIBRARY is not None and case_id is not None
    issues = [
        issue for issue in lint_case(LIBRARY.by_id(case_id), LIBRARY) if issue.severity is Severity.ERROR
    ]
    assert issues == [], "\n".join(str(issue) for issue in issues)


def test_library_coverage() -> None:
    _require_library()
    assert LIBRARY is not None
    modes = Counter(str(case.mode) for case in LIBRARY)
    tricks = {case.tags[0] for case in LIBRARY if case.tags}
    assert len(LIBRARY) >= MIN_CASES
    assert len(tricks) >= MIN_TRICK_KINDS, sorted(tricks)
    assert modes["pairwise"] >= MIN_PAIRWISE
    assert modes["score"] >= MIN_SCORE
    for hle_id, doubted in SEED_CASES.items():
        seeds = [case for case in LIBRARY if hle_id in case.source]
        assert seeds, f"seed case HLE {hle_id} is missing"
        assert not doubted or any(case.reference_doubt for case in seeds)
    coverage = [issue for issue in lint_library(LIBRARY, require_coverage=True) if issue.case_id is None]
    assert coverage == []
