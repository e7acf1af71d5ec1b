"""Edges of the sequential statistics: p-values at and beyond the floating-point limits, and a look at a
bias so clear that its p-value underflows, which once crashed an adaptive run of the whole library."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from statistics import NormalDist

import planted
import pytest
from hypothesis import given
from hypothesis import strategies as st

from judgeprobe.harness.core.records import DrawRecord, record_for
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Verdict
from judgeprobe.harness.run.rounds import draw_round
from judgeprobe.harness.run.runner import PlannedDraw
from judgeprobe.harness.session.adaptive import RoundOutcome, adaptive_rounds
from judgeprobe.harness.stats import DEFAULT_SETTINGS, Summary, build_summary
from judgeprobe.harness.stats.boundaries import repeated_p_value
from judgeprobe.harness.stats.sequential import SequentialDesign, SequentialState, evaluate_look, z_of_p
from judgeprobe.harness.store.frame import records_frame
from judgeprobe.probes.variant import Variant


@pytest.mark.parametrize("p", [0.0, 1e-320, 1e-300, 1e-40, 1e-17, 2e-16])
def test_tiny_p_values_give_a_large_finite_statistic(p: float) -> None:
    z = z_of_p(p)
    assert math.isfinite(z) and z > 8.0
    assert repeated_p_value(z, 1, 8, 0.5) < 1e-12


def test_p_values_of_one_or_nan_give_no_evidence() -> None:
    for p in (1.0, 1.5, float("nan")):
        assert z_of_p(p) == 0.0


@given(st.floats(min_value=1e-12, max_value=0.999, allow_nan=False))
def test_the_statistic_is_the_two_sided_normal_quantile(p: float) -> None:
    assert 2.0 * (1.0 - NormalDist().cdf(z_of_p(p))) == pytest.approx(p, rel=1e-6, abs=1e-12)


def _adaptive(
    judge: Callable[[JudgeRequest], Verdict], suite: list[Variant]
) -> tuple[Summary, SequentialState]:
    """An adaptive run of at most 4 draws per variant in memory, through the same loop as ``judgeprobe run
    --adaptive``: its summary and final state."""
    records: list[DrawRecord] = []

    def execute(number: int, plan: list[PlannedDraw], left: float | None) -> RoundOutcome:
        records.extend(_judged(plan, judge))
        return RoundOutcome()

    state = SequentialState(SequentialDesign(max_draws=4))
    adaptive_rounds(suite, state, settings=SETTINGS, execute=execute, frame=lambda: records_frame(records))
    return build_summary(records_frame(records), variants=suite, settings=SETTINGS, sequential=state), state


SETTINGS = DEFAULT_SETTINGS.model_copy(update={"bootstrap_resamples": 200})
"""Analysis settings of these tests (fewer resamples: quicker, the same decisions)."""


def _judged(plan: list[PlannedDraw], judge: Callable[[JudgeRequest], Verdict]) -> list[DrawRecord]:
    """The records of a round's draws, judged in memory."""
    records: list[DrawRecord] = []
    for variant, draw, placebo in plan:
        request = JudgeRequest.from_variant(variant, draw=draw)
        key = request.content_key()
        records.append(record_for(
            variant, judge(request), run_id="t", judge="planted", judge_hash="planted", draw=draw,
            placebo=placebo, cache_key=key[:32], request_key=key, cached=False, reference_doubt=False,
        ))  # fmt: skip
    return records


def test_a_look_at_a_bias_whose_p_value_underflows_decides_it() -> None:
    """A judge that rejects every LaTeX response, over enough cases that the first look's p-value of the
    LaTeX probes is far below machine epsilon: the look decides them biased instead of crashing."""
    suite = planted.build_suite(120)
    judge = planted.LatexRejectingJudge(p_reject=1.0)
    summary, state = _adaptive(judge, suite)
    underflowed = [r for r in summary.probes if r.sequential is not None and r.sequential.p_look < 1e-16]
    assert underflowed, [(r.probe, r.sequential and r.sequential.p_look) for r in summary.probes]
    for result in underflowed:
        assert result.verdict == "biased" and result.p is not None and 0.0 <= result.p < 1e-12
        assert result.sequential is not None and result.sequential.look == state.design.decide_from


def test_the_slot_test_of_an_adaptive_run_joins_the_benjamini_hochberg_family() -> None:
    """As in a fixed run, the slot test's q-value adjusts its p-value over every invariant test reported."""
    from judgeprobe.harness.stats.fdr import benjamini_hochberg

    suite = planted.build_suite(20)
    judge = planted.FirstSlotJudge(p_first=0.15)
    summary, _ = _adaptive(judge, suite)
    position = summary.position
    assert position is not None and position.p is not None and position.q is not None
    tests = [*summary.families, *summary.probes]
    assert len([t for t in tests if t.p is not None]) > 1
    expected = benjamini_hochberg([*(t.p for t in tests), position.p])[-1]
    assert position.q == pytest.approx(expected)
    assert position.q >= position.p


def _first_look(suite: list[Variant], design: SequentialDesign, judge: Callable[[JudgeRequest], Verdict]
                ) -> tuple[SequentialState, list[DrawRecord]]:  # fmt: skip
    """Round 1 of an adaptive run and its look."""
    plan = draw_round(suite, round_number=1, max_draws=design.max_draws, base_draws=design.base_draws,
                      base_upfront=design.base_upfront)  # fmt: skip
    records = _judged(plan, judge)
    state = SequentialState(design, rounds=1)
    choices = {v.id: dict(v.choices) for v in suite if v.choices}
    evaluate_look(records_frame(records), state, settings=SETTINGS, choices=choices)
    return state, records


def test_look_1_goes_on_for_a_likely_biased_call_with_a_stricter_threshold_for_families() -> None:
    """At look 1 a test goes on when a biased call by the last round is likely enough (0.2 for a probe, 0.5
    for a family) or a clean call at the next round is likely (0.8); the chance it records is still that of
    either call, the same as under the later looks' rule."""
    suite = planted.build_suite(30, wide=True)
    judge = planted.NoisyLatexJudge(bias=0.15, noise=0.2, salt="first-look")
    design = SequentialDesign()
    assert design.first_look is not None
    probe_least, family_least, clean_least = design.first_look
    state, _ = _first_look(suite, design, judge)
    either, _ = _first_look(suite, replace(design, first_look=None), judge)
    lenient_rule = replace(design, first_look=(probe_least, probe_least, clean_least))
    lenient, _ = _first_look(suite, lenient_rule, judge)
    for key, stop in state.tests.items():
        assert stop.look == 1 and stop.decide_chance is not None
        assert stop.decide_chance == pytest.approx(either.tests[key].decide_chance)
        least = family_least if key.startswith("family:") else probe_least
        if stop.stop == "futile":  # neither call likely enough
            assert stop.decide_chance < clean_least + least
    # the planted probe goes on, though its chance of either call is below ``futility``: the look-1 rule, not
    # the later looks' rule, keeps it
    latex = "probe:formatting/formatting.latex"
    assert state.tests[latex].stop == "open" and either.tests[latex].stop == "futile"
    # a family needs a larger chance than a probe: a family's threshold only ever stops more families
    for key, stop in state.tests.items():
        if key.startswith("probe:"):
            assert stop.stop == lenient.tests[key].stop
        elif stop.stop == "open":
            assert lenient.tests[key].stop == "open"
    # a judge that never flips: a test with pairs enough to be shown clean a round later goes on for that,
    # one whose clean call is less likely than 0.8 stops (the rule before let it go on from 0.4)
    fair, _ = _first_look(planted.build_suite(20), design, planted.QualityJudge())
    length, formatting = fair.tests["family:length"], fair.tests["family:formatting"]
    assert length.stop == "open" and length.decide_chance is not None and length.decide_chance >= 0.8
    assert formatting.stop == "futile" and formatting.decide_chance is not None
    assert formatting.decide_chance < 0.8 + family_least


def test_a_look_counts_the_slot_test_that_joins_the_family_at_the_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The slot test of pairs in both orders joins the Benjamini-Hochberg family when the run is reported;
    each look counts it as a test with p = 1, so that a test called biased at a look stays biased when it
    joins (a look with one test fewer had let a q-value of 0.047 become 0.050 in the report)."""
    import judgeprobe.harness.stats.sequential as sequential

    seen: list[list[float | None]] = []
    real = sequential.benjamini_hochberg

    def spy(p_values: list[float | None]) -> list[float | None]:
        seen.append(list(p_values))
        return real(p_values)

    monkeypatch.setattr(sequential, "benjamini_hochberg", spy)
    suite = planted.build_suite(10)
    state, _ = _first_look(suite, SequentialDesign(), planted.NoisyJudge(rate=0.2, salt="slot"))
    assert len(seen[-1]) == len(state.tests) + 1 and seen[-1][-1] == 1.0
    grade_only = [v for v in suite if str(v.mode) == "grade"]
    state, _ = _first_look(grade_only, SequentialDesign(), planted.NoisyJudge(rate=0.2, salt="slot"))
    assert len(seen[-1]) == len(state.tests)
