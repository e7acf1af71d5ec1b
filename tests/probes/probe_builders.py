"""Small cases built in tests (grade, multiple choice, pairwise)."""

from __future__ import annotations

from collections.abc import Iterator

from judgeprobe.cases.loader import AnyCase
from judgeprobe.cases.models import GradeCase, PairwiseCase
from judgeprobe.probes.units import base_variants
from judgeprobe.probes.variant import Variant


def grade_case(
    reference: str,
    responses: list[tuple[str, str, str]],
    *,
    kind: str = "number",
    choices: dict[str, str] | None = None,
    equivalents: tuple[str, ...] = (),
    non_equivalents: tuple[str, ...] = (),
    case_id: str = "probe-test",
) -> GradeCase:
    """A small grade case built in a test: responses are (id, text, label)."""
    return GradeCase(
        id=case_id,
        question="What is the answer?",
        source="hand-written",
        reference=reference,
        answer_kind=kind,
        choices=choices,
        equivalents=equivalents,
        non_equivalents=non_equivalents,
        responses=tuple({"id": i, "text": t, "label": lab, "why": "test"} for i, t, lab in responses),
    )


def pairwise_case(better: str, worse: str) -> PairwiseCase:
    """A pairwise case whose first response ``a`` is better."""
    return PairwiseCase(
        id="pair-test",
        question="Explain photosynthesis briefly.",
        source="hand-written",
        responses=(
            {"id": "a", "text": better, "label": "better", "why": "test"},
            {"id": "b", "text": worse, "label": "worse", "why": "test"},
        ),
    )


def first_base(case: AnyCase) -> Variant:
    """The case's first unit's base variant."""
    return base_variants(case)[0]


def units(case: AnyCase) -> Iterator[Variant]:
    """Every base variant of the case."""
    yield from base_variants(case)
