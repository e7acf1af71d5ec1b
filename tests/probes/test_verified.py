"""Meaning-kept rewrites are verified before use: the issue's misreadings are no longer emitted, and the
rewrites left out are counted (issue 13, item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from judgeprobe.cases.loader import load_file
from judgeprobe.cases.models import AnyCase, GradeCase
from judgeprobe.probes.base import apply_step
from judgeprobe.probes.families.common import locate
from judgeprobe.probes.suite import generate_suite
from judgeprobe.probes.units import base_variants
from judgeprobe.probes.variant import Relation, Step, Variant
from judgeprobe.probes.verified import RewriteLog, recording_rewrites

MISREAD = Path(__file__).parent / "data" / "unverified" / "misread.yaml"


@pytest.fixture(scope="module")
def cases() -> dict[str, AnyCase]:
    return {case.id: case for case in load_file(MISREAD)}


@pytest.fixture(scope="module")
def swept(cases: dict[str, AnyCase]) -> tuple[list[Variant], RewriteLog]:
    with recording_rewrites() as log:
        variants = generate_suite(list(cases.values()), sweep=True)
    return variants, log


def _answers(variants: list[Variant], case_id: str) -> set[str]:
    """Every final answer and reference the invariant variants of a case show a judge."""
    shown: set[str] = set()
    for variant in variants:
        if variant.case_id != case_id or variant.relation is not Relation.INVARIANT:
            continue
        span = locate(variant.slots[0].text)
        if span is not None:
            shown.add(span.of(variant.slots[0].text).strip())
        if variant.reference is not None:
            shown.add(variant.reference.strip())
    return shown


@pytest.mark.parametrize(
    ("case_id", "misreadings"),
    [
        ("misread-projective-plane", {"RP x RP", "RP+RP", "RP + RP"}),
        ("misread-torus", {"T x T", "T+T"}),
        ("misread-big-o", {"O", "O n \\log{\\left(n \\right)}", "O·n·log(n)", "O*n*log(n)"}),
        ("misread-theta", {"Θ·n²", "\\Theta n^{2}", "Theta*n^2"}),
        ("misread-cyclic-six", {"Z/2Z + Z/3Z", "ℤ/2ℤ ⊕ ℤ/3ℤ"}),
        ("misread-cyclic-ten", {"Z/2Z + Z/5Z", "ℤ/2ℤ ⊕ ℤ/5ℤ"}),
        ("misread-npspace", {"PSPACE", "\\mathsf{PSPACE}", "$PSPACE$"}),
        ("misread-conl", {"NL", "\\mathsf{NL}", "CONP"}),
    ],
)
def test_misreadings_are_not_emitted_as_meaning_kept(
    swept: tuple[list[Variant], RewriteLog], case_id: str, misreadings: set[str]
) -> None:
    variants, _ = swept
    shown = _answers(variants, case_id)
    assert shown, "the case still gets invariant variants"
    assert not (shown & misreadings)


def test_the_misreadings_are_recorded_as_unverified_with_a_reason(
    swept: tuple[list[Variant], RewriteLog],
) -> None:
    _, log = swept
    rejected = {(item.case_id, item.rewrite): item for item in log.unverified}
    for key in [
        ("misread-projective-plane", "RP x RP"),
        ("misread-big-o", "O n \\log{\\left(n \\right)}"),
        ("misread-cyclic-six", "Z/2Z + Z/3Z"),
    ]:  # NPSPACE -> PSPACE is no longer even proposed (the grader's renderings keep a class's name)
        assert key in rejected
        assert "does not read both as one answer" in rejected[key].reason
    counts = log.unverified_by_probe()
    assert counts["formatting.render"] > 0 and counts["formatting.alternate"] > 0
    assert sum(counts.values()) == len(log.unverified)


@pytest.mark.parametrize("case_id", ["misread-sentence-no", "misread-sentence-true"])
def test_hedge_or_never_hedges_a_sentence(cases: dict[str, AnyCase], case_id: str) -> None:
    case = cases[case_id]
    base = base_variants(case)[0]
    for order in ("right_first", "wrong_first"):
        assert apply_step(case, base, Step.of("formatting.hedge_or", order=order)) == []


def test_hedge_or_still_hedges_a_bare_answer(cases: dict[str, AnyCase]) -> None:
    case = cases["misread-projective-plane"]
    base = base_variants(case)[0]
    (variant,) = apply_step(case, base, Step.of("formatting.hedge_or", order="right_first"))
    assert variant.slots[0].text in ("RP^2 or S^2", "RP^2 or T^2") and variant.label == "incorrect"


def test_outside_a_recording_block_the_probes_do_the_same(cases: dict[str, AnyCase]) -> None:
    plain = generate_suite(list(cases.values()))
    with recording_rewrites() as log:
        recorded = generate_suite(list(cases.values()))
    assert [v.id for v in plain] == [v.id for v in recorded]
    assert log.items


STRICT_CASE = """\
cases:
  - id: strict-direct-sum
    question: "What is H_1 of a wedge of five circles?"
    reference: "Z+Z+Z+Z+Z"
    answer_kind: group
    source: hand-written
    tags: [policy]
    equivalents: ["Z^5", "ℤ⊕ℤ⊕ℤ⊕ℤ⊕ℤ"]
    non_equivalents: ["Z^4"]
    responses:
      - {id: same, text: "Z+Z+Z+Z+Z", label: correct, why: "the reference"}
      - {id: power, text: "Z^5", label: correct, strict_label: incorrect, why: "another notation"}
      - {id: rank-four, text: "Z^4", label: incorrect, why: "one circle short"}
"""


@pytest.fixture
def strict_case(tmp_path: Path) -> GradeCase:
    path = tmp_path / "strict.yaml"
    path.write_text(STRICT_CASE, encoding="utf-8")
    (case,) = load_file(path)
    assert isinstance(case, GradeCase)
    return case


def test_labels_follow_the_policy(strict_case: GradeCase) -> None:
    semantic = {v.unit_id: v for v in base_variants(strict_case)}
    strict = {v.unit_id: v for v in base_variants(strict_case, policy="strict")}
    assert semantic["power"].label == "correct" and strict["power"].label == "incorrect"
    assert semantic["same"].label == strict["same"].label == "correct"
    # a label that is the same under both policies still makes another variant: the policy is part of it
    assert semantic["same"].id != strict["same"].id
    # semantic variants hash as they did before policies existed (no policy field in the hash)
    assert semantic["same"].content_hash() == semantic["same"].id


def test_under_strict_another_notation_of_a_right_answer_is_left_out(strict_case: GradeCase) -> None:
    with recording_rewrites() as semantic_log:
        semantic = generate_suite([strict_case], sweep=True)
    with recording_rewrites() as strict_log:
        strict = generate_suite([strict_case], sweep=True, policy="strict")

    def shown(variants: list[Variant], unit: str) -> set[str]:
        return {
            v.slots[0].text
            for v in variants
            if v.unit_id == unit and v.relation is Relation.INVARIANT and v.probe == "formatting.equivalent"
        }

    assert "Z^5" in shown(semantic, "same")  # another notation of the right answer: kept under semantic
    assert "Z^5" not in shown(strict, "same")  # … and left out under strict
    assert "ℤ⊕ℤ⊕ℤ⊕ℤ⊕ℤ" in shown(strict, "same")  # the same notation in Unicode: kept under strict
    assert not semantic_log.by_policy
    assert any(item.rewrite == "Z^5" for item in strict_log.by_policy)
    assert all(v.policy == "strict" for v in strict)
