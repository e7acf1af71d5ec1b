"""Multiple-choice answer styles (family ``formatting``): the same choice written another way, and the
classic controls.

Invariant ``formatting.mc_style``: the chosen option as ``A``, ``(A)``, ``A.``, ``A. 1``, ``a`` or ``1``
(the choice text alone) — HLE question 66f378a504165ae3e4f46de9 had both ``A`` and ``A. 1`` judged correct.
Controls (correct responses only, label ``incorrect``): ``formatting.mc_wrong_letter`` (another option in
the same style), ``formatting.mc_mismatch`` (``A. 2``: a letter whose text belongs to another option, or
the other way round) and ``formatting.mc_hedge`` (``A or B``).
"""

from __future__ import annotations

from judgeprobe.cases.models import Mode
from judgeprobe.probes.base import Params, ProbeContext, register_probe
from judgeprobe.probes.families.common import locate, mc_letter, mc_render, mc_style
from judgeprobe.probes.families.formatting import rewrite_answer
from judgeprobe.probes.variant import Relation, Variant
from judgeprobe.probes.verified import use_rewrite

__all__ = ["STYLES"]

FAMILY = "formatting"
STYLES = ("letter", "paren", "dot", "letter_text", "lower", "text")
"""Multiple-choice answer styles, ``A``, ``(A)``, ``A.``, ``A. 1``, ``a``, ``1``."""
_GRADE = frozenset({Mode.GRADE})


def _chosen(variant: Variant) -> tuple[str, str] | None:
    """(answer, letter) of a multiple-choice response that names exactly one option."""
    if variant.choices is None:
        return None
    text = variant.slots[0].text
    span = locate(text)
    if span is None:
        return None
    answer = span.of(text)
    letter = mc_letter(answer, variant.choices)
    return None if letter is None else (answer, letter)


def _others(variant: Variant, letter: str, ctx: ProbeContext) -> str | None:
    assert variant.choices is not None
    others = [other for other, _ in variant.choices if other != letter]
    return others[ctx.rng.randrange(len(others))] if others else None


@register_probe(
    "formatting.mc_style",
    family=FAMILY,
    relation=Relation.INVARIANT,
    modes=_GRADE,
    params={"style": STYLES},
    description="Write the chosen option as A, (A), A., 'A. text', a, or the choice text alone",
)
def style(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
    chosen = _chosen(variant)
    if chosen is None or variant.choices is None:
        return []
    answer, letter = chosen
    wanted = str(params["style"])
    if mc_style(answer, variant.choices) == wanted:
        return []
    new = mc_render(letter, wanted, variant.choices)
    if not use_rewrite(ctx, variant, answer, new, target="answer"):
        return []
    return rewrite_answer(variant, ctx, new)


def _correct_choice(variant: Variant) -> tuple[str, str] | None:
    chosen = _chosen(variant)
    if chosen is None or variant.label != "correct" or variant.reference is None:
        return None
    if chosen[1] != variant.reference.strip():
        return None
    return chosen


@register_probe(
    "formatting.mc_wrong_letter",
    family=FAMILY,
    relation=Relation.CONTROL,
    modes=_GRADE,
    params={"style": ("same", "letter")},
    description="Control: name another option, in the response's own style or as a bare letter",
)
def wrong_letter(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
    chosen = _correct_choice(variant)
    if chosen is None or variant.choices is None:
        return []
    answer, letter = chosen
    other = _others(variant, letter, ctx)
    if other is None:
        return []
    how = mc_style(answer, variant.choices) if params["style"] == "same" else "letter"
    return rewrite_answer(variant, ctx, mc_render(other, how, variant.choices), label="incorrect")


@register_probe(
    "formatting.mc_mismatch",
    family=FAMILY,
    relation=Relation.CONTROL,
    modes=_GRADE,
    params={"right": ("letter", "text")},
    description="Control: a letter whose text belongs to another option ('A. 2'), right letter or right text",
)
def mismatch(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
    chosen = _correct_choice(variant)
    if chosen is None or variant.choices is None:
        return []
    _, letter = chosen
    other = _others(variant, letter, ctx)
    if other is None:
        return []
    table = dict(variant.choices)
    if table[other].strip().casefold() == table[letter].strip().casefold():
        return []
    new = f"{letter}. {table[other]}" if params["right"] == "letter" else f"{other}. {table[letter]}"
    return rewrite_answer(variant, ctx, new, label="incorrect")


@register_probe(
    "formatting.mc_hedge",
    family=FAMILY,
    relation=Relation.CONTROL,
    modes=_GRADE,
    params={"order": ("right_first", "wrong_first")},
    description="Control: hedge between the right option and another ('A or B')",
)
def hedge(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
    chosen = _correct_choice(variant)
    if chosen is None:
        return []
    _, letter = chosen
    other = _others(variant, letter, ctx)
    if other is None:
        return []
    new = f"{letter} or {other}" if params["order"] == "right_first" else f"{other} or {letter}"
    return rewrite_answer(variant, ctx, new, label="incorrect")
