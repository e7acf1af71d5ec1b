"""``specificity.detail``: relevant, concrete detail that decides nothing, with its paired control."""

from __future__ import annotations

import re

import pytest

from judgeprobe.cases.answers import extract_final_answer
from judgeprobe.cases.loader import Library
from judgeprobe.probes.base import get_probe
from judgeprobe.probes.families.persona import DETAILS
from judgeprobe.probes.families.social import BOOKS, QUOTES, URLS
from judgeprobe.probes.families.specificity import (
    ELIMINATION_STEP,
    GENERIC_STEP,
    detail_sentence,
    question_figures,
    unit_of,
)
from judgeprobe.probes.selector import select_probes
from judgeprobe.probes.suite import generate_suite
from judgeprobe.probes.variant import Relation, Variant


@pytest.fixture(scope="module")
def specific(library: Library) -> list[Variant]:
    return generate_suite(library, probes=select_probes("specificity"))


@pytest.mark.parametrize(
    ("reference", "unit"),
    [("9.8 m/s^2", "m/s^2"), ("25%", "%"), ("9.11 × 10^-31 kg", "kg"), ("1 percentage point",
     "percentage point"), ("100 °C", "°C"), ("1/2", None), ("10^9", None), ("12", None)],
)  # fmt: skip
def test_unit_of_reads_the_reference_unit(reference: str, unit: str | None) -> None:
    assert unit_of(reference) == unit


def test_figures_are_the_question_numbers_only() -> None:
    assert question_figures("A 3 by 4 rectangle of area 12 m^2: what is 3+4?") == ["3", "4", "12"]
    assert question_figures("Which is prime?\n\nOptions:\nA. 21\nB. 29") == []


def test_the_detail_keeps_the_answer_and_the_label(
    specific: list[Variant], bases: dict[tuple[str, str], Variant]
) -> None:
    invariants = [v for v in specific if v.probe == "specificity.detail"]
    assert len(invariants) > 100
    kinds = {dict(v.chain[-1].params)["kind"] for v in invariants}
    assert kinds == {"figures", "step", "unit"}
    for variant in invariants:
        base = bases[(variant.case_id, variant.unit_id)]
        assert variant.relation is Relation.INVARIANT and variant.label == base.label
        if variant.mode == "grade":
            assert extract_final_answer(variant.slots[0].text) == extract_final_answer(base.slots[0].text)
        kind = str(dict(variant.chain[-1].params)["kind"])
        sentence = detail_sentence(kind, base)
        changed = [i for i, slot in enumerate(variant.slots) if slot.text != base.slots[i].text]
        assert len(changed) == 1 and sentence is not None, variant.chain_name
        text = variant.slots[changed[0]].text
        assert sentence in text
        assert text.replace(sentence, "", 1).split() == base.slots[changed[0]].text.split()  # only that
        for number in re.findall(r"\d+(?:[.,]\d+)?", sentence):  # numbers come from the question or reference
            assert number in base.question or number in (base.reference or ""), (variant.case_id, sentence)


def test_the_detail_is_about_the_question_not_a_source_or_a_person() -> None:
    sentences = [ELIMINATION_STEP.format(first="A", last="F"), GENERIC_STEP]
    for cue in (*DETAILS, *BOOKS, *QUOTES, *URLS):
        assert cue not in sentences
    assert all("step (" in s for s in sentences)
    assert not any(re.search(r"\d", s) for s in sentences)  # a named step adds no number of its own


def test_paired_control_breaks_the_answer_and_better_side_sibling_exists(
    specific: list[Variant], bases: dict[tuple[str, str], Variant]
) -> None:
    assert get_probe("specificity.detail_control").relation is Relation.CONTROL
    assert get_probe("specificity.detail_better").modes == frozenset({"pairwise"})
    controls = [v for v in specific if v.probe == "specificity.detail_control"]
    assert controls
    for variant in controls:
        base = bases[(variant.case_id, variant.unit_id)]
        assert variant.label != base.label and variant.family == "specificity"
        texts = variant.slots[0].text + variant.slots[-1].text
        assert GENERIC_STEP in texts or "First step (elimination)" in texts
