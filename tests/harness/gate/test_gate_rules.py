"""The gate's rules on real (small) runs of deterministic judges: each failure names the figures and cases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from judgeprobe.harness.gate.check import gate_run
from judgeprobe.harness.gate.markdown import append_step_summary, render_gate_markdown
from judgeprobe.harness.gate.rules import FailedRule, evaluate
from judgeprobe.harness.gate.settings import GateSettings
from judgeprobe.harness.session import SuiteRun


def rules(failures: tuple[FailedRule, ...]) -> list[tuple[str, str | None]]:
    return [(f.rule, f.family) for f in failures]


def test_a_fair_judge_passes(run_judge: Callable[..., SuiteRun]) -> None:
    result = gate_run(run_judge("fair"), GateSettings(min_accuracy=1.0, max_control_miss_rate=0.0))
    assert result.passed and result.failures == ()


def test_position_bias_fails_naming_the_family_figures_and_cases(run_judge: Callable[..., SuiteRun]) -> None:
    result = gate_run(run_judge("first"), GateSettings())
    assert rules(result.failures) == [("excess-flip-rate", "position")]
    failure = result.failures[0]
    assert failure.figures["excess"] == 0.5 and failure.figures["pairs"] == 4
    assert "position: excess flip rate 50.0% (flips 2 of 4 pairs" in failure.message
    assert "above the limit 5.0%" in failure.message
    assert set(failure.keys) == {
        ("support-password-length", "pair", "position.swap"),
        ("support-export-format", "pair", "position.swap"),
    }
    explained = failure.explain()
    assert "support-password-length/pair position.swap: 1 of 1 draws flipped" in explained
    assert "unperturbed verdict 'terse', now full" in explained


def test_per_family_limit_and_significance(run_judge: Callable[..., SuiteRun]) -> None:
    run = run_judge("first")
    assert gate_run(run, GateSettings(max_excess_flip_rate_by_family={"position": 0.5})).passed
    lenient = gate_run(run, GateSettings(require_significance=True))
    assert lenient.passed
    assert any("require_significance" in note for note in lenient.notes)


def test_missed_controls_and_accuracy(run_judge: Callable[..., SuiteRun]) -> None:
    result = gate_run(run_judge("always_a"), GateSettings(max_control_miss_rate=0.0, min_accuracy=0.75))
    assert rules(result.failures) == [
        ("excess-flip-rate", "position"), ("control-miss-rate", "position"), ("accuracy", None)
    ]  # fmt: skip
    control = result.failures[1]
    # one of the two swapped pairs was judged wrong unperturbed, so only the other counts as a miss
    assert "controls missed 1 of 1 (100.0%)" in control.message
    assert any("position.swap_content" in line for line in control.cases)
    accuracy = result.failures[2]
    assert accuracy.figures["accuracy"] == 0.25
    assert "support-https-port/pair: judge said 'wrong', label 'right'" in accuracy.cases


def test_unscored_replies_fail_the_unscored_share(run_judge: Callable[..., SuiteRun]) -> None:
    result = gate_run(run_judge("garbage"), GateSettings())
    assert ("unscored-share", None) in rules(result.failures)
    assert ("no-draws", None) in rules(result.failures)
    share = next(f for f in result.failures if f.rule == "unscored-share")
    assert share.figures["count"] == 14 and "14 of 14 draws unscored" in share.message


def test_errors_fail_the_error_share(run_judge: Callable[..., SuiteRun]) -> None:
    result = gate_run(run_judge("crash"), GateSettings(max_error_share=0.5))
    share = next(f for f in result.failures if f.rule == "error-share")
    assert "14 × crash" in share.message and share.figures["share"] == 1.0


def test_missing_baseline_fails_and_update_writes_it(
    run_judge: Callable[..., SuiteRun], tmp_path: Path
) -> None:
    run = run_judge("fair")
    path = tmp_path / "baseline.jsonl"
    missing = gate_run(run, GateSettings(), baseline=path)
    assert rules(missing.failures) == [("baseline-missing", None)]
    assert "--update-baseline" in missing.failures[0].message
    written = gate_run(run, GateSettings(), baseline=path, update_baseline=True)
    assert written.passed and written.update is not None
    # one entry per (case, unit, probe): 4 base verdicts, 4 swaps, 2 swapped-content controls
    assert (written.update.added, written.update.removed) == (10, 0)
    assert len(path.read_text(encoding="utf-8").splitlines()) == 1 + 10
    again = gate_run(run, GateSettings(), baseline=path)
    assert again.passed and again.comparison is not None and again.comparison.regressions == ()


@pytest.mark.slow
def test_a_flip_against_the_baseline_is_a_regression_even_under_the_limit(
    run_judge: Callable[..., SuiteRun], tmp_path: Path
) -> None:
    path = tmp_path / "baseline.jsonl"
    gate_run(run_judge("fair"), GateSettings(), baseline=path, update_baseline=True)
    result = gate_run(run_judge("first"), GateSettings(max_excess_flip_rate=1.0), baseline=path)
    assert rules(result.failures) == [("baseline-regression", "position")]
    assert (
        "support-export-format/pair position.swap: flips 0/1 -> 1/1 (0.0% -> 100.0%)"
        in result.failures[0].cases
    )
    assert any("judge configuration changed since the baseline" in note for note in result.notes)


def test_markdown_and_step_summary(run_judge: Callable[..., SuiteRun], tmp_path: Path) -> None:
    result = gate_run(run_judge("first"), GateSettings())
    text = render_gate_markdown(result)
    assert text.startswith("## judgeprobe gate: ❌ failed")
    assert "| position | 4 | 50.0% | 0.0% | 50.0%" in text
    assert "- **excess-flip-rate** — position: excess flip rate 50.0%" in text
    target = tmp_path / "summary.md"
    target.write_text("earlier step\n", encoding="utf-8")
    assert append_step_summary(text, environ={"GITHUB_STEP_SUMMARY": str(target)}) == target
    assert target.read_text(encoding="utf-8") == "earlier step\n" + text
    assert append_step_summary(text, environ={}) is None


def test_nothing_to_evaluate_is_a_failure() -> None:
    import pandas as pd

    result = evaluate(None, pd.DataFrame(), GateSettings(), judge="j", judge_hash="h")
    assert rules(result.failures) == [("no-draws", None)]
    assert "no draws" in result.failures[0].message


def test_update_rewrites_an_unreadable_baseline(run_judge: Callable[..., SuiteRun], tmp_path: Path) -> None:
    path = tmp_path / "baseline.jsonl"
    path.write_text("<<<<<<< HEAD\n=======\n>>>>>>> branch\n", encoding="utf-8")
    result = gate_run(run_judge("fair"), GateSettings(), baseline=path, update_baseline=True)
    assert result.passed
    assert any("old baseline was unreadable" in note for note in result.notes)
    assert path.read_text(encoding="utf-8").startswith('{"judgeprobe_baseline": 1')
