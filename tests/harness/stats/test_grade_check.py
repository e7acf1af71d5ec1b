"""The built-in grader measured against the labels: the split rule, the tabulation, the command, and the
floor the shipped library must keep (dev >= 97 %, held-out >= 90 %, no labelled-incorrect answer accepted)."""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from judgeprobe.cases.loader import load_library, load_library_report
from judgeprobe.cases.models import GradeCase
from judgeprobe.cases.split import HELD_OUT_ONE_IN, part_of
from judgeprobe.harness.cli.main import cli
from judgeprobe.harness.stats.grade_check import TARGETS, grade_check

# case-4 is held out and case-0 in development under the fixed rule (checked below)
SMALL = """
cases:
  - id: case-0
    mode: grade
    question: "Give pi to three significant figures."
    reference: "3.14"
    answer_kind: number
    tolerance: {figures: 3}
    source: hand-written
    responses:
      - {id: right, text: "3.14", label: correct, why: The rounded value.}
      - {id: more, text: "3.1416", label: correct, why: More figures that round to it.}
      - {id: wrong, text: "3.15", label: incorrect, why: Rounded the wrong way.}
      - {id: mislabelled, text: "3.14", label: incorrect, why: A deliberately wrong label (a false accept).}
  - id: case-4
    mode: grade
    question: "What is 2 + 2?"
    reference: "4"
    answer_kind: number
    source: hand-written
    responses:
      - {id: right, text: "4", label: correct, why: Four.}
      - {id: words, text: "Let me think about it.", label: correct, why: No number (undecided or wrong).}
      - {id: unread, text: "4 apples and 3 pears", label: incorrect, why: Not one number.}
"""


def _small(tmp_path: Path) -> Path:
    folder = tmp_path / "cases"
    folder.mkdir(exist_ok=True)
    (folder / "small.yaml").write_text(textwrap.dedent(SMALL), encoding="utf-8")
    return folder


def test_the_split_is_a_fixed_hash_of_the_id() -> None:
    assert part_of("case-0") == "dev" and part_of("case-4") == "held-out"
    assert part_of("hle-tc0-notation") == part_of("hle-tc0-notation")  # nothing but the id decides
    parts = Counter(part_of(f"id-{i}") for i in range(4000))
    assert abs(parts["held-out"] / 4000 - 1 / HELD_OUT_ONE_IN) < 0.03


def test_the_table_counts_agreement_undecided_false_accepts_and_rejects(tmp_path: Path) -> None:
    library, errors = load_library_report([_small(tmp_path)], include_builtin=False)
    assert library is not None, errors
    check = grade_check(library)
    dev, held = check.total("dev"), check.total("held-out")
    assert dev is not None and held is not None
    assert (dev.agreement.events, dev.agreement.n, dev.false_accepts, dev.false_rejects) == (3, 4, 1, 0)
    assert held.agreement.n == 3 and held.agreement.events + held.undecided + held.false_rejects == 3
    graded = {(r.case_id, r.response_id): r for r in check.responses}
    assert graded["case-0", "more"].outcome == "correct"  # the case's figures reached the grader
    assert graded["case-0", "wrong"].outcome == "incorrect"
    undecided = [r for r in check.responses if r.outcome == "undecided"]
    assert all(r.reason for r in undecided)  # every undecided response says why
    assert any("labelled-incorrect" in problem for problem in check.failures())


def test_the_command_lists_development_disagreements_only_and_fails_below_target(tmp_path: Path) -> None:
    out = tmp_path / "check.json"
    result = CliRunner().invoke(
        cli,
        ["cases", "grade-check", "--no-builtin", "--cases", str(_small(tmp_path)), "--json", str(out)],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 1, result.output
    assert "case-0 / mislabelled" in result.output and "below target" in result.output
    assert "case-4 /" not in result.output  # held-out disagreements are not listed by default
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {row["part"] for row in data["rows"]} == {"dev", "held-out"}
    assert data["failures"] and len(data["responses"]) == 7
    shown = CliRunner().invoke(
        cli,
        [
            "cases",
            "grade-check",
            "--no-builtin",
            "--cases",
            str(_small(tmp_path)),
            "--list-held-out",
            "--no-check",
        ],
        env={"COLUMNS": "200"},
    )
    assert shown.exit_code == 0 and "case-4 /" in shown.output


@pytest.mark.slow
def test_the_shipped_library_keeps_the_floor() -> None:
    """The floor of issue 17, on whatever library is shipped: dev >= 97 %, held-out >= 90 %, no labelled-
    incorrect answer accepted in either part."""
    library = load_library()
    check = grade_check(library)
    assert check.failures() == [], "\n".join(check.failures())
    for part, floor in TARGETS.items():
        total = check.total(part)  # type: ignore[arg-type]
        assert total is not None and total.agreement.rate is not None and total.agreement.rate >= floor
    graded = sum(len(c.responses) for c in library if isinstance(c, GradeCase) and not c.reference_doubt)
    assert len(check.responses) == graded
