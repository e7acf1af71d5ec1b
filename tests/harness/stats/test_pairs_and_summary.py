"""Draws → pairs → summary on tiny hand-built runs: base verdicts, placebo pairing, unscored draws, ties."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.records import COLUMNS, DrawRecord, record_for
from judgeprobe.harness.core.verdict import ErrorKind, Verdict
from judgeprobe.harness.stats import build_summary
from judgeprobe.harness.stats.units import base_verdicts, draw_pairs
from judgeprobe.harness.store.frame import DERIVED_COLUMNS, agrees_with_label, records_frame
from judgeprobe.probes.variant import Relation, Slot, Step, Variant

BASE = Variant(
    case_id="c1", unit_id="r1", mode=Mode.GRADE, question="2+2?", reference="4", answer_kind="number",
    choices=None, slots=(Slot("r1", "4"),), chain=(), seed=0, relation=Relation.BASE, label="correct",
    final_answer="4",
)  # fmt: skip
INV = replace(
    BASE, slots=(Slot("r1", "$4$"),), chain=(Step.of("formatting.latex"),), relation=Relation.INVARIANT,
    family="formatting", final_answer="4", id="",
)  # fmt: skip
CTL = replace(
    BASE, slots=(Slot("r1", "5"),), chain=(Step.of("formatting.control"),), relation=Relation.CONTROL,
    family="formatting", label="incorrect", final_answer="5", id="",
)  # fmt: skip


def rec(variant: Variant, draw: int, verdict: Verdict, *, placebo: bool = False) -> DrawRecord:
    return record_for(
        variant, verdict, run_id="t", judge="j", judge_hash="h", draw=draw, placebo=placebo,
        cache_key=f"{variant.id}{draw}", request_key=f"{variant.id}{draw}", cached=False,
        reference_doubt=False,
    )  # fmt: skip


def ok(outcome: str, extracted: str | None = None) -> Verdict:
    return Verdict.judged(outcome, extracted_answer=extracted)


def test_frame_columns_and_derived() -> None:
    frame = records_frame([rec(BASE, 0, ok("correct")), rec(BASE, 1, Verdict.unscored("garbled"))])
    assert tuple(frame.columns) == (*COLUMNS, *DERIVED_COLUMNS)
    assert frame["judged"].tolist() == [True, False]
    assert frame["agrees_with_label"].iloc[0] == True  # noqa: E712 - pandas nullable boolean
    assert frame["agrees_with_label"].isna().iloc[1]


def test_agrees_with_label_by_mode() -> None:
    assert agrees_with_label("grade", "correct", "correct", None) is True
    assert agrees_with_label("pairwise", "tie", "a", None) is False
    assert agrees_with_label("score", "6-8", "7", 7.0) is True
    assert agrees_with_label("score", "6-8", "9", None) is False
    assert agrees_with_label("grade", "correct", None, None) is None


def test_base_verdict_is_modal_with_earliest_tie_break() -> None:
    draws = [rec(BASE, 0, ok("incorrect")), rec(BASE, 1, ok("correct"))]
    verdicts = base_verdicts(records_frame(draws))
    assert verdicts["base_outcome"].tolist() == ["incorrect"]  # tie 1-1: the earliest draw wins
    draws.append(rec(BASE, 2, ok("correct")))
    assert base_verdicts(records_frame(draws))["base_outcome"].tolist() == ["correct"]


def test_pairs_join_placebo_by_index_and_skip_unscored() -> None:
    draws = [
        rec(BASE, 0, ok("correct")), rec(BASE, 1, ok("correct")),
        rec(BASE, 2, ok("incorrect"), placebo=True), rec(BASE, 3, ok("correct"), placebo=True),
        rec(INV, 0, ok("incorrect")), rec(INV, 1, Verdict.unscored("no verdict")),
        rec(CTL, 0, ok("correct")), rec(CTL, 1, Verdict.error(ErrorKind.TIMEOUT, "slow")),
    ]  # fmt: skip
    pairs = draw_pairs(records_frame(draws))
    inv = pairs[pairs["relation"] == "invariant"].sort_values("draw")
    assert inv["changed"].tolist() == [True, False]
    assert inv["placebo_changed"].tolist() == [True, False]
    assert inv["paired"].tolist() == [True, False]  # the unscored draw is never a flip or a pair
    ctl = pairs[pairs["relation"] == "control"].sort_values("draw")
    assert ctl["changed"].tolist() == [False, False]


def test_summary_counts_unscored_apart_and_classifies() -> None:
    draws = [rec(BASE, 0, ok("correct")), rec(BASE, 1, ok("correct"), placebo=True)]
    draws += [rec(INV, 0, ok("incorrect", extracted="4"))]
    other = replace(INV, slots=(Slot("r1", "**4**"),), chain=(Step.of("formatting.bold"),), id="")
    draws += [rec(other, 0, Verdict.unscored("garbled"))]
    draws += [rec(CTL, 0, ok("correct"))]
    summary = build_summary(records_frame(draws), variants=[BASE, INV, CTL, other])
    family = summary.families[0]
    assert family.pairs == 1 and family.flips.events == 1
    assert family.draws.unscored == 1 and family.draws.judged == 1
    assert family.flip_classes["equivalence_error"] == 1  # extracted the stated "4", judged it wrong
    assert family.flip_classes["parse_failure"] == 1
    assert summary.controls[0].misses.rate == 1.0
    assert any("unscored" in w for w in summary.warnings)
    assert any("clusters" in w for w in summary.warnings)
    assert family.verdict == "inconclusive" and family.more_pairs


def test_pairwise_tie_both_ways_is_not_a_flip() -> None:
    base = Variant(
        case_id="p", unit_id="pair", mode=Mode.PAIRWISE, question="q", reference=None, answer_kind=None,
        choices=None, slots=(Slot("a", "x"), Slot("b", "y")), chain=(), seed=0, relation=Relation.BASE,
        label="tie",
    )  # fmt: skip
    swap = replace(
        base, slots=base.slots[::-1], chain=(Step.of("position.swap"),), relation=Relation.INVARIANT,
        family="position", id="",
    )  # fmt: skip
    draws = [rec(base, 0, ok("tie")), rec(base, 1, ok("tie"), placebo=True), rec(swap, 0, ok("tie"))]
    pairs = draw_pairs(records_frame(draws))
    assert pairs["changed"].tolist() == [False]
    draws[-1] = rec(swap, 0, ok("b"))
    assert draw_pairs(records_frame(draws))["changed"].tolist() == [True]


def test_no_placebo_is_warned_and_counts_as_deterministic() -> None:
    draws = [rec(BASE, 0, ok("correct")), rec(INV, 0, ok("incorrect"))]
    summary = build_summary(records_frame(draws))
    assert not summary.run.placebo_present
    assert summary.families[0].placebo.rate == 0.0
    assert any("no placebo draws" in w for w in summary.warnings)


def test_empty_frame_is_refused() -> None:
    with pytest.raises(ValueError, match="no draws"):
        build_summary(pd.DataFrame(columns=[*COLUMNS, *DERIVED_COLUMNS]))


def test_a_family_with_a_biased_probe_is_biased() -> None:
    from judgeprobe.harness.stats.summary import _escalate

    draws = [
        rec(BASE, 0, ok("correct")),
        rec(BASE, 1, ok("correct"), placebo=True),
        rec(INV, 0, ok("incorrect")),
    ]
    summary = build_summary(records_frame(draws))
    family = summary.families[0].model_copy(update={"verdict": "clean", "note": "pooled"})
    probe = summary.probes[0].model_copy(update={"verdict": "biased"})
    escalated = _escalate(family, [probe])
    assert (
        escalated.verdict == "biased" and "formatting.latex" in escalated.note and "clean" in escalated.note
    )
    assert _escalate(family, [probe.model_copy(update={"verdict": "clean"})]).verdict == "clean"


def test_control_misses_count_only_units_the_judge_got_right_unperturbed() -> None:
    wrong_base = replace(BASE, unit_id="r2", slots=(Slot("r2", "4"),), id="")
    wrong_ctl = replace(CTL, unit_id="r2", slots=(Slot("r2", "5"),), id="")
    draws = [rec(BASE, 0, ok("correct")), rec(CTL, 0, ok("correct"))]  # understood, then ignored the change
    draws += [rec(wrong_base, 0, ok("incorrect")), rec(wrong_ctl, 0, ok("incorrect"))]  # wrong from the start
    summary = build_summary(records_frame(draws), variants=[BASE, CTL, wrong_base, wrong_ctl])
    control = summary.controls[0]
    assert (control.misses.events, control.misses.n) == (1, 1)
    assert control.excluded == 1
    assert control.label_agreement.n == 2 and control.label_agreement.events == 1


def test_disagreements_list_units_whose_modal_verdict_misses_the_label() -> None:
    wrong = replace(BASE, unit_id="r2", slots=(Slot("r2", "four"),), id="")
    draws = [rec(BASE, 0, ok("correct")), rec(wrong, 0, ok("incorrect", extracted="four"))]
    draws += [rec(wrong, 1, ok("incorrect"), placebo=True)]
    summary = build_summary(records_frame(draws), variants=[BASE, wrong])
    assert [
        (d.case_id, d.unit_id, d.label, d.outcome, d.extracted_answer) for d in summary.disagreements
    ] == [("c1", "r2", "correct", "incorrect", "four")]


def test_accuracy_rows_count_undecided_draws_apart() -> None:
    """An undecided (unscored) base draw is neither an agreement nor a disagreement: it is counted in its
    kind's row apart, with its reason kept on the draw."""
    other = replace(BASE, unit_id="r2", slots=(Slot("r2", "four-ish"),), id="")
    draws = [rec(BASE, 0, ok("correct")), rec(other, 0, Verdict.unscored("could not read the answer"))]
    summary = build_summary(records_frame(draws), variants=[BASE, other])
    (row,) = [r for r in summary.accuracy if r.stage == "before"]
    assert (row.answer_kind, row.agreement.events, row.agreement.n, row.undecided) == ("number", 1, 1, 1)
