"""Shared machinery of the probe families: where the answer sits, breaking an answer, text probes.

* :func:`locate` finds the span of the final answer inside a response (the last ``\\boxed{}``, else the
  last ``Answer:`` line, else the last non-empty line — the rule of
  ``judgeprobe.cases.answers.extract_final_answer``)
  so rewrites replace exactly that span and padding goes before it (the answer stays last).
* :func:`broken` turns a variant into its meaning-broken twin (grade: a correct answer becomes a case
  ``non_equivalent`` or a wrong letter, an incorrect one becomes the reference; pairwise: the two texts swap
  identities so the other response is now the better one). Paired controls are built from it.
* :func:`text_probe` registers an invariant probe from a text transform of the target response, and its
  paired control (``<name>_control``: the same transform applied after :func:`broken`).

Per-unit work (answer spans, multiple-choice parses) is cached on the text, so a suite over the whole library
computes each once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from judgeprobe.cases.models import GradeCase, Mode, PairwiseCase, ScoreCase
from judgeprobe.probes.base import ALL_MODES, AnyCase, Params, ProbeContext, ProbeFn, register_probe
from judgeprobe.probes.families.score_twin import broken_score
from judgeprobe.probes.variant import ParamValue, Relation, Slot, Variant

__all__ = [
    "ANSWER_LINE",
    "CONTROL_SHARE",
    "Span",
    "before_answer",
    "better_index",
    "broken",
    "is_grade_label",
    "locate",
    "mc_letter",
    "mc_render",
    "mc_style",
    "prepend",
    "register_paired_control",
    "replace_span",
    "target_index",
]

CONTROL_SHARE = 1 / 3
"""Share of units the default suite gives a paired control (see
:attr:`judgeprobe.probes.base.ProbeInfo.share`)."""
_BOXED = "\\boxed{"
ANSWER_LINE = re.compile(
    r"(?im)^[ \t>*_#-]*+(?:final\s++answer|answer)[*_]*+\s*+[:：][ \t*_]*(\S(?:.*[^ \t*_\n])?)[ \t*_]*$"
)
_WRAPPERS = (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("**", "**"), ("`", "`"))


@dataclass(frozen=True, slots=True)
class Span:
    """Where the final answer sits in a response: ``text[start:end]``."""

    start: int
    """Offset of the first character of the answer."""
    end: int
    """Offset just past the answer."""

    def of(self, text: str) -> str:
        """The answer text."""
        return text[self.start : self.end]


@lru_cache(maxsize=65536)
def locate(text: str) -> Span | None:
    """The span of the final answer in ``text`` (``None`` for an empty response).

    Wrappers around it (``$…$``, ``\\(…\\)``, ``**…**``, backticks) and one trailing full stop are left out
    of the span, so a rewrite replaces only the answer.
    """
    boxed = text.rfind(_BOXED)
    if boxed >= 0:
        start = boxed + len(_BOXED)
        depth, pos = 1, start
        while pos < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[pos], 0)
            pos += 1
        if depth == 0 and pos - 1 > start:
            return _trim(text, start, pos - 1)
    matches = list(ANSWER_LINE.finditer(text))
    if matches:
        return _trim(text, matches[-1].start(1), matches[-1].end(1))
    end = len(text.rstrip())
    if end == 0:
        return None
    line_start = text.rfind("\n", 0, end) + 1
    while line_start < end and text[line_start].isspace():
        line_start += 1
    return _trim(text, line_start, end)


def _trim(text: str, start: int, end: int) -> Span | None:
    changed = True
    while changed and end > start:
        changed = False
        inner = text[start:end]
        for left, right in _WRAPPERS:
            if len(inner) > len(left) + len(right) and inner.startswith(left) and inner.endswith(right):
                start, end, changed = start + len(left), end - len(right), True
                break
        if not changed and end - start > 1 and text[end - 1] == "." and not text[end - 2].isspace():
            end -= 1
            changed = True
    return Span(start, end) if end > start else None


def replace_span(text: str, span: Span | None, new: str) -> str:
    """``text`` with the answer span replaced by ``new`` (the whole text when there is no span)."""
    if span is None:
        return new
    return text[: span.start] + new + text[span.end :]


def prepend(text: str, block: str) -> str:
    """``block`` as a paragraph before ``text``."""
    return f"{block}\n\n{text}" if text.strip() else block


def before_answer(text: str, block: str, mode: Mode) -> str:
    """Insert ``block`` as a paragraph so that the final answer stays last.

    Grade: before the line holding the final answer. Pairwise and score: at the end of the response (no
    answer extraction happens there).
    """
    if mode is not Mode.GRADE:
        return f"{text.rstrip()}\n\n{block}" if text.strip() else block
    span = locate(text)
    if span is None:
        return prepend(text, block)
    line_start = text.rfind("\n", 0, span.start) + 1
    return f"{text[:line_start]}{block}\n\n{text[line_start:]}"


# --- multiple choice ------------------------------------------------------------------------------------

_MC = re.compile(r"(?:(?:option|choice)\s+)?\(?([A-Za-z])\)?(?:[.):]\s*(.*)|\s+(.+))?", re.S | re.I)


def _norm(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(".")


@lru_cache(maxsize=65536)
def mc_letter(answer: str, choices: tuple[tuple[str, str], ...]) -> str | None:
    """The choice letter an answer names (``B``, ``(b)``, ``B. Jupiter``, ``Jupiter``), or ``None``.

    ``None`` also when the letter and the text disagree (``A. 2``) or the answer hedges.
    """
    table = dict(choices)
    text = answer.strip()
    match = _MC.fullmatch(text)
    if match:
        letter = match.group(1).upper()
        rest = match.group(2) if match.group(2) is not None else match.group(3)
        if letter in table and (not rest or _norm(rest) == _norm(table[letter])):
            return letter
    wanted = _norm(text)
    hits = [letter for letter, body in choices if _norm(body) == wanted]
    return hits[0] if len(hits) == 1 else None


def mc_style(answer: str, choices: tuple[tuple[str, str], ...]) -> str:
    """Which of the multiple-choice styles an answer is written in (``letter`` when unsure)."""
    text = answer.strip()
    letter = mc_letter(text, choices)
    if letter is None or text == letter:
        return "letter"
    if text == letter.lower():
        return "lower"
    if text == f"({letter})":
        return "paren"
    if text == f"{letter}.":
        return "dot"
    if _norm(text) == _norm(dict(choices)[letter]):
        return "text"
    return "letter_text"


def mc_render(letter: str, style: str, choices: tuple[tuple[str, str], ...]) -> str:
    """Write choice ``letter`` in ``style``: letter ``B``, paren ``(B)``, dot ``B.``, letter_text ``B. 2``,
    lower ``b``, text ``2``."""
    body = dict(choices)[letter]
    return {
        "letter": letter,
        "paren": f"({letter})",
        "dot": f"{letter}.",
        "letter_text": f"{letter}. {body}",
        "lower": letter.lower(),
        "text": body,
    }[style]


# --- breaking an answer (paired controls) ----------------------------------------------------------------


def target_index(variant: Variant) -> int:
    """Slot a response-text probe acts on: the only slot (grade, score) or the worse response (pairwise;
    the second slot when the pair is a tie)."""
    if variant.mode is not Mode.PAIRWISE:
        return 0
    for index, slot in enumerate(variant.slots):
        if slot.response_id != variant.label:
            return index if variant.label != "tie" else len(variant.slots) - 1
    return len(variant.slots) - 1


def better_index(variant: Variant) -> int | None:
    """Slot of the better response of a pairwise variant (``None``: not pairwise, or a tie)."""
    if variant.mode is not Mode.PAIRWISE:
        return None
    for index, slot in enumerate(variant.slots):
        if slot.response_id == variant.label:
            return index
    return None


def broken(case: AnyCase, variant: Variant, *, pick: int = 0) -> Variant | None:
    """The meaning-broken twin of ``variant`` (no step appended), or ``None`` where there is none.

    Grade, correct response: the final answer becomes a case ``non_equivalent`` (``pick`` chooses which)
    or, for multiple choice, another letter in the same style; label ``incorrect``. Grade, incorrect
    response: the final answer becomes the reference (multiple choice: the reference letter in the
    response's style); label ``correct``. Pairwise (not a tie): the two texts swap identities, so the
    response that was worse now holds the better text; the label names it. Score: the text is replaced
    by a worse one whose range ends below the current one (see
    :func:`~judgeprobe.probes.families.score_twin.broken_score`).
    """
    if isinstance(case, PairwiseCase):
        if variant.label == "tie" or len(variant.slots) != 2:
            return None
        first, second = variant.slots
        slots = (Slot(first.response_id, second.text), Slot(second.response_id, first.text))
        other = first.response_id if second.response_id == variant.label else second.response_id
        return replace(variant, slots=slots, label=other, id=f"{variant.id}~broken")
    if isinstance(case, ScoreCase):
        return broken_score(case, variant, pick=pick)
    if not isinstance(case, GradeCase):
        return None
    text = variant.slots[0].text
    span = locate(text)
    answer = span.of(text) if span else ""
    new_answer: str | None
    if variant.choices is not None and case.answer_kind.spec.choices:
        reference = (variant.reference or case.reference).strip()
        letters = [letter for letter, _ in variant.choices]
        style = mc_style(answer, variant.choices) if answer else "letter"
        if variant.label == "correct":
            wrong = [letter for letter in letters if letter != reference]
            if not wrong:
                return None
            new_answer = mc_render(wrong[pick % len(wrong)], style, variant.choices)
        elif reference in letters:
            new_answer = mc_render(reference, style, variant.choices)
        else:
            return None
    elif variant.label == "correct":
        if not case.non_equivalents:
            return None
        new_answer = case.non_equivalents[pick % len(case.non_equivalents)]
    else:
        new_answer = variant.reference or case.reference
    new_label = "incorrect" if variant.label == "correct" else "correct"
    slot = Slot(variant.slots[0].response_id, replace_span(text, span, new_answer))
    return replace(
        variant, slots=(slot,), label=new_label, final_answer=new_answer, id=f"{variant.id}~broken"
    )


def register_paired_control(
    name: str,
    *,
    invariant: ProbeFn,
    family: str,
    description: str,
    params: Mapping[str, Sequence[ParamValue]] | None = None,
    modes: frozenset[Mode] = ALL_MODES,
    dose_param: str | None = None,
    applies: Callable[[Variant], bool] | None = None,
    share: float = CONTROL_SHARE,
) -> None:
    """Register ``name`` as the paired control of an invariant probe function.

    The control breaks the variant's meaning with :func:`broken` and then applies the invariant
    perturbation to the broken twin, so the pair differs only in the answer: a judge that grades the
    perturbation rather than the answer misses the control. (The twin is never hashed or returned; its
    placeholder id only marks it.)
    """

    def control(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
        if applies is not None and not applies(variant):
            return []
        twin = broken(ctx.case, variant, pick=ctx.rng.randrange(1 << 16))
        if twin is None:
            return []
        return invariant(twin, ctx, params)

    register_probe(
        name,
        family=family,
        relation=Relation.CONTROL,
        description=description,
        params=params,
        modes=modes,
        dose_param=dose_param,
        share=share,
    )(control)


def is_grade_label(label: str) -> Callable[[Variant], bool]:
    """Predicate: a grade variant carrying ``label`` (other modes always pass)."""

    def check(variant: Variant) -> bool:
        return variant.mode is not Mode.GRADE or variant.label == label

    return check
