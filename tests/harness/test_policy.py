"""Grading policies in a run: ``--policy`` is part of the run's identity, the built-in graders follow it,
and the dry run, ``summary.json`` and ``report.md`` count the rewrites the probes left out (issue 13)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from judgeprobe.cases.models import Mode, Policy
from judgeprobe.harness.cli.main import cli
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.gate.settings import RunSettings
from judgeprobe.harness.judges.registry import load_judge
from judgeprobe.harness.run.plan import plan_suite
from judgeprobe.harness.run.selection import Selection, run_key


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_the_policy_is_part_of_the_selection_and_the_run_key() -> None:
    semantic, strict = Selection(), Selection(policy="strict")
    assert "policy" not in semantic.to_json()  # selections made before policies digest as they did
    assert strict.to_json()["policy"] == "strict" and "policy strict" in strict.describe()
    assert semantic.digest() != strict.digest()
    assert run_key("ab" * 8, semantic, repeats=1) != run_key("ab" * 8, strict, repeats=1)
    assert Selection.from_json(strict.to_json()) == strict
    assert RunSettings(policy="strict").selection() == strict
    with pytest.raises(ConfigError, match="policy must be one of semantic, strict"):
        Selection(policy="lenient")


def _request(answer: str, policy: Policy) -> JudgeRequest:
    return JudgeRequest(
        mode=Mode.GRADE, question="Which class?", reference="TC^0", responses=(answer,), response_ids=("r",),
        answer_kind="complexity_class", policy=policy,
    )  # fmt: skip


def test_the_builtin_graders_follow_the_policy() -> None:
    judge = load_judge("builtin:reference")
    verdict = asyncio.run(judge.judge(_request("TC0", Policy.SEMANTIC)))
    assert verdict.outcome == "correct"
    strict = asyncio.run(judge.judge(_request("TC0", Policy.STRICT)))
    assert strict.outcome == "incorrect" and "strict policy" in (strict.reasoning or "")
    assert asyncio.run(judge.judge(_request("$TC^0$", Policy.STRICT))).outcome == "correct"


def test_request_keys_change_only_under_strict() -> None:
    semantic, strict = _request("TC0", Policy.SEMANTIC), _request("TC0", Policy.STRICT)
    legacy = JudgeRequest(
        mode=Mode.GRADE, question="Which class?", reference="TC^0", responses=("TC0",), response_ids=("r",),
        answer_kind="complexity_class",
    )  # fmt: skip
    assert semantic.content_key() == legacy.content_key()
    assert strict.content_key() != semantic.content_key()


def test_the_plan_labels_and_counts_under_the_policy() -> None:
    semantic = plan_suite(Selection(case_ids=("hle-z5-direct-sum",), probes="formatting,reference_form"))
    strict = plan_suite(
        Selection(case_ids=("hle-z5-direct-sum",), probes="formatting,reference_form", policy="strict")
    )
    base = {v.unit_id: v.label for v in semantic.variants if v.relation == "base"}
    strict_base = {v.unit_id: v.label for v in strict.variants if v.relation == "base"}
    assert base["z-power"] == "correct" and strict_base["z-power"] == "incorrect"
    assert strict.left_out_by_policy > 0 and semantic.left_out_by_policy == 0
    assert all(v.policy is Policy.STRICT for v in strict.variants)


def test_dry_run_reports_rejected_rewrites() -> None:
    code, text = invoke("run", "--dry-run", "--case", "alg-z-mod-6", "--probes", "formatting,reference_form")
    assert code == 0, text
    assert "rewrites rejected as unverified (never emitted as meaning-kept)" in text
    assert "Z/2Z + Z/3Z" not in text  # the misreading of Z/6Z is not among the variants


def test_a_strict_run_writes_its_policy_and_rewrites(tmp_path: Path) -> None:
    out = tmp_path / "strict"
    args = (
        "run",
        "--case",
        "hle-tc0-notation",
        "--probes",
        "formatting",
        "--policy",
        "strict",
        "--no-progress",
    )
    code, text = invoke(*args, "--out", str(out))
    assert code == 0, text
    assert "strict policy" in text
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["run"]["policy"] == "strict"
    assert summary["rewrites"]["unverified"] >= 0 and "unverified_by_probe" in summary["rewrites"]
    assert "Grading policy: strict." in (out / "report.md").read_text(encoding="utf-8")
    (out / "summary.json").unlink()
    code, text = invoke("report", str(out), "--quiet")  # rebuilt from the store
    assert code == 0, text
    again = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert again["rewrites"] == summary["rewrites"] and again["run"]["policy"] == "strict"
    # the strict run's labels: the HLE judge accepted TC0; under strict that is a judge error
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    plain = [r for r in rows if r["unit_id"] == "tc0-plain" and r["relation"] == "base"]
    assert plain and all(r["label"] == "incorrect" for r in plain)


def test_gate_takes_the_policy() -> None:
    code, text = invoke("gate", "--help")
    assert code == 0 and "--policy [semantic|strict]" in text


@pytest.mark.parametrize(
    ("reference", "response", "kind", "strict"),
    [
        ("3.14", "π ≈ 3.14", "decimal", "equivalent"),  # the value after '≈' keeps the notation
        ("1", "0^0 = 1, the empty product.", "number", "equivalent"),
        ("O(n log n)", "Θ(n log n)", "asymptotic", "different"),
        ("Banach fixed-point theorem", "the Banach fixed point theorem", "named", "equivalent"),
        ("Apéry's constant", "Apery's constant", "named", "equivalent"),
        ("Banach fixed-point theorem", "the contraction mapping principle", "named", "different"),
        ("S^1 × S^1", "T^2", "space", "different"),
    ],
)
def test_the_strict_policy_on_new_kinds(reference: str, response: str, kind: str, strict: str) -> None:
    """Under strict, an answer keeps the reference's notation when only its spelling changes (accents,
    hyphens, a leading 'the', a value after '≈' or '='), never when it names the same thing otherwise."""
    from judgeprobe.cases.answers import grade

    tolerance = {"figures": 3} if kind == "decimal" else None
    assert grade(reference, response, kind=kind, tolerance=tolerance).decision == "equivalent"
    assert grade(reference, response, kind=kind, tolerance=tolerance, policy="strict").decision == strict


def test_derived_units_follow_the_policy() -> None:
    """A response the strict policy rejects is the worse side of its derived pairs under strict."""
    semantic = plan_suite(Selection(case_ids=("hle-z5-direct-sum",), probes="none", modes=("pairwise",)))
    strict = plan_suite(
        Selection(case_ids=("hle-z5-direct-sum",), probes="none", modes=("pairwise",), policy="strict")
    )

    def labels(plan: object) -> dict[str, str]:
        return {v.unit_id: v.label for v in plan.variants if v.mode == "pairwise"}  # type: ignore[attr-defined]

    assert semantic.derived_units() and strict.derived_units()
    assert all(v.policy is Policy.STRICT for v in strict.variants)
    assert labels(semantic) != labels(strict)
