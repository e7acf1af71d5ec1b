"""Family behaviour on small hand-built cases, with the known-tricky answers pinned by ``@example``."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from probe_builders import grade_case, pairwise_case

from judgeprobe.cases.answers import Decision, equivalent, extract_final_answer
from judgeprobe.cases.models import GradeCase, Mode
from judgeprobe.probes.base import apply_step
from judgeprobe.probes.families.common import locate, mc_letter
from judgeprobe.probes.families.injection import INJECTIONS
from judgeprobe.probes.families.master_key import KEYS
from judgeprobe.probes.selector import select_probes
from judgeprobe.probes.strategies import probe_steps
from judgeprobe.probes.units import base_variants
from judgeprobe.probes.variant import Relation, Step, Variant

SIX = {letter: str(i) for i, letter in enumerate("ABCDEF", 1)}

SAMPLES: dict[str, GradeCase] = {
    "number": grade_case("0.5", [("r", "0.5", "correct")], kind="number", non_equivalents=("0.25",)),
    "fraction": grade_case("3/4", [("r", "3/4", "correct")], kind="number", non_equivalents=("4/3",)),
    "expression": grade_case("3x^2", [("r", "3x^2", "correct")], kind="expression", non_equivalents=("x^3",)),
    "sqrt": grade_case(
        "2*sqrt(2)", [("r", "2*sqrt(2)", "correct")], kind="expression", non_equivalents=("4",)
    ),
    "worked": grade_case(
        "x^2 + 2x + 1",
        [("r", "Expand the square.\n\nAnswer: (x+1)^2", "correct")],
        kind="expression",
        non_equivalents=("x^2+1",),
    ),
    "z5": grade_case("Z+Z+Z+Z+Z", [("r", "Z^5", "correct")], kind="group", non_equivalents=("Z^4",)),
    "tc0": grade_case("TC^0", [("r", "TC0", "correct")], kind="complexity_class", non_equivalents=("TC^1",)),
    "mc": grade_case(
        "A", [("r", "A. 1", "correct")], kind="multiple_choice", choices=SIX, non_equivalents=("B",)
    ),
}
"""One-response cases; the first five are the number/expression kinds the issue's property covers."""

FORMATTING_INVARIANTS = [
    p
    for p in select_probes("formatting")
    if p.relation is Relation.INVARIANT and p.name != "formatting.equivalent"
]
"""Computed formatting rewrites (the case's own ``equivalents`` are its author's assertion)."""


def _answer(variant: Variant) -> str:
    return extract_final_answer(variant.slots[0].text)


@settings(max_examples=60)
@given(
    sample=st.sampled_from(["number", "fraction", "expression", "sqrt", "worked"]),
    step=probe_steps(FORMATTING_INVARIANTS, mode=Mode.GRADE),
)
@example(sample="z5", step=Step.of("formatting.render", form="unicode"))
@example(sample="z5", step=Step.of("formatting.render", form="latex"))
@example(sample="tc0", step=Step.of("formatting.render", form="latex"))
@example(sample="tc0", step=Step.of("formatting.wrap", style="dollar"))
@example(sample="mc", step=Step.of("formatting.mc_style", style="letter"))
@example(sample="mc", step=Step.of("formatting.mc_style", style="text"))
@example(sample="worked", step=Step.of("formatting.wrap", style="boxed"))
def test_formatting_rewrites_stay_equivalent(sample: str, step: Step) -> None:
    case = SAMPLES[sample]
    base = base_variants(case)[0]
    before = _answer(base)
    for variant in apply_step(case, base, step):
        assert variant.relation is Relation.INVARIANT and variant.label == "correct"
        after = _answer(variant)
        judged = equivalent(before, after, kind=case.answer_kind, choices=case.choices)
        assert judged.decision is not Decision.DIFFERENT, (before, after, judged.reason)


@pytest.mark.parametrize("order", ["reverse", "rotate", "shuffle"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_choice_shuffle_reletters_reference_and_response(order: str, seed: int) -> None:
    case = grade_case(
        "A",
        [
            ("bare", "A", "correct"),
            ("dotted", "A. 1", "correct"),
            ("paren", "(C)", "incorrect"),
            ("text", "1", "correct"),
            ("hedge", "A or B", "incorrect"),
        ],
        kind="multiple_choice",
        choices=SIX,
    )
    made = {}
    for base in base_variants(case, seed=seed):
        for variant in apply_step(case, base, Step.of("position.shuffle_choices", order=order), seed=seed):
            made[variant.unit_id] = (base, variant)
    assert set(made) == {"bare", "dotted", "paren", "text"}  # a hedge names two letters: not re-lettered
    for base, variant in made.values():
        assert variant.choices is not None and base.choices is not None and variant.reference is not None
        assert [text for _, text in variant.choices] != [text for _, text in base.choices]
        assert dict(variant.choices)[variant.reference] == "1"  # the correct choice's text is kept
        old = mc_letter(_answer(base), base.choices)
        new = mc_letter(_answer(variant), variant.choices)
        assert old is not None and new is not None
        assert dict(variant.choices)[new] == dict(base.choices)[old]  # the response names the same text
        assert variant.label == base.label and variant.relation is Relation.INVARIANT


def test_unrelettered_shuffle_is_a_control() -> None:
    case = grade_case(
        "A", [("bare", "A", "correct"), ("dotted", "A. 1", "correct")], kind="multiple_choice", choices=SIX
    )
    bare, dotted = base_variants(case)
    (variant,) = apply_step(case, bare, Step.of("position.shuffle_unrelettered", order="rotate"))
    assert variant.relation is Relation.CONTROL and variant.label == "incorrect"
    assert variant.slots == bare.slots and variant.reference != bare.reference
    assert apply_step(case, dotted, Step.of("position.shuffle_unrelettered", order="rotate")) == []


def test_pairwise_swap_really_swaps() -> None:
    case = pairwise_case("Plants turn light, water and CO2 into sugar and oxygen.", "It is about plants.")
    (base,) = base_variants(case)
    (swapped,) = apply_step(case, base, Step.of("position.swap"))
    assert [s.response_id for s in swapped.slots] == ["b", "a"]
    assert swapped.slots == (base.slots[1], base.slots[0])
    assert swapped.label == base.label == "a" and swapped.relation is Relation.INVARIANT
    (control,) = apply_step(case, base, Step.of("position.swap_content"))
    assert [s.response_id for s in control.slots] == ["a", "b"]
    assert [s.text for s in control.slots] == [base.slots[1].text, base.slots[0].text]
    assert control.label == "b" and control.relation is Relation.CONTROL


def test_pairwise_text_probes_touch_the_worse_response() -> None:
    case = pairwise_case("Plants turn light, water and CO2 into sugar and oxygen.", "It is about plants.")
    (base,) = base_variants(case)
    (padded,) = apply_step(case, base, Step.of("length.pad", words=100))
    assert padded.slots[0] == base.slots[0] and len(padded.slots[1].text.split()) > 100
    (control,) = apply_step(case, base, Step.of("length.pad_control", words=400))
    assert control.label == "b" and control.slots[1].text == base.slots[0].text
    assert len(control.slots[0].text.split()) > 400


@pytest.mark.parametrize("words", [100, 400, 1600])
def test_padding_dose_keeps_the_answer_last(words: int) -> None:
    case = SAMPLES["worked"]
    base = base_variants(case)[0]
    (variant,) = apply_step(case, base, Step.of("length.pad", words=words))
    assert variant.dose == words
    assert words <= len(variant.slots[0].text.split()) - len(base.slots[0].text.split()) < words + 40
    assert _answer(variant) == _answer(base) == "(x+1)^2"


def test_truncate_keeps_the_answer_paragraph() -> None:
    case = SAMPLES["worked"]
    (variant,) = apply_step(case, base_variants(case)[0], Step.of("length.truncate"))
    assert variant.slots[0].text == "Answer: (x+1)^2"


def test_master_key_replaces_correct_responses_only() -> None:
    case = grade_case("56", [("right", "56", "correct"), ("wrong", "54", "incorrect")])
    right, wrong = base_variants(case)
    for key in KEYS:
        (variant,) = apply_step(case, right, Step.of("master_key.replace", key=key))
        assert variant.slots[0].text == key and variant.label == "incorrect"
        assert variant.relation is Relation.CONTROL and variant.family == "master_key"
        assert apply_step(case, wrong, Step.of("master_key.replace", key=key)) == []
    pair = pairwise_case("Light becomes sugar.", "Plants.")
    (variant,) = apply_step(pair, base_variants(pair)[0], Step.of("master_key.replace", key=":"))
    assert variant.label == "b" and variant.slots[0].text == ":"


@pytest.mark.parametrize("kind", sorted(INJECTIONS[Mode.GRADE]))
def test_injection_targets_incorrect_responses(kind: str) -> None:
    case = grade_case(
        "56", [("right", "56", "correct"), ("wrong", "54", "incorrect")], non_equivalents=("54",)
    )
    right, wrong = base_variants(case)
    assert apply_step(case, right, Step.of("injection.field", kind=kind)) == []
    (variant,) = apply_step(case, wrong, Step.of("injection.field", kind=kind))
    assert variant.label == "incorrect" and variant.relation is Relation.INVARIANT
    assert variant.slots[0].text.startswith("54\n\n") and len(variant.slots[0].text) > len("54\n\n")
    (control,) = apply_step(case, wrong, Step.of("injection.field_control", kind=kind))
    assert control.label == "correct" and control.slots[0].text.startswith("56\n\n")


def test_controls_break_the_answer() -> None:
    case = grade_case(
        "56",
        [("right", "Seven eights.\n\nAnswer: 56", "correct"), ("wrong", "54", "incorrect")],
        non_equivalents=("54", "48"),
    )
    right, wrong = base_variants(case)
    (broken,) = apply_step(case, right, Step.of("authority.cite_control", style="book"))
    assert broken.label == "incorrect" and _answer(broken) in ("54", "48")
    (fixed,) = apply_step(case, wrong, Step.of("formatting.fix", form="reference"))
    assert fixed.label == "correct" and _answer(fixed) == "56"
    (hedged,) = apply_step(case, right, Step.of("formatting.hedge_or", order="right_first"))
    assert hedged.label == "incorrect" and _answer(hedged) in ("56 or 54", "56 or 48")


def test_mc_controls() -> None:
    case = grade_case("A", [("dotted", "A. 1", "correct")], kind="multiple_choice", choices=SIX)
    (base,) = base_variants(case)
    wrong = apply_step(case, base, Step.of("formatting.mc_wrong_letter", style="same"))[0]
    assert wrong.label == "incorrect" and mc_letter(_answer(wrong), SIX_T) not in (None, "A")
    mismatch = apply_step(case, base, Step.of("formatting.mc_mismatch", right="letter"))[0]
    assert _answer(mismatch).startswith("A. ") and _answer(mismatch) != "A. 1"  # 'A. 2'-style
    assert mc_letter(_answer(mismatch), SIX_T) is None and mismatch.label == "incorrect"
    hedge = apply_step(case, base, Step.of("formatting.mc_hedge", order="right_first"))[0]
    assert _answer(hedge).startswith("A or ") and hedge.label == "incorrect"
    letter = apply_step(case, base, Step.of("reference_form.wrong_letter", shift=1))[0]
    assert letter.reference == "B" and letter.label == "incorrect"


SIX_T = tuple(SIX.items())


def test_reference_form_swap_and_rewrites() -> None:
    case = SAMPLES["z5"]
    base = base_variants(case)[0]
    (swapped,) = apply_step(case, base, Step.of("reference_form.swap"))
    assert swapped.reference == "Z^5" and swapped.slots[0].text == "Z+Z+Z+Z+Z" and swapped.label == "correct"
    (wrapped,) = apply_step(case, base, Step.of("reference_form.wrap", style="dollar"))
    assert wrapped.reference == "$Z+Z+Z+Z+Z$" and wrapped.slots == base.slots
    (control,) = apply_step(case, base, Step.of("reference_form.non_equivalent", index=0))
    assert control.reference == "Z^4" and control.label == "incorrect"


def test_field_order_is_a_presentation_attribute() -> None:
    case = SAMPLES["number"]
    base = base_variants(case)[0]
    (variant,) = apply_step(case, base, Step.of("position.field_order", order="reference_first"))
    assert variant.presentation_value("field_order", "response_first") == "reference_first"
    assert variant.slots == base.slots and variant.id != base.id
    assert apply_step(case, variant, Step.of("position.field_order", order="reference_first")) == []


def test_locate_finds_the_final_answer() -> None:
    assert locate("so \\boxed{\\frac{1}{2}} done") is not None
    text = "work\n\n**Final answer:** $Z^5$."
    span = locate(text)
    assert span is not None and span.of(text) == "Z^5"
    assert locate("   \n ") is None


@pytest.mark.parametrize("at", [0.0, 0.5, 1.0])
def test_answer_placement_keeps_the_answer(at: float) -> None:
    case = grade_case(
        "56", [("short", "56", "correct"), ("worked", "Seven eights.\nSo:\nAnswer: 56\n", "correct")]
    )
    short, worked = base_variants(case)
    (placed,) = apply_step(case, short, Step.of("position.answer_at", at=at))
    assert placed.dose == at and placed.label == "correct" and _answer(placed) == "56"
    lines = [line for line in placed.slots[0].text.split("\n") if line.strip()]
    where = {0.0: 0, 0.5: 1, 1.0: len(lines) - 1}[at]
    assert lines[where] == "Answer: 56"
    moved = apply_step(case, worked, Step.of("position.answer_at", at=at))
    if at == 1.0:
        assert moved == []  # already last
    else:
        (variant,) = moved
        assert _answer(variant) == "56" and not variant.slots[0].text.rstrip().endswith("Answer: 56")
