"""Pairwise position bias from pairs judged in both orders: the counts on hand-built draws, and planted
judges over the shipped library's pairs (hand-written and derived from grade cases).

Every judge seeds its randomness from the request, so each outcome below is fixed; a few seeds stand in for
the full power table (``benchmarks/power_table.py``).
"""

from __future__ import annotations

import io
from dataclasses import replace

import planted
import planted_pairs
import pytest
from rich.console import Console

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.records import DrawRecord, record_for
from judgeprobe.harness.core.verdict import Verdict
from judgeprobe.harness.report.html import render_html
from judgeprobe.harness.report.markdown import render_markdown
from judgeprobe.harness.report.terminal import render_summary
from judgeprobe.harness.run.plan import plan_suite
from judgeprobe.harness.run.selection import Selection
from judgeprobe.harness.stats import DEFAULT_SETTINGS, Summary, build_summary
from judgeprobe.harness.stats.position import matched_draws
from judgeprobe.harness.store.frame import records_frame
from judgeprobe.probes.variant import Relation, Slot, Step, Variant

SETTINGS = DEFAULT_SETTINGS.model_copy(update={"bootstrap_resamples": 300})


def _pair(case: str, unit: str = "pair") -> tuple[Variant, Variant]:
    base = Variant(
        case_id=case, unit_id=unit, mode=Mode.PAIRWISE, question=f"{case}?", reference=None, answer_kind=None,
        choices=None, slots=(Slot("a", "text a"), Slot("b", "text b")), chain=(), seed=0,
        relation=Relation.BASE, label="a",
    )  # fmt: skip
    swap = replace(
        base, slots=base.slots[::-1], chain=(Step.of("position.swap"),), relation=Relation.INVARIANT,
        family="position", id="",
    )  # fmt: skip
    return base, swap


def _rec(variant: Variant, draw: int, outcome: str | None, *, placebo: bool = False) -> DrawRecord:
    verdict = Verdict.judged(outcome) if outcome is not None else Verdict.unscored("garbled")
    return record_for(
        variant, verdict, run_id="t", judge="j", judge_hash="h", draw=draw, placebo=placebo,
        cache_key=f"{variant.id}{draw}", request_key=f"{variant.id}{draw}", cached=False,
        reference_doubt=False,
    )  # fmt: skip


def _draws(
    variants: tuple[Variant, Variant], order1: list[str | None], order2: list[str | None]
) -> list[DrawRecord]:
    base, swap = variants
    k = len(order1)
    out = [_rec(base, j, o) for j, o in enumerate(order1)]
    out += [_rec(base, k + j, order1[0] or "a", placebo=True) for j in range(k)]
    out += [_rec(swap, j, o) for j, o in enumerate(order2)]
    return out


def test_matched_draws_count_consistency_slots_and_lean() -> None:
    p1, p2, p3 = _pair("c1"), _pair("c2"), _pair("c3")
    records = (
        _draws(p1, ["a", "a", "a"], ["a", "b", "tie"])  # consistent; slot 1 both orders; tie in one order
        + _draws(p2, ["b", "tie", "b"], ["a", "tie", None])  # slot 2 both orders; tie both; unmatched
        + _draws(p3, ["a"], ["a"])[:1]  # order 1 only: no swap judged, not a matched draw
    )
    rows, unmatched = matched_draws(records_frame(records), [*p1, *p2, *p3])
    assert len(rows) == 5 and unmatched == 1  # p2's third draw lost its partner; p3 was never swapped
    by = {(r.case_id, r.draw): r for r in rows.itertuples()}
    assert by["c1", 0].consistent and by["c1", 0].lean == 0.0
    assert by["c1", 1].s1 and by["c1", 1].lean == 1.0
    assert not by["c1", 2].consistent and by["c1", 2].lean == 0.5
    assert by["c2", 0].s2 and by["c2", 0].lean == -1.0
    assert by["c2", 1].consistent and by["c2", 1].lean == 0.0
    summary = build_summary(records_frame(records), variants=[*p1, *p2, *p3], settings=SETTINGS)
    assert summary.position is not None
    assert (summary.position.slot1_both, summary.position.slot2_both) == (1, 1)
    assert summary.position.tie_one_order == 1 and summary.position.consistency.events == 2
    assert summary.position.fairness == pytest.approx(0.5 / 5)


def test_without_variants_the_slots_are_unknown_and_the_report_says_so() -> None:
    base, swap = _pair("c1")
    summary = build_summary(records_frame(_draws((base, swap), ["a"], ["b"])), settings=SETTINGS)
    assert summary.position is None
    assert any("position consistency and the slot-1 share were not computed" in w for w in summary.warnings)


@pytest.fixture(scope="module")
def pairs() -> list[Variant]:
    """Every pair of the shipped library (hand-written and derived), in both orders, with the swap control."""
    return list(plan_suite(Selection(modes=("pairwise",), probes="position")).variants)


def _summary(judge: planted.Callable[[planted.JudgeRequest], Verdict], variants: list[Variant]) -> Summary:
    return build_summary(records_frame(planted.run_direct(judge, variants, repeats=1)), variants=variants,
                         settings=SETTINGS)  # fmt: skip


def test_the_library_has_over_a_thousand_pairs_in_both_orders(pairs: list[Variant]) -> None:
    summary = _summary(planted_pairs.oracle, pairs)
    position = summary.position
    assert position is not None and position.units >= 1000 and position.derived_units >= 1000
    assert position.consistency.rate == 1.0 and position.verdict == "clean"
    assert position.slot1_share.n == 0 and position.fairness == 0.0
    assert position.fairness_ci[1] - position.fairness_ci[0] < 0.01  # no inconsistency in 1,500 pairs
    swap = next(r for r in summary.probes if r.probe == "position.swap")
    assert swap.verdict == "clean"


@pytest.mark.parametrize("seed", range(2))
def test_a_ten_point_slot_one_preference_is_found_and_covered(pairs: list[Variant], seed: int) -> None:
    summary = _summary(planted_pairs.SlotJudge(p_first=0.1, noise=0.1, salt=f"slot-{seed}"), pairs)
    position = summary.position
    assert position is not None and position.verdict == "biased" and "prefers slot 1" in position.note
    assert position.fairness_ci[0] <= 0.1 <= position.fairness_ci[1]
    assert position.slot1_share.rate is not None and position.slot1_share.rate > 0.6
    assert position.q is not None and position.q < 0.001
    swap = next(r for r in summary.probes if r.probe == "position.swap")
    family = next(r for r in summary.families if r.family == "position")
    assert swap.verdict == "biased" and family.verdict == "biased"
    assert swap.excess_ci[0] < 0.05  # the flip count alone cannot see it


def test_a_slot_two_preference_is_found_on_the_other_side(pairs: list[Variant]) -> None:
    position = _summary(planted_pairs.SlotJudge(p_first=-0.15, noise=0.1, salt="second"), pairs).position
    assert position is not None and position.verdict == "biased" and "prefers slot 2" in position.note
    assert position.fairness_ci[0] <= -0.15 <= position.fairness_ci[1] < 0


def test_coin_flips_and_noise_are_never_a_position_bias(pairs: list[Variant]) -> None:
    """Nothing is called biased; the 95 % intervals cover the true values (0 and 50 %) in at least 5 of 6
    runs (the benchmark measures the coverage rate over many seeds)."""
    covered = []
    for seed in range(3):
        for judge in (
            planted_pairs.CoinJudge(salt=f"coin-{seed}"),
            planted_pairs.SlotJudge(0.0, 0.3, f"n-{seed}"),
        ):
            summary = _summary(judge, pairs)
            position = summary.position
            assert position is not None and position.verdict != "biased"
            assert all(r.verdict != "biased" for r in [*summary.families, *summary.probes])
            low, high = position.fairness_ci
            share_low, share_high = position.slot1_share_ci
            covered.append(low <= 0 <= high and share_low <= 0.5 <= share_high)
    assert sum(covered) >= 5, covered


def test_reports_show_consistency_and_the_slot_one_share(pairs: list[Variant]) -> None:
    summary = _summary(planted_pairs.SlotJudge(p_first=0.1, noise=0.1, salt="slot-0"), pairs)
    position = summary.position
    assert position is not None
    share = f"{100 * (position.slot1_share.rate or 0):.1f}% ({position.slot1_both}/{position.slot1_share.n})"
    consistency = f"{100 * (position.consistency.rate or 0):.1f}%"
    console = Console(file=io.StringIO(), width=150, color_system=None)
    render_summary(summary, console)
    for text in (render_markdown(summary), render_html(summary), console.file.getvalue()):  # type: ignore[attr-defined]
        assert "Position (pairs judged in both orders)" in text
        assert "position consistency" in text and consistency in text
        assert share in text and "preference fairness" in text
    assert summary.model_validate_json(summary.model_dump_json()) == summary
