"""Planted-judge validation: judges with known bias, run through the ``python`` backend and the runner.

Each planted bias must be called *biased* in the right family (and nowhere else), the yes-sayer's controls
must be missed, and a fair-but-noisy judge — which a naive flip count would convict — must have nothing
called biased. Judges seed their randomness from the request, so these outcomes are fixed.
"""

from __future__ import annotations

from pathlib import Path

import planted
import pytest

from judgeprobe.harness.judges.registry import load_judge
from judgeprobe.harness.run.runner import RunOptions, run
from judgeprobe.harness.stats import Summary, build_summary
from judgeprobe.harness.store import RunStore, store_path
from judgeprobe.harness.store.frame import load_run

pytestmark = pytest.mark.slow  # a module-wide fixture builds a whole suite or run

REPEATS = 3
CASES = 30


@pytest.fixture(scope="module")
def suite() -> list[planted.Variant]:
    return planted.build_suite(CASES)


@pytest.fixture(scope="module")
def summaries(tmp_path_factory: pytest.TempPathFactory, suite: list[planted.Variant]) -> dict[str, Summary]:
    out: dict[str, Summary] = {}
    for name in planted.PLANTED:
        run_dir = tmp_path_factory.mktemp(name)
        judge = load_judge(f"python:{planted.__name__}:{name}")
        with RunStore(store_path(run_dir)) as store:
            stats = run(
                judge, suite, store, options=RunOptions(repeats=REPEATS, concurrency=4), show_progress=False
            )
        assert stats.done == stats.planned
        out[name] = build_summary(load_run(run_dir), variants=suite)
    return out


def verdicts(summary: Summary) -> dict[str, str]:
    return {r.family: r.verdict for r in summary.families}


def biased_probes(summary: Summary) -> set[str]:
    return {str(r.probe) for r in summary.probes if r.verdict == "biased"}


def misses(summary: Summary) -> dict[str, float]:
    """Miss rate per control family (families with no usable draw, e.g. controls that only apply where the
    judge was already wrong unperturbed, are left out)."""
    return {
        c.family: c.misses.rate for c in summary.controls if c.level == "family" and c.misses.rate is not None
    }


def test_every_draw_is_analysed(summaries: dict[str, Summary], suite: list[planted.Variant]) -> None:
    bases = sum(1 for v in suite if v.relation == "base")
    for summary in summaries.values():
        assert summary.run.draws.draws == len(suite) * REPEATS + bases * REPEATS
        assert summary.run.draws.judged == summary.run.draws.draws
        assert summary.run.repeats == REPEATS and summary.run.placebo_present


def test_first_slot_preference_is_a_position_bias(summaries: dict[str, Summary]) -> None:
    summary = summaries["first_slot"]
    assert verdicts(summary) == {"position": "biased", "length": "clean", "formatting": "clean"}
    assert biased_probes(summary) == {"position.swap"}
    position = next(r for r in summary.families if r.family == "position")
    assert position.placebo.rate == 0.0
    assert position.excess is not None and 0.25 <= position.excess <= 0.55  # planted: 0.4
    assert position.excess_ci[0] > 0.05


def test_long_wrong_answers_are_a_length_bias(summaries: dict[str, Summary]) -> None:
    summary = summaries["long_wrong"]
    assert verdicts(summary) == {"position": "clean", "length": "biased", "formatting": "clean"}
    assert biased_probes(summary) == {"length.padding"}
    assert misses(summary)["length"] == 1.0  # a long wrong answer is accepted: the control is missed
    curve = next(c for c in summary.doses if c.probe == "length.padding")
    rates = [p.flips.rate for p in curve.points]
    assert [p.dose for p in curve.points] == [float(d) for d in planted.DOSES]
    assert rates[0] == 0.0 and rates[-1] == 0.5  # short padding never flips; long flips every wrong answer
    assert summary.flip_classes["equivalence_error"] > 0  # it extracted the stated answer and misjudged it


def test_latex_rejection_is_a_formatting_bias(summaries: dict[str, Summary]) -> None:
    summary = summaries["latex_rejecting"]
    assert verdicts(summary) == {"position": "clean", "length": "clean", "formatting": "biased"}
    assert biased_probes(summary) == {"formatting.latex"}
    bold = next(r for r in summary.probes if r.probe == "formatting.bold")
    assert bold.verdict == "clean"


def test_yes_sayer_misses_every_control_and_looks_unbiased(summaries: dict[str, Summary]) -> None:
    summary = summaries["yes_sayer"]
    assert set(misses(summary).values()) == {1.0}
    measured = [c for c in summary.controls if c.misses.n]
    assert measured and all(c.misses.ci[0] > 0.9 for c in measured if c.level == "family")
    assert all(c.misses.events == c.misses.n for c in measured)
    assert not biased_probes(summary)  # flips alone would call it robust: the controls are what expose it


def test_noisy_fair_judge_is_never_called_biased(summaries: dict[str, Summary]) -> None:
    summary = summaries["noisy"]
    assert all(r.verdict != "biased" for r in summary.families + summary.probes)
    naive = [r for r in summary.probes if (r.flips.rate or 0) > 0.1]
    assert naive, "a naive flip count (no placebo) would convict this judge"
    assert all((r.placebo.rate or 0) > 0.1 for r in summary.probes)
    undecided = [r for r in summary.families + summary.probes if r.verdict == "inconclusive"]
    assert all(r.more_pairs and r.more_pairs > 0 for r in undecided)


def test_accuracy_and_hle_metrics(summaries: dict[str, Summary]) -> None:
    fair = summaries["long_wrong"]
    before = next(h for h in fair.hle if h.stage == "before")
    assert before.accuracy.rate == 1.0 and before.calibration is not None
    assert before.calibration.rms == pytest.approx(0.1)  # says 90 % and is always right
    after = next(h for h in fair.hle if h.stage == "after")
    assert after.accuracy.rate is not None and after.accuracy.rate < 1.0
    kinds = {(row.answer_kind, row.stage) for row in fair.accuracy}
    assert ("number", "before") in kinds and ("pairwise", "before") in kinds


def test_few_clusters_warning(suite: list[planted.Variant], tmp_path: Path) -> None:
    small = [v for v in suite if v.case_id in {"add-0", "add-1", "pair-0"}]
    frame = _direct(planted.first_slot, small)
    summary = build_summary(frame, variants=small)
    assert any("unreliable below 15 clusters" in w for w in summary.warnings)
    assert all(r.few_clusters for r in summary.families)


def _direct(
    judge: planted.Callable[[planted.JudgeRequest], planted.Verdict], variants: list[planted.Variant]
):  # type: ignore[no-untyped-def]
    from judgeprobe.harness.store.frame import records_frame

    return records_frame(planted.run_direct(judge, variants, repeats=REPEATS))
