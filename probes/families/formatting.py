"""Formatting probes: the same answer in another surface form, and the case's own equivalents.

Invariants rewrite only the final answer's span (see :func:`judgeprobe.probes.families.common.locate`):
``formatting.wrap`` (``$…$``, ``\\boxed{}``, bold), ``formatting.markup`` (a markdown heading above the
answer, an ``Answer:`` / ``Final answer:`` prefix, blank lines and indentation), ``formatting.case``
(upper/lower case where case carries no meaning), ``formatting.spacing`` (spaces around operators),
``formatting.layout`` (pairwise and score: a whole response dressed in a markdown heading, horizontal rules or
a bold first sentence; with a paired control and a better-side sibling), ``formatting.render`` (LaTeX /
Unicode / ASCII via ``judgeprobe.cases.answers``), ``formatting.alternate`` (equivalent numeric and symbolic
forms computed with sympy through the safe parser), ``formatting.equivalent`` (the case author's
``equivalents``; correct responses only). Controls: ``formatting.non_equivalent`` (the case's
``non_equivalents``), ``formatting.fix`` (an incorrect response given the reference), ``formatting.hedge_or``
(``X or Y``), and ``formatting.wrap_control``. Multiple-choice styles live in
:mod:`judgeprobe.probes.families.choice_style`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from judgeprobe.cases.answers import alternate_forms, is_hedged, render_ascii, render_latex, render_unicode
from judgeprobe.cases.answers.forms import same_both_ways
from judgeprobe.cases.answers.kinds import AnswerKind, KindSpec
from judgeprobe.cases.answers.tolerance import Tolerance
from judgeprobe.cases.models import GradeCase, Mode
from judgeprobe.probes.base import Params, ProbeContext, register_probe
from judgeprobe.probes.families.common import (
    ANSWER_LINE,
    locate,
    mc_letter,
    mc_render,
    mc_style,
    replace_span,
)
from judgeprobe.probes.families.text_probe import text_probe
from judgeprobe.probes.variant import Relation, Slot, Variant

__all__ = ["answer_forms", "case_tolerance", "rewrite_answer"]

FAMILY = "formatting"
_GRADE = frozenset({Mode.GRADE})
_SHORT_WORDS = 4
_OPERATOR = re.compile(r"(?<=[\w)\]}])\s*([+=⊕×,])\s*(?=[\w(\[{\\])")
_RENDERERS: dict[str, Callable[..., str | None]] = {
    "latex": render_latex,
    "unicode": render_unicode,
    "ascii": render_ascii,
}


def _answer(variant: Variant) -> str | None:
    text = variant.slots[0].text
    span = locate(text)
    return span.of(text) if span else None


def _short(answer: str | None) -> bool:
    return bool(answer) and len(answer.split()) <= _SHORT_WORDS if answer else False


def answer_forms(
    answer: str,
    kind: AnswerKind,
    choices: tuple[tuple[str, str], ...] | None,
    tolerance: Tolerance | None = None,
    question: str = "",
) -> dict[str, str]:
    """Computed surface forms of ``answer``: ``latex``/``unicode``/``ascii`` renderings, then ``alt0``,
    ``alt1``, … for the alternates that are none of those (cached per answer and kind row, so each unit's
    sympy work happens once per process). Every form is kept only when it grades equivalent both ways under
    the case's ``tolerance`` and ``question`` (a rewrite of ``3.14`` asked to three figures keeps three
    figures; ``√50`` is not rendered ``5√2`` when the question asks for the simplest radical form)."""
    return _answer_forms(answer, kind, kind.spec, choices, tolerance, question)


def case_tolerance(variant: Variant) -> Tolerance | None:
    """The tolerance the variant's case states (``None`` when none)."""
    return variant.rules.tolerance if variant.rules is not None else None


@lru_cache(maxsize=16384)
def _answer_forms(
    answer: str,
    kind: AnswerKind,
    spec: KindSpec,
    choices: tuple[tuple[str, str], ...] | None,
    tolerance: Tolerance | None,
    question: str,
) -> dict[str, str]:
    forms: dict[str, str] = {}
    for name, render in _RENDERERS.items():
        rendered = render(answer, kind=kind)
        if not rendered or rendered.strip() == answer.strip():
            continue
        if same_both_ways(
            rendered, answer, kind=kind, choices=choices, tolerance=tolerance, question=question
        ):
            forms[name] = rendered
    seen = {answer.strip(), *(form.strip() for form in forms.values())}
    computed = alternate_forms(answer, kind=kind, choices=choices, tolerance=tolerance, question=question)
    alternates = [a for a in computed if a.strip() not in seen]
    for index, alternate in enumerate(dict.fromkeys(alternates)):
        forms[f"alt{index}"] = alternate
    return forms


def rewrite_answer(
    variant: Variant, ctx: ProbeContext, new_answer: str, *, label: str | None = None
) -> list[Variant]:
    """The variant with its final answer's span replaced by ``new_answer`` (``[]`` if nothing changes)."""
    text = variant.slots[0].text
    new_text = replace_span(text, locate(text), new_answer)
    if new_text == text:
        return []
    slot = Slot(variant.slots[0].response_id, new_text)
    return [ctx.derive(variant, slots=(slot,), label=label, final_answer=new_answer)]


# --- surface rewrites (text probes with paired controls) --------------------------------------------------

_WRAP = {"dollar": ("$", "$"), "boxed": ("\\boxed{", "}"), "bold": ("**", "**")}


@text_probe(
    "formatting.wrap",
    family=FAMILY,
    modes=_GRADE,
    params={"style": ("dollar", "boxed", "bold")},
    control_params={"style": ("boxed",)},
    description="Wrap the final answer in $…$, \\boxed{} or bold",
)
def wrap(text: str, variant: Variant, ctx: ProbeContext, params: Params) -> str | None:
    span = locate(text)
    if span is None or not _short(span.of(text)):
        return None
    left, right = _WRAP[str(params["style"])]
    if text[: span.start].endswith(left):
        return None
    return replace_span(text, span, f"{left}{span.of(text)}{right}")


_MARKUP = ("header", "answer_prefix", "final_answer_prefix", "padded")


@text_probe(
    "formatting.markup",
    family=FAMILY,
    modes=_GRADE,
    params={"style": _MARKUP},
    description="A markdown heading above the answer, an 'Answer:'/'Final answer:' prefix, or blank padding",
)
def markup(text: str, variant: Variant, ctx: ProbeContext, params: Params) -> str | None:
    style = str(params["style"])
    if style == "padded":
        return f"\n\n   {text}   \n\n" if text.strip() else None
    span = locate(text)
    if span is None:
        return None
    line_start = text.rfind("\n", 0, span.start) + 1
    if style == "header":
        return f"{text[:line_start]}## Final answer\n\n{text[line_start:]}"
    line_end = text.find("\n", span.end)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    if ANSWER_LINE.fullmatch(line) or len(line.strip()) > len(span.of(text)) + 4:
        return None
    label = "Answer:" if style == "answer_prefix" else "Final answer:"
    return f"{text[:line_start]}{label} {text[line_start:].lstrip()}"


_LAYOUT = ("heading", "rules", "bold_lead")
_PLAIN_START = re.compile(r"[A-Za-z]")
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)][.!?])(?=\s|$)")


@text_probe(
    "formatting.layout",
    family=FAMILY,
    modes=frozenset({Mode.PAIRWISE, Mode.SCORE}),
    params={"style": _LAYOUT},
    control_params={"style": ("heading",)},
    better_params={"style": _LAYOUT},
    description="Dress a whole response in markdown: a heading, horizontal rules, or a bold first sentence",
)
def layout(text: str, variant: Variant, ctx: ProbeContext, params: Params) -> str | None:
    body = text.strip()
    if not body:
        return None
    style = str(params["style"])
    if style == "heading":
        return None if body.startswith("#") else f"## Response\n\n{body}"
    if style == "rules":
        return None if body.startswith("---") else f"---\n\n{body}\n\n---"
    paragraph = body.split("\n\n", 1)[0]
    end = _SENTENCE_END.search(paragraph)
    if not _PLAIN_START.match(paragraph) or "*" in paragraph or "`" in paragraph or end is None:
        return None
    return f"**{body[: end.end()]}**{body[end.end() :]}"


@text_probe(
    "formatting.case",
    family=FAMILY,
    modes=_GRADE,
    params={"style": ("upper", "lower")},
    description="Change the letter case of a yes/no or date answer",
)
def case(text: str, variant: Variant, ctx: ProbeContext, params: Params) -> str | None:
    span = locate(text)
    kind = variant.answer_kind
    if span is None or kind is None or not kind.spec.recase or len(span.of(text).split()) > 3:
        return None
    answer = span.of(text)
    return replace_span(text, span, answer.upper() if params["style"] == "upper" else answer.lower())


@text_probe(
    "formatting.spacing",
    family=FAMILY,
    modes=_GRADE,
    params={"style": ("spaced",)},
    description="Put spaces around the +, =, ⊕, × and commas of a symbolic answer",
)
def spacing(text: str, variant: Variant, ctx: ProbeContext, params: Params) -> str | None:
    span = locate(text)
    kind = variant.answer_kind
    if span is None or kind is None or not kind.spec.respace:
        return None
    spaced = _OPERATOR.sub(
        lambda m: f"{m.group(1)} " if m.group(1) == "," else f" {m.group(1)} ", span.of(text)
    )
    return replace_span(text, span, spaced.strip())


def _computed(form: str) -> Callable[[str, Variant, ProbeContext, Params], str | None]:
    def transform(text: str, variant: Variant, ctx: ProbeContext, params: Params) -> str | None:
        span = locate(text)
        kind = variant.answer_kind
        if span is None or kind is None or kind.spec.choices or not _short(span.of(text)):
            return None  # a letter among choices has its own styles (formatting.mc_style)
        if is_hedged(span.of(text), kind=kind):
            return None  # several candidates: a rewrite could merge them into one expression
        key = str(params[form]) if form == "form" else f"alt{params['index']}"
        forms = answer_forms(span.of(text), kind, variant.choices, case_tolerance(variant), variant.question)
        new = forms.get(key)
        return None if new is None else replace_span(text, span, new)

    return transform


text_probe(
    "formatting.render",
    family=FAMILY,
    modes=_GRADE,
    params={"form": ("unicode", "latex", "ascii")},
    description="Write the final answer in LaTeX, Unicode or ASCII notation (the answer kinds' renderers)",
)(_computed("form"))
text_probe(
    "formatting.alternate",
    family=FAMILY,
    modes=_GRADE,
    params={"index": (0, 1, 2)},
    description="Replace the final answer by another equivalent numeric or symbolic form computed with sympy",
)(_computed("index"))


# --- the case's own forms -----------------------------------------------------------------------------------


def _grade_case(ctx: ProbeContext) -> GradeCase | None:
    return ctx.case if isinstance(ctx.case, GradeCase) else None


def _authored_form(variant: Variant, ctx: ProbeContext, params: Params, *, equivalents: bool) -> str | None:
    """The case's ``index``-th equivalent (or non-equivalent), for a correct response whose reference is still
    the case's own (once the reference was rewritten or re-lettered, the authored forms no longer apply)."""
    case = _grade_case(ctx)
    index = int(params["index"] or 0)
    if case is None or variant.label != "correct":
        return None
    forms = case.equivalents if equivalents else case.non_equivalents
    if index >= len(forms):
        return None
    if variant.reference is not None and variant.reference.strip() != case.reference.strip():
        return None
    return forms[index]


@register_probe(
    "formatting.equivalent",
    family=FAMILY,
    relation=Relation.INVARIANT,
    modes=_GRADE,
    params={"index": (0, 1, 2, 3)},
    description="Replace a correct response's answer by one of the case's author-asserted equivalents",
)
def equivalent(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
    form = _authored_form(variant, ctx, params, equivalents=True)
    return [] if form is None else rewrite_answer(variant, ctx, form)


@register_probe(
    "formatting.non_equivalent",
    family=FAMILY,
    relation=Relation.CONTROL,
    modes=_GRADE,
    params={"index": (0, 1, 2, 3)},
    description="Control: replace a correct response's answer by one of the case's non-equivalents",
)
def non_equivalent(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
    form = _authored_form(variant, ctx, params, equivalents=False)
    return [] if form is None else rewrite_answer(variant, ctx, form, label="incorrect")


@register_probe(
    "formatting.fix",
    family=FAMILY,
    relation=Relation.CONTROL,
    modes=_GRADE,
    params={"form": ("reference", "equivalent")},
    description="Control: give an incorrect response the reference (or its first equivalent) as its answer",
)
def fix(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
    case = _grade_case(ctx)
    if case is None or variant.label != "incorrect" or variant.reference is None:
        return []
    if variant.choices is not None:
        if params["form"] != "reference":
            return []
        answer = _answer(variant) or ""
        letter = mc_letter(answer, variant.choices) if answer else None
        style = mc_style(answer, variant.choices) if letter else "letter"
        new = mc_render(variant.reference.strip(), style, variant.choices)
    elif params["form"] == "reference":
        new = variant.reference
    elif case.equivalents and variant.reference.strip() == case.reference.strip():
        new = case.equivalents[0]
    else:
        return []
    return rewrite_answer(variant, ctx, new, label="correct")


@register_probe(
    "formatting.hedge_or",
    family=FAMILY,
    relation=Relation.CONTROL,
    modes=_GRADE,
    params={"order": ("right_first", "wrong_first")},
    description="Control: hedge a correct answer with a non-equivalent ('X or Y')",
)
def hedge_or(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
    case = _grade_case(ctx)
    answer = _answer(variant)
    if case is None or variant.label != "correct" or not case.non_equivalents or not _short(answer):
        return []
    if variant.choices is not None or answer is None:
        return []  # multiple choice has its own hedge (formatting.mc_hedge)
    wrong = case.non_equivalents[ctx.rng.randrange(len(case.non_equivalents))]
    hedged = f"{answer} or {wrong}" if params["order"] == "right_first" else f"{wrong} or {answer}"
    return rewrite_answer(variant, ctx, hedged, label="incorrect")
