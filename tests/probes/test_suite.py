"""Properties of the default suite over the whole shipped library (read through the users' loader)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter

import pytest

from judgeprobe.cases.answers import Decision, equivalent, extract_final_answer
from judgeprobe.cases.loader import Library
from judgeprobe.probes.base import FAMILY_ORDER
from judgeprobe.probes.chain import apply_chain, parse_chain
from judgeprobe.probes.families.common import mc_letter
from judgeprobe.probes.selector import select_probes
from judgeprobe.probes.suite import generate_suite, unit_points
from judgeprobe.probes.variant import Relation, Variant

COMPUTED_FORMATTING = {
    "formatting.wrap",
    "formatting.markup",
    "formatting.case",
    "formatting.spacing",
    "formatting.render",
    "formatting.alternate",
    "formatting.mc_style",
}
"""Formatting invariants computed by the project (not the case author's own ``equivalents``)."""


def _content(variant: Variant) -> tuple[object, ...]:
    return (variant.slots, variant.reference, variant.choices, variant.presentation)


def test_suite_size_and_families(suite: list[Variant]) -> None:
    assert len(suite) >= 2000
    families = Counter(v.family for v in suite)
    assert set(FAMILY_ORDER) <= set(families), f"missing: {set(FAMILY_ORDER) - set(families)}"
    for family in FAMILY_ORDER:
        relations = {v.relation for v in suite if v.family == family}
        assert Relation.CONTROL in relations, f"{family} has no control variant"
    assert len({v.id for v in suite}) == len(suite)


def test_base_variants_come_first(suite: list[Variant], library: Library) -> None:
    units = sum(len(case.responses) if case.mode != "pairwise" else 1 for case in library)
    assert all(v.relation is Relation.BASE for v in suite[:units])
    assert all(v.relation is not Relation.BASE for v in suite[units:])


def test_every_variant_changes_something(suite: list[Variant], bases: dict[tuple[str, str], Variant]) -> None:
    for variant in suite:
        if variant.relation is not Relation.BASE:
            assert _content(variant) != _content(bases[(variant.case_id, variant.unit_id)]), (
                variant.chain_name
            )


def test_invariants_keep_and_controls_change_the_label(
    suite: list[Variant], bases: dict[tuple[str, str], Variant]
) -> None:
    for variant in suite:
        base = bases[(variant.case_id, variant.unit_id)]
        if variant.relation is Relation.INVARIANT:
            assert variant.label == base.label, variant.chain_name
        elif variant.relation is Relation.CONTROL:
            assert variant.label != base.label, f"{variant.case_id}/{variant.unit_id}: {variant.chain_name}"


@pytest.mark.slow
def test_grade_controls_change_the_answer(
    suite: list[Variant], bases: dict[tuple[str, str], Variant]
) -> None:
    """A control either changes the label or states an answer that is not equivalent to the original."""
    for variant in suite:
        if variant.relation is not Relation.CONTROL or variant.mode != "grade":
            continue
        base = bases[(variant.case_id, variant.unit_id)]
        before = extract_final_answer(base.slots[0].text)
        after = extract_final_answer(variant.slots[0].text)
        choices = dict(variant.choices) if variant.choices else None
        same = equivalent(before, after, kind=str(variant.answer_kind), choices=choices).decision
        assert variant.label != base.label or same is not Decision.EQUIVALENT, variant.chain_name


def test_computed_formatting_rewrites_stay_equivalent(
    suite: list[Variant], bases: dict[tuple[str, str], Variant]
) -> None:
    checked = 0
    for variant in suite:
        if variant.probe not in COMPUTED_FORMATTING or variant.relation is not Relation.INVARIANT:
            continue
        if variant.answer_kind not in ("number", "expression", "multiple_choice"):
            continue
        base = bases[(variant.case_id, variant.unit_id)]
        before = extract_final_answer(base.slots[0].text)
        after = extract_final_answer(variant.slots[0].text)
        choices = dict(variant.choices) if variant.choices else None
        judged = equivalent(before, after, kind=str(variant.answer_kind), choices=choices)
        assert judged.decision is not Decision.DIFFERENT, (variant.chain_name, before, after, judged.reason)
        checked += 1
    assert checked >= 30


def test_library_choice_shuffles_keep_the_correct_text(
    suite: list[Variant], bases: dict[tuple[str, str], Variant]
) -> None:
    shuffles = [v for v in suite if v.probe == "position.shuffle_choices"]
    assert shuffles
    for variant in shuffles:
        base = bases[(variant.case_id, variant.unit_id)]
        assert variant.choices and base.choices and variant.reference and base.reference
        assert dict(variant.choices)[variant.reference] == dict(base.choices)[base.reference]
        old = mc_letter(extract_final_answer(base.slots[0].text), base.choices)
        if old is not None:
            new = mc_letter(extract_final_answer(variant.slots[0].text), variant.choices)
            assert new is not None and dict(variant.choices)[new] == dict(base.choices)[old]


def test_library_pairwise_swaps_swap(suite: list[Variant], bases: dict[tuple[str, str], Variant]) -> None:
    swaps = [v for v in suite if v.probe == "position.swap"]
    assert swaps
    for variant in swaps:
        base = bases[(variant.case_id, variant.unit_id)]
        assert variant.slots == tuple(reversed(base.slots)) and variant.label == base.label


def test_chains_rebuild_from_names(library: Library, suite: list[Variant]) -> None:
    sample = [v for v in suite if v.relation is not Relation.BASE][::37]
    assert len(sample) > 100
    for variant in sample:
        case = library.by_id(variant.case_id)
        base = next(b for b in suite if b.case_id == case.id and b.unit_id == variant.unit_id)
        rebuilt = apply_chain(case, base, parse_chain(variant.chain_name), seed=variant.seed)
        assert variant.id in {v.id for v in rebuilt}, variant.chain_name


def test_same_seed_same_variants_and_other_seed_other_ids(library: Library) -> None:
    cases = list(library)[:8]
    first = generate_suite(cases, seed=3)
    again = generate_suite(cases, seed=3)
    assert [v.id for v in first] == [v.id for v in again]
    assert first == again
    other = generate_suite(cases, seed=4)
    assert {v.id for v in other}.isdisjoint({v.id for v in first})


def test_graded_probes_sweep_their_doses(suite: list[Variant]) -> None:
    doses = Counter(v.dose for v in suite if v.probe == "length.pad")
    assert set(doses) == {100.0, 400.0, 1600.0}
    assert len(set(doses.values())) == 1  # every unit gets every dose


def test_unit_points_rotate_other_parameters(library: Library) -> None:
    (info,) = select_probes("identity.model_name")
    names = {unit_points(info, case.id, "x")[0]["name"] for case in library}
    assert names == set(info.params["name"])


@pytest.mark.parametrize("selector", ["length", "formatting.wrap,injection"])
def test_selection_limits_the_suite(library: Library, selector: str) -> None:
    cases = list(library)[:5]
    chosen = select_probes(selector)
    names = {p.name for p in chosen}
    made = generate_suite(cases, probes=chosen)
    assert {v.probe for v in made} <= names | {"base"}


def test_extra_chains_follow_the_single_probes(library: Library) -> None:
    cases = list(library)[:6]
    chain = parse_chain('formatting.wrap(style="boxed") > length.pad(words=100)')
    made = generate_suite(cases, probes=[], chains=[chain])
    bases = [v for v in made if v.relation is Relation.BASE]
    chained = [v for v in made if v.relation is not Relation.BASE]
    assert made[: len(bases)] == bases and chained
    for variant in chained:
        assert variant.chain == chain.steps and variant.relation is Relation.INVARIANT
        assert variant.family == "length" and variant.dose == 100
        assert "\\boxed{" in variant.slots[0].text


@pytest.mark.slow
def test_ids_do_not_depend_on_the_process(library: Library) -> None:
    """Same variants and ids in a fresh interpreter with another string-hash seed, over the whole library
    (set answers once came out in hash order under some seeds: `x = ±i` gained a `{i, -i}` form)."""
    cases = [case.id for case in library]
    script = (
        "import sys\n"
        "from judgeprobe.cases.loader import load_library\n"
        "from judgeprobe.probes.suite import generate_suite\n"
        "lib = load_library()\n"
        "ids = sys.argv[1].split(',')\n"
        "print('\\n'.join(v.id for v in generate_suite([lib.by_id(i) for i in ids])))\n"
    )
    for hash_seed in ("1", "5"):
        done = subprocess.run(
            [sys.executable, "-c", script, ",".join(cases)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )
        here = [v.id for v in generate_suite([library.by_id(i) for i in cases])]
        assert done.stdout.split() == here


def test_sweep_applies_the_whole_grid(library: Library) -> None:
    cases = [case for case in library if case.mode == "grade"][:3]
    chosen = select_probes("identity.model_name,length.pad_control")
    swept = generate_suite(cases, probes=chosen, sweep=True)
    default = generate_suite(cases, probes=chosen)
    units = sum(len(case.responses) for case in cases)
    names = Counter(v.probe for v in swept)
    assert names["identity.model_name"] == 4 * units  # every name on every unit
    assert names["length.pad_control"] > 0
    assert Counter(v.probe for v in default)["identity.model_name"] == units  # one name per unit
    assert {v.id for v in default} <= {v.id for v in swept}
