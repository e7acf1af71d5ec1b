"""Score units get invariants and paired controls; pairwise text probes have better-side siblings."""

from __future__ import annotations

import pytest
from probe_builders import pairwise_case

from judgeprobe.cases.loader import Library
from judgeprobe.cases.models import Mode, PairwiseCase, ScoreCase
from judgeprobe.probes.base import ProbeInfo, apply_step, grid_points, list_probes
from judgeprobe.probes.families.common import broken
from judgeprobe.probes.families.score_twin import NON_ANSWER, broken_score
from judgeprobe.probes.labels import ScoreLabel
from judgeprobe.probes.selector import select_probes
from judgeprobe.probes.suite import generate_suite, unit_chosen
from judgeprobe.probes.units import base_variants
from judgeprobe.probes.variant import Relation, Step, Variant

pytestmark = pytest.mark.slow  # a module-wide fixture builds a whole suite or run

GOOD = (
    "Photosynthesis is the process by which plants use light energy to turn carbon dioxide and water "
    "into glucose, releasing oxygen. It takes place in the chloroplasts."
)
WRONG = "Photosynthesis is how plants breathe in oxygen at night and release carbon dioxide."


def score_case(*responses: tuple[str, str, tuple[int, int]]) -> ScoreCase:
    """A score case built in a test: responses are (id, text, range)."""
    return ScoreCase(
        id="score-test",
        question="Explain briefly what photosynthesis is.",
        source="hand-written",
        responses=tuple({"id": i, "text": t, "label": lab, "why": "test"} for i, t, lab in responses),
    )


CASE = score_case(("good", GOOD, (8, 10)), ("vague", "Plants make food from light.", (3, 6)))
"""A good response, and a vague one whose range ends below the good one's."""

SCORE_INVARIANTS = [p for p in list_probes() if Mode.SCORE in p.modes and p.relation is Relation.INVARIANT]
SCORE_CONTROLS = [p for p in list_probes() if Mode.SCORE in p.modes and p.relation is Relation.CONTROL]
BETTER = [p for p in list_probes() if p.name.endswith("_better")]

PAIR = pairwise_case(
    "Plants turn light, water and CO2 into sugar and oxygen. This happens in the chloroplasts.",
    "It is about plants.",
)


def _points(name: str) -> list[Step]:
    info = select_probes(name)[0]
    return [Step.of(name, **point) for point in grid_points(info)]


def _disjoint_below(new: str, old: str) -> bool:
    new_range, old_range = ScoreLabel.parse(new), ScoreLabel.parse(old)
    assert new_range is not None and old_range is not None, (new, old)
    return new_range[1] < old_range[0]


def test_score_units_get_invariants_and_controls() -> None:
    invariants = {p.name for p in SCORE_INVARIANTS}
    paired = {
        "length.pad",
        "verbosity.filler",
        "formatting.layout",
        "authority.cite",
        "bandwagon.crowd",
        "identity.model_name",
        "distraction.detail",
        "specificity.detail",
        "sentiment.tone",
        "master_key.opener",
    }
    assert paired | {"length.repeat_list", "injection.field"} <= invariants
    controls = {p.name for p in SCORE_CONTROLS}
    assert controls == {f"{name}_control" for name in paired} | {"master_key.replace"}


@pytest.mark.parametrize("info", SCORE_INVARIANTS, ids=lambda p: p.name)
def test_score_invariants_keep_the_range(info: ProbeInfo) -> None:
    good = base_variants(CASE)[0]
    made = [v for step in _points(info.name) for v in apply_step(CASE, good, step)]
    assert made, "the invariant does not apply to a plain score response"
    for variant in made:
        assert variant.label == "8-10" and variant.relation is Relation.INVARIANT
        assert variant.slots[0].response_id == "good" and variant.slots[0].text != GOOD


@pytest.mark.parametrize("info", SCORE_CONTROLS, ids=lambda p: p.name)
def test_score_controls_drop_to_a_disjoint_range(info: ProbeInfo) -> None:
    good = base_variants(CASE)[0]
    made = [v for step in _points(info.name) for v in apply_step(CASE, good, step)]
    assert made, "the control does not apply to a high-range score response"
    for variant in made:
        assert variant.relation is Relation.CONTROL and _disjoint_below(variant.label, "8-10")
        assert GOOD not in variant.slots[0].text


def test_score_twin_uses_a_worse_sibling_or_the_non_answer() -> None:
    good, vague = base_variants(CASE)
    twins = {broken_score(CASE, good, pick=pick) for pick in range(4)}
    assert {(t.slots[0].text, t.label) for t in twins if t} == {
        ("Plants make food from light.", "3-6"),
        (NON_ANSWER, "1-2"),
    }
    for twin in twins:
        assert twin is not None and twin.slots[0].response_id == "good"
    (only,) = {broken_score(CASE, vague, pick=pick) for pick in range(3)}
    assert only is not None and only.slots[0].text == NON_ANSWER and only.label == "1-2"
    assert broken(CASE, vague) == only


def test_low_ranges_have_no_score_twin() -> None:
    case = score_case(("empty", "", (1, 2)), ("wrong", WRONG, (1, 3)), ("good", GOOD, (8, 10)))
    empty, wrong, good = base_variants(case)
    assert broken_score(case, empty) is None and broken_score(case, wrong) is None
    assert apply_step(case, wrong, Step.of("length.pad_control", words=400)) == []
    (padded,) = apply_step(case, wrong, Step.of("length.pad", words=100))
    assert padded.label == "1-3"
    twin_labels = {broken_score(case, good, pick=pick).label for pick in range(3)}  # type: ignore[union-attr]
    assert twin_labels == {"1-2", "1-3"}


def test_overlapping_siblings_are_not_twins() -> None:
    case = score_case(("good", GOOD, (6, 9)), ("ok", "Plants use light to make food.", (4, 6)))
    good, _ = base_variants(case)
    twins = {broken_score(case, good, pick=pick) for pick in range(3)}
    assert {(t.slots[0].text, t.label) for t in twins if t} == {(NON_ANSWER, "1-2")}


def test_library_score_controls_never_overlap(library: Library) -> None:
    score_cases = [case for case in library if isinstance(case, ScoreCase)]
    probes = [p for p in list_probes() if Mode.SCORE in p.modes]
    suite = generate_suite(score_cases, probes=probes, sweep=True)
    bases = {(v.case_id, v.unit_id): v for v in suite if v.relation is Relation.BASE}
    controls = [v for v in suite if v.relation is Relation.CONTROL]
    assert {v.probe for v in controls} >= {p.name for p in SCORE_CONTROLS}
    for variant in controls:
        base = bases[(variant.case_id, variant.unit_id)]
        assert _disjoint_below(variant.label, base.label), variant.chain_name
    for variant in suite:
        if variant.relation is Relation.INVARIANT:
            assert variant.label == bases[(variant.case_id, variant.unit_id)].label, variant.chain_name


def test_better_siblings_exist_for_the_pairwise_text_probes() -> None:
    names = {p.name for p in BETTER}
    expected = {
        "length.pad_better",
        "length.repeat_list_better",
        "verbosity.filler_better",
        "formatting.layout_better",
        "authority.cite_better",
        "bandwagon.crowd_better",
        "identity.model_name_better",
        "distraction.detail_better",
        "specificity.detail_better",
        "sentiment.tone_better",
        "master_key.opener_better",
    }
    assert names == expected
    for info in BETTER:
        assert info.relation is Relation.INVARIANT and info.modes == frozenset({Mode.PAIRWISE})
        assert info.description and "\n" not in info.description and "better response" in info.description


@pytest.mark.parametrize("info", BETTER, ids=lambda p: p.name)
def test_better_side_keeps_the_preference_and_changes_the_better_text(info: ProbeInfo) -> None:
    (base,) = base_variants(PAIR)
    made = [v for step in _points(info.name) for v in apply_step(PAIR, base, step)]
    assert made
    for variant in made:
        assert variant.label == base.label == "a" and variant.relation is Relation.INVARIANT
        assert [s.response_id for s in variant.slots] == ["a", "b"]
        assert variant.slots[0].text != base.slots[0].text
        assert variant.slots[1] == base.slots[1]
    (worse_side,) = apply_step(PAIR, base, _points(info.name.removesuffix("_better"))[0])
    assert worse_side.slots[0] == base.slots[0] and worse_side.slots[1] != base.slots[1]


def test_better_side_skips_ties_and_other_modes() -> None:
    tie = PairwiseCase(
        id="tie-test",
        question="Explain photosynthesis briefly.",
        source="hand-written",
        responses=(
            {"id": "a", "text": "Light becomes sugar.", "label": "tie", "why": "test"},
            {"id": "b", "text": "Sugar from light.", "label": "tie", "why": "test"},
        ),
    )
    (base,) = base_variants(tie)
    assert apply_step(tie, base, Step.of("length.pad_better", words=100)) == []
    good = base_variants(CASE)[0]
    assert apply_step(CASE, good, Step.of("authority.cite_better", style="book")) == []


def test_default_suite_has_score_controls_and_better_siblings(suite: list[Variant]) -> None:
    score_controls = {v.probe for v in suite if v.mode == "score" and v.relation is Relation.CONTROL}
    assert len(score_controls) >= 5, score_controls
    better = {v.probe for v in suite if v.mode == "pairwise" and v.probe.endswith("_better")}
    assert better == {p.name for p in BETTER}


def test_layout_styles() -> None:
    good = base_variants(CASE)[0]
    texts = {
        style: apply_step(CASE, good, Step.of("formatting.layout", style=style))[0].slots[0].text
        for style in ("heading", "rules", "bold_lead")
    }
    assert texts["heading"] == f"## Response\n\n{GOOD}"
    assert texts["rules"] == f"---\n\n{GOOD}\n\n---"
    assert texts["bold_lead"].startswith("**Photosynthesis is") and texts["bold_lead"].count("**") == 2
    assert texts["bold_lead"].replace("**", "") == GOOD
    code = score_case(("code", "```python\ndef f(): pass\n```", (6, 9)))
    assert apply_step(code, base_variants(code)[0], Step.of("formatting.layout", style="bold_lead")) == []


def test_pairwise_and_score_units_get_every_control(suite: list[Variant], library: Library) -> None:
    control = select_probes("length.pad_control")[0]
    assert control.share < 1
    assert unit_chosen(control, "any-case", "any-unit", mode=Mode.SCORE)
    assert unit_chosen(control, "any-case", "any-unit", mode=Mode.PAIRWISE)
    breakable = {
        (case.id, response.id)
        for case in library
        if isinstance(case, ScoreCase)
        for response in case.responses
        if response.label[0] > 2
    }
    padded = {(v.case_id, v.unit_id) for v in suite if v.mode == "score" and v.probe == "length.pad_control"}
    assert padded == breakable
    pairs = {case.id for case in library if isinstance(case, PairwiseCase) and case.preferred != "tie"}
    swapped = {v.case_id for v in suite if v.mode == "pairwise" and v.probe == "authority.cite_control"}
    assert swapped == pairs
