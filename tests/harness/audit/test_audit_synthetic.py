"""The committed synthetic example: the audit recovers exactly what the generator planted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from audit_fixtures import synthetic_module

from judgeprobe.harness.audit import Audit, AuditOptions, run_audit


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("synthetic")
    planted = synthetic_module().generate(folder, seed=7, questions=60)
    return folder, planted


@pytest.fixture(scope="module")
def audit(synthetic: tuple[Path, dict[str, Any]]) -> Audit:
    folder, _ = synthetic
    return run_audit([folder / "results.jsonl"])


def test_the_set_is_marked_synthetic(synthetic: tuple[Path, dict[str, Any]]) -> None:
    folder, planted = synthetic
    assert planted["synthetic"] is True
    assert "SYNTHETIC" in (Path(synthetic_module().__file__ or "")).read_text(encoding="utf-8")
    assert (folder / "planted.json").is_file()


def test_planted_judge_errors_are_recovered_exactly(
    audit: Audit, synthetic: tuple[Path, dict[str, Any]]
) -> None:
    _, planted = synthetic
    found = {(d["id"], d["team"], d["phase"], d["kind"]) for d in audit.report["disagreements"]}
    expected = {(d["id"], d["team"], d["phase"], d["kind"]) for d in planted["disagreements"]}
    assert found == expected
    assert {kind for *_, kind in expected} == {"accepted_non_equivalent", "rejected_equivalent"}


def test_planted_error_types_and_part_scores(audit: Audit, synthetic: tuple[Path, dict[str, Any]]) -> None:
    _, planted = synthetic
    table = {(e["team"], e["phase"]): e["types"] for e in audit.report["error_types"]["by_team_phase"]}
    found = {
        (team, phase, type_id, cell["count"])
        for (team, phase), types in table.items()
        for type_id, cell in types.items()
        if cell["count"]
    }
    assert found == {(e["team"], e["phase"], e["type"], e["count"]) for e in planted["error_types"]}
    parts = audit.report["error_types"]["mean_part_score"]
    for key, mean in planted["mean_part_score"].items():
        team, type_id = key.split("/")
        assert parts[team][type_id]["mean"] == pytest.approx(mean)


def test_planted_mc_effect_counts_and_direction(audit: Audit, synthetic: tuple[Path, dict[str, Any]]) -> None:
    _, planted = synthetic
    for team, counts in planted["mc"].items():
        mc = audit.report["teams"][team]["mc"]
        for form in ("letter_only", "letter_and_text"):
            assert mc[form] == {"n": counts.get(f"{form}_n", 0), "correct": counts.get(f"{form}_correct", 0)}
    within = audit.report["mc"]["within_questions"]
    assert within["mean_difference"] > 0 and within["p_sign_test"] < 0.05


def test_planted_missing_accuracy_and_unique_solves(
    audit: Audit, synthetic: tuple[Path, dict[str, Any]]
) -> None:
    _, planted = synthetic
    teams = audit.report["teams"]
    for key, correct in planted["judged_correct"].items():
        team, phase = key.split("/")
        block = teams[team]["phases"][phase]
        assert block["judged_correct"] == correct
        assert block["items"] == planted["questions"]
        assert block["accuracy"] == correct / planted["questions"]
        assert block["missing"] == planted["missing"].get(key, 0)
        assert block["unique_correct"] == planted["unique_correct"][key]


def test_broken_rows_are_listed_not_dropped(audit: Audit, synthetic: tuple[Path, dict[str, Any]]) -> None:
    _, planted = synthetic
    unusable = audit.report["unusable"]
    assert unusable["count"] == planted["unusable"] == 3
    reasons = " | ".join(u["reason"] for u in unusable["items"])
    assert "not valid JSON" in reasons and "expected yes/no" in reasons and "missing the reference" in reasons
    assert audit.report["rows"] == planted["rows"]


def test_csv_and_hle_shapes_give_the_same_numbers(
    audit: Audit, synthetic: tuple[Path, dict[str, Any]]
) -> None:
    folder, _ = synthetic
    from_csv = run_audit([folder / "results.csv"]).report
    assert from_csv["teams"] == audit.report["teams"]
    assert from_csv["disagreements"] == [
        {**d, "source": str(folder / "results.csv"), "line": from_csv["disagreements"][i]["line"]}
        for i, d in enumerate(audit.report["disagreements"])
    ]
    hle = run_audit(
        sorted((folder / "hle").glob("*.json")), AuditOptions(questions=folder / "questions.jsonl")
    )
    phase_one = run_audit([folder / "results.jsonl"], AuditOptions(phases=("1",))).report
    for team, entry in hle.report["teams"].items():
        other = phase_one["teams"][team]
        for key in ("items", "judged_correct", "accuracy", "missing", "calibration_error", "unique_correct"):
            assert entry[key] == other[key], (team, key)
    assert {(d["id"], d["team"], d["kind"]) for d in hle.report["disagreements"]} == {
        (d["id"], d["team"], d["kind"]) for d in phase_one["disagreements"]
    }
