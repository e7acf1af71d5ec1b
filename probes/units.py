"""Units and their unperturbed (base) variants.

The statistical unit is a (case, response) for grade and score cases and the (case, pair) for pairwise
cases. Every probe starts from a unit's base variant; the base variant's own draws give the base verdict
and the placebo (the judge's noise floor).
"""

from __future__ import annotations

from judgeprobe.cases.models import AnyCase, GradeCase, PairwiseCase
from judgeprobe.probes.labels import ScoreLabel
from judgeprobe.probes.variant import Relation, Slot, Variant

__all__ = ["PAIR_UNIT", "base_variants"]

PAIR_UNIT = "pair"
"""Unit id of a pairwise case (its two responses are judged together)."""


def base_variants(case: AnyCase, *, seed: int = 0) -> list[Variant]:
    """The unperturbed variant of every unit of ``case``, in the case's order."""
    if isinstance(case, GradeCase):
        choices = tuple(case.choices.items()) if case.choices else None
        return [
            Variant(
                case_id=case.id,
                unit_id=response.id,
                mode=case.mode,
                question=case.question,
                reference=case.reference,
                answer_kind=case.answer_kind,
                choices=choices,
                slots=(Slot(response.id, response.text, response.author),),
                chain=(),
                seed=seed,
                relation=Relation.BASE,
                label=response.label,
                final_answer=response.text,
                rules=case.rules,
            )
            for response in case.responses
        ]
    if isinstance(case, PairwiseCase):
        return [
            Variant(
                case_id=case.id,
                unit_id=PAIR_UNIT,
                mode=case.mode,
                question=case.question,
                reference=case.reference,
                answer_kind=None,
                choices=None,
                slots=tuple(Slot(r.id, r.text, r.author) for r in case.responses),
                chain=(),
                seed=seed,
                relation=Relation.BASE,
                label=case.preferred,
            )
        ]
    return [
        Variant(
            case_id=case.id,
            unit_id=response.id,
            mode=case.mode,
            question=case.question,
            reference=case.reference,
            answer_kind=None,
            choices=None,
            slots=(Slot(response.id, response.text, response.author),),
            chain=(),
            seed=seed,
            relation=Relation.BASE,
            label=str(ScoreLabel(*response.label)),
        )
        for response in case.responses
    ]
