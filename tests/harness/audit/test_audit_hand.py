"""Every number of a small audit against a hand computation (accuracy, Wilson interval, calibration, error
types, partial scores, multiple-choice split, unique solves, paired tests), for each input shape."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from audit_fixtures import write_hand

from judgeprobe.harness.audit import run_audit

Z = 1.959963984540054


def wilson_by_hand(k: int, n: int) -> list[float]:
    p = k / n
    denom = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / denom
    half = Z / denom * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return [max(0.0, centre - half), min(1.0, centre + half)]


@pytest.fixture(params=["jsonl", "csv", "json-list", "hle"])
def report(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    return run_audit(write_hand(tmp_path, request.param)).report


def test_accuracy_missing_and_intervals(report: dict[str, Any]) -> None:
    teams = report["teams"]
    assert report["rows"] == 11 and report["unusable"]["count"] == 0
    # A right on q1, q2 of 4; B on all 4; C on q4 only, with q3 missing (counts as wrong).
    expected = {"A": (2, 4, 4, 0), "B": (4, 4, 4, 0), "C": (1, 4, 3, 1)}
    for team, (correct, items, answered, missing) in expected.items():
        t = teams[team]
        assert (t["judged_correct"], t["items"], t["answered"], t["missing"]) == (
            correct,
            items,
            answered,
            missing,
        )
        assert t["accuracy"] == correct / items
        assert t["accuracy_ci"] == pytest.approx(wilson_by_hand(correct, items))
    assert teams["C"]["accuracy_answered"] == pytest.approx(1 / 3)
    # Wilson for 2 of 4 worked out on paper: centre 0.5, half-width 0.349961.
    assert teams["A"]["accuracy_ci"] == pytest.approx([0.150039, 0.849961], abs=1e-6)


def test_calibration_error_one_bin_each(report: dict[str, Any]) -> None:
    # Fewer than 100 items: one bin, |mean confidence - accuracy|.
    teams = report["teams"]
    assert teams["A"]["calibration_error"] == pytest.approx(abs(0.75 - 0.5))  # (90+80+70+60)/4, 2/4
    assert teams["B"]["calibration_error"] == pytest.approx(abs(0.85 - 1.0))  # (100+50+90+100)/4
    assert teams["C"]["calibration_error"] == pytest.approx(abs(0.5 - 1 / 3))  # (30+40+80)/3, 1/3
    assert teams["C"]["calibration_n"] == 3


def test_error_types_and_part_scores(report: dict[str, Any]) -> None:
    overall = report["error_types"]["overall"]
    assert {k: v for k, v in overall.items() if v} == {
        "execution_error_correct_approach": 1,
        "incomplete_answer": 1,
        "misunderstood_problem": 1,
        "incorrect_general": 1,
    }
    assert report["teams"]["A"]["error_types"]["execution_error_correct_approach"] == 1
    assert report["teams"]["B"]["error_types"] == dict.fromkeys(overall, 0)
    parts = report["teams"]["C"]["mean_part_score_by_error_type"]
    assert (
        parts["misunderstood_problem"] == 0.1 and parts["incorrect_general"] == 0.5 and parts["other"] is None
    )
    table = {(e["team"], e["phase"]): e for e in report["error_types"]["by_team_phase"]}
    a = table["A", ""]
    assert a["incorrect"] == 2 and a["types"]["incomplete_answer"]["share"] == 0.5
    assert a["types"]["incomplete_answer"]["share_ci"] == pytest.approx(wilson_by_hand(1, 2))


def test_multiple_choice_split_and_within_question(report: dict[str, Any]) -> None:
    teams = report["teams"]
    assert teams["A"]["mc"]["letter_only"] == {"n": 1, "correct": 1}
    assert teams["B"]["mc"]["letter_and_text"] == {"n": 1, "correct": 1}
    assert teams["C"]["mc"]["letter_only"] == {"n": 1, "correct": 0}
    within = report["mc"]["within_questions"]
    # q2: letter only right 1 of 2 (A yes, C no), letter + text 1 of 1 (B): +0.5 on one question.
    assert within["questions"] == 1 and within["mean_difference"] == 0.5
    assert (within["text_better"], within["text_worse"], within["p_sign_test"]) == (1, 0, 1.0)


def test_unique_solves_and_pairwise(report: dict[str, Any]) -> None:
    solves = report["solves"][""]
    assert (solves["solved_by_all"], solves["solved_by_none"], solves["solved_by_exactly_one"]) == (0, 0, 1)
    assert solves["unique_ids"] == {"A": [], "B": ["q3"], "C": []}
    assert report["teams"]["B"]["unique_correct"] == 1
    pairs = {(p["first"], p["second"]): p for p in report["pairwise"]}
    ab, ac, bc = pairs["A", "B"], pairs["A", "C"], pairs["B", "C"]
    assert (ab["shared"], ab["both"], ab["first_only"], ab["second_only"]) == (4, 2, 0, 2)
    assert ab["p_exact"] == pytest.approx(0.5)  # 2 * P(X <= 0), X ~ Bin(2, 1/2)
    assert (ac["shared"], ac["first_only"], ac["second_only"]) == (3, 2, 1)
    assert ac["p_exact"] == pytest.approx(1.0)  # 2 * (1/8 + 3/8)
    assert (bc["first_only"], bc["second_only"], bc["p_exact"]) == (2, 0, pytest.approx(0.5))
    assert ab["difference"] == -0.5


def test_disagreements_of_both_kinds(report: dict[str, Any]) -> None:
    found = {(d["id"], d["team"], d["kind"], d["judge"], d["grader"]) for d in report["disagreements"]}
    assert found == {
        ("q3", "A", "rejected_equivalent", "incorrect", "correct"),  # TC0 for $TC^0$
        ("q1", "B", "accepted_non_equivalent", "correct", "incorrect"),  # 41 for 42
    }
    assert report["agreement"]["agree"] == 9 and report["agreement"]["decided"] == 11


def test_strict_policy_turns_notation_into_disagreements(tmp_path: Path) -> None:
    from judgeprobe.harness.audit import AuditOptions

    report = run_audit(write_hand(tmp_path), AuditOptions(policy="strict")).report
    kinds = {(d["id"], d["team"]): d["kind"] for d in report["disagreements"]}
    # Strictly, "A. 1" is not the letter "A": the judge's acceptance becomes a disagreement; TC0 now agrees.
    assert kinds[("q2", "B")] == "accepted_non_equivalent"
    assert ("q3", "A") not in kinds
    assert report["grader"] == {
        "spec": "builtin:exact",
        "policy": "strict",
        "distinct_graded": 10,
    }  # B and C both say Paris: graded once
