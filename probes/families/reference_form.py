"""Reference-form probes: the rewrites of :mod:`judgeprobe.probes.families.formatting` applied to the
*reference*.

Invariants: ``reference_form.render`` (LaTeX / Unicode / ASCII), ``reference_form.wrap`` (``$…$``,
``\\boxed{}``), ``reference_form.alternate`` (sympy-computed equivalent forms), ``reference_form.equivalent``
(the case's equivalents as the reference) and ``reference_form.swap`` (reference and response answer trade
places: equivalence is symmetric, so the label stays). Controls: ``reference_form.non_equivalent`` (a
non-equivalent becomes the reference), ``reference_form.wrong_letter`` (multiple choice: another letter is
the key) and the ``_control`` twins (the response's answer broken, the reference rewritten).
"""

from __future__ import annotations

from functools import lru_cache

from judgeprobe.cases.answers import equivalent, normalize
from judgeprobe.cases.answers.kinds import AnswerKind
from judgeprobe.cases.models import GradeCase, Mode
from judgeprobe.probes.base import Params, ProbeContext, register_probe
from judgeprobe.probes.families.common import locate, mc_letter, register_paired_control, replace_span
from judgeprobe.probes.families.formatting import answer_forms, case_tolerance
from judgeprobe.probes.variant import Relation, Slot, Variant

__all__ = ["same_answer"]

FAMILY = "reference_form"
_GRADE = frozenset({Mode.GRADE})


def _lettered(kind: AnswerKind | None) -> bool:
    """A kind answered by a letter among choices (its reference is a letter: it has no other forms)."""
    return kind is not None and kind.spec.choices


@lru_cache(maxsize=16384)
def same_answer(a: str, b: str, kind: AnswerKind | str | None) -> bool:
    """Whether two answers normalise to the same text under ``judgeprobe.cases.answers.normalize`` (cheap and
    sure:
    no sympy; used where a control needs certainty that the label flips)."""
    return normalize(a, kind=kind) == normalize(b, kind=kind)


def _case(ctx: ProbeContext) -> GradeCase | None:
    return ctx.case if isinstance(ctx.case, GradeCase) else None


def _with_reference(
    variant: Variant, ctx: ProbeContext, reference: str, *, label: str | None = None
) -> list[Variant]:
    if variant.reference is None or reference.strip() == variant.reference.strip() or not reference.strip():
        return []
    return [ctx.derive(variant, reference=reference, label=label)]


def _render(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
    kind = variant.answer_kind
    if variant.reference is None or kind is None or _lettered(kind):
        return []
    forms = answer_forms(variant.reference, kind, variant.choices, case_tolerance(variant), variant.question)
    new = forms.get(str(params["form"])) if "form" in params else forms.get(f"alt{params['index']}")
    return [] if new is None else _with_reference(variant, ctx, new)


register_probe(
    "reference_form.render",
    family=FAMILY,
    relation=Relation.INVARIANT,
    modes=_GRADE,
    params={"form": ("unicode", "latex", "ascii")},
    description="Write the reference in LaTeX, Unicode or ASCII notation",
)(_render)
register_paired_control(
    "reference_form.render_control",
    invariant=_render,
    family=FAMILY,
    modes=_GRADE,
    params={"form": ("latex",)},
    description="Control: break the response's answer, then rewrite the reference in LaTeX",
)
register_probe(
    "reference_form.alternate",
    family=FAMILY,
    relation=Relation.INVARIANT,
    modes=_GRADE,
    params={"index": (0, 1)},
    description="Replace the reference by another equivalent form computed with sympy",
)(_render)


def _wrap(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
    if variant.reference is None or _lettered(variant.answer_kind):
        return []
    ref = variant.reference.strip()
    new = f"${ref}$" if params["style"] == "dollar" else f"\\boxed{{{ref}}}"
    return [] if ref.startswith(("$", "\\boxed")) else _with_reference(variant, ctx, new)


register_probe(
    "reference_form.wrap",
    family=FAMILY,
    relation=Relation.INVARIANT,
    modes=_GRADE,
    params={"style": ("dollar", "boxed")},
    description="Wrap the reference in $…$ or \\boxed{}",
)(_wrap)


def _equivalent(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
    case = _case(ctx)
    index = int(params["index"] or 0)
    if case is None or variant.reference is None or index >= len(case.equivalents):
        return []
    if variant.reference.strip() != case.reference.strip():
        return []
    return _with_reference(variant, ctx, case.equivalents[index])


register_probe(
    "reference_form.equivalent",
    family=FAMILY,
    relation=Relation.INVARIANT,
    modes=_GRADE,
    params={"index": (0, 1, 2, 3)},
    description="Use one of the case's author-asserted equivalents as the reference",
)(_equivalent)


@register_probe(
    "reference_form.swap",
    family=FAMILY,
    relation=Relation.INVARIANT,
    modes=_GRADE,
    description="Swap the reference and the response's final answer (equivalence is symmetric)",
)
def swap(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
    text = variant.slots[0].text
    span = locate(text)
    if span is None or variant.reference is None:
        return []
    answer = span.of(text).strip()
    reference = variant.reference.strip()
    if answer == reference or not any(ch.isalnum() for ch in answer) or len(answer.split()) > 4:
        return []
    if variant.choices is not None and mc_letter(answer, variant.choices) is None:
        return []
    if variant.answer_kind is not None and not _symmetric(answer, reference, variant):
        return []  # the kind's rule is not symmetric here (significant figures, a required form)
    slot = Slot(variant.slots[0].response_id, replace_span(text, span, reference))
    return [ctx.derive(variant, slots=(slot,), reference=answer, final_answer=reference)]


def _symmetric(answer: str, reference: str, variant: Variant) -> bool:
    """Grading the answer against the reference and the reference against the answer agree."""
    kind, tolerance = variant.answer_kind, case_tolerance(variant)
    assert kind is not None
    forward = equivalent(answer, reference, kind=kind, choices=variant.choices, tolerance=tolerance,
                         question=variant.question)  # fmt: skip
    backward = equivalent(reference, answer, kind=kind, choices=variant.choices, tolerance=tolerance,
                          question=variant.question)  # fmt: skip
    return forward.decision is backward.decision


@register_probe(
    "reference_form.non_equivalent",
    family=FAMILY,
    relation=Relation.CONTROL,
    modes=_GRADE,
    params={"index": (0, 1, 2)},
    description="Control: make one of the case's non-equivalents the reference (the label follows)",
)
def non_equivalent(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
    case = _case(ctx)
    index = int(params["index"] or 0)
    if case is None or variant.reference is None or _lettered(variant.answer_kind):
        return []
    if index >= len(case.non_equivalents) or variant.reference.strip() != case.reference.strip():
        return []
    new_reference = case.non_equivalents[index]
    if variant.label == "correct":
        return _with_reference(variant, ctx, new_reference, label="incorrect")
    text = variant.slots[0].text
    span = locate(text)
    if span is None:
        return []
    if not same_answer(span.of(text), new_reference, variant.answer_kind):
        return []  # wrong against both references (or not surely the new one): the label would not change
    return _with_reference(variant, ctx, new_reference, label="correct")


@register_probe(
    "reference_form.wrong_letter",
    family=FAMILY,
    relation=Relation.CONTROL,
    modes=_GRADE,
    params={"shift": (1,)},
    description="Control: make another option the key of a multiple-choice case (the label follows)",
)
def wrong_letter(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
    if variant.choices is None or variant.reference is None:
        return []
    letters = [letter for letter, _ in variant.choices]
    reference = variant.reference.strip()
    if reference not in letters:
        return []
    new_reference = letters[(letters.index(reference) + int(params["shift"] or 1)) % len(letters)]
    if variant.label == "correct":
        return _with_reference(variant, ctx, new_reference, label="incorrect")
    text = variant.slots[0].text
    span = locate(text)
    if span is None or mc_letter(span.of(text), variant.choices) != new_reference:
        return []
    return _with_reference(variant, ctx, new_reference, label="correct")
