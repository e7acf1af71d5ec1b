"""Position probes: the order of pairwise responses, of multiple-choice options, of the answer inside a
response, and of the fields in the judge prompt.

Invariants: ``position.swap`` (pairwise slots reversed; the preferred *response* stays the same; applied to
every pair, those derived from grade cases included, so each pair is judged in both orders),
``position.shuffle_choices`` (options reordered with the reference and the response re-lettered
consistently), ``position.answer_at`` (dose ``at``: the answer first, in the middle or last — an existing
``Answer:`` line is moved; a short answer becomes an ``Answer:`` line among the same fixed filler),
``position.field_order`` (reference shown before the response; templates honour ``field_order``).
Controls: ``position.swap_content`` (the texts change identities, so the other response is now the better
one), ``position.shuffle_unrelettered`` (options reordered but the response's letter kept, so it now names
another option), ``position.answer_at_control`` and ``position.field_order_control``.
"""

from __future__ import annotations

import random
import re
import zlib

from judgeprobe.cases.models import Mode
from judgeprobe.probes.base import Params, ProbeContext, register_probe
from judgeprobe.probes.families.common import (
    ANSWER_LINE,
    broken,
    locate,
    mc_letter,
    mc_render,
    mc_style,
    register_paired_control,
    replace_span,
)
from judgeprobe.probes.families.length import FILLER, filler_text
from judgeprobe.probes.variant import Relation, Slot, Variant

__all__ = ["permutation"]

FAMILY = "position"
_GRADE = frozenset({Mode.GRADE})
_PAIRWISE = frozenset({Mode.PAIRWISE})
_LETTER_TOKEN = re.compile(r"(?<![A-Za-z'’])\(?([A-Z])\)?(?![A-Za-z'’])")
_BARE_STYLES = frozenset({"letter", "lower", "paren", "dot"})


@register_probe(
    "position.swap",
    family=FAMILY,
    relation=Relation.INVARIANT,
    modes=_PAIRWISE,
    derived_share=1.0,
    description="Swap the order of the two pairwise responses (the preferred response must stay the same)",
)
def swap(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
    if len(variant.slots) != 2:
        return []
    return [ctx.derive(variant, slots=(variant.slots[1], variant.slots[0]))]


@register_probe(
    "position.swap_content",
    family=FAMILY,
    relation=Relation.CONTROL,
    modes=_PAIRWISE,
    description="Control: exchange the two texts between the response ids (the other id is now better)",
)
def swap_content(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
    twin = broken(ctx.case, variant)
    if twin is None:
        return []
    return [ctx.derive(variant, slots=twin.slots, label=twin.label)]


def permutation(
    size: int, order: str, rng: random.Random, *, keep_moving: int | None = None
) -> list[int] | None:
    """A non-identity permutation ``perm`` (position ``i`` shows old option ``perm[i]``), or ``None``.

    ``reverse`` and ``rotate`` are fixed; ``shuffle`` draws from ``rng`` and prefers a permutation that
    moves option ``keep_moving`` (the reference) to another position.
    """
    if size < 2:
        return None
    if order == "reverse":
        perm = list(range(size))[::-1]
    elif order == "rotate":
        perm = [(i + 1) % size for i in range(size)]
    elif order == "shuffle":
        perm = list(range(size))
        for _ in range(12):
            rng.shuffle(perm)
            if perm != sorted(perm) and (keep_moving is None or perm[keep_moving] != keep_moving):
                break
    else:
        raise ValueError(f"unknown option order {order!r}; expected reverse, rotate or shuffle")
    return None if perm == sorted(perm) else perm


def _reorder(
    variant: Variant, ctx: ProbeContext, order: str
) -> tuple[tuple[tuple[str, str], ...], dict[str, str]] | None:
    """New options and the old-letter -> new-letter map, or ``None``."""
    if variant.choices is None or variant.reference is None:
        return None
    letters = [letter for letter, _ in variant.choices]
    texts = [text for _, text in variant.choices]
    ref = variant.reference.strip()
    perm = permutation(
        len(letters), order, ctx.rng, keep_moving=letters.index(ref) if ref in letters else None
    )
    if perm is None:
        return None
    new_choices = tuple((letters[i], texts[perm[i]]) for i in range(len(letters)))
    mapping = {letters[perm[i]]: letters[i] for i in range(len(letters))}
    return new_choices, mapping


@register_probe(
    "position.shuffle_choices",
    family=FAMILY,
    relation=Relation.INVARIANT,
    modes=_GRADE,
    params={"order": ("reverse", "rotate", "shuffle")},
    description="Reorder multiple-choice options, re-lettering the reference and the response consistently",
)
def shuffle_choices(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
    plan = _reorder(variant, ctx, str(params["order"]))
    if plan is None or variant.choices is None or variant.reference is None:
        return []
    new_choices, mapping = plan
    text = variant.slots[0].text
    span = locate(text)
    answer = span.of(text) if span else ""
    letter = mc_letter(answer, variant.choices) if answer else None
    outside = text if span is None or letter is None else text[: span.start] + text[span.end :]
    if _LETTER_TOKEN.search(outside):
        return []  # letters we cannot re-letter safely (hedges, reasoning that names options)
    new_text, final = text, variant.final_answer
    if letter is not None:
        final = mc_render(mapping[letter], mc_style(answer, variant.choices), new_choices)
        new_text = replace_span(text, span, final)
    slot = Slot(variant.slots[0].response_id, new_text)
    return [
        ctx.derive(
            variant,
            slots=(slot,),
            choices=new_choices,
            reference=mapping[variant.reference.strip()],
            final_answer=final,
        )
    ]


@register_probe(
    "position.shuffle_unrelettered",
    family=FAMILY,
    relation=Relation.CONTROL,
    modes=_GRADE,
    params={"order": ("rotate",)},
    description="Control: reorder options and re-letter the reference but keep the response's bare letter",
)
def shuffle_unrelettered(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
    plan = _reorder(variant, ctx, str(params["order"]))
    if plan is None or variant.choices is None or variant.reference is None:
        return []
    new_choices, mapping = plan
    text = variant.slots[0].text
    span = locate(text)
    if span is None or text.strip() != span.of(text).strip():
        return []
    answer = span.of(text)
    letter = mc_letter(answer, variant.choices)
    if letter is None or mc_style(answer, variant.choices) not in _BARE_STYLES:
        return []
    new_reference = mapping[variant.reference.strip()]
    label = "correct" if letter == new_reference else "incorrect"
    if label == variant.label:
        return []
    return [ctx.derive(variant, choices=new_choices, reference=new_reference, label=label)]


_SURROUND_WORDS = 60
"""Filler around a short answer placed by ``position.answer_at`` (the same filler at every position)."""


def _move_answer(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
    """Place the answer at fraction ``at`` of the response (0 first, 0.5 middle, 1 last)."""
    at = float(params["at"] or 0)
    text = variant.slots[0].text
    lines = text.split("\n")
    answer_lines = [i for i, line in enumerate(lines) if ANSWER_LINE.fullmatch(line)]
    content = [i for i, line in enumerate(lines) if line.strip()]
    if answer_lines and len(content) >= 3:
        moved = lines.pop(answer_lines[-1])
        rest = [i for i, line in enumerate(lines) if line.strip()]
        if at >= 1:
            return []  # an existing answer line already sits last: the base variant is that placement
        target = rest[0] if at <= 0 else rest[min(len(rest) - 1, int(len(rest) * at))]
        lines.insert(target, moved)
        new_text = "\n".join(lines)
    else:
        span = locate(text)
        if span is None or len(content) != 1 or len(text.split()) > 4:
            return []
        sentences = [
            p for p in filler_text(_SURROUND_WORDS, zlib.crc32(variant.id.encode()) % len(FILLER)).split(". ")
        ]
        half = len(sentences) // 2
        before, after = ". ".join(sentences[:half]) + ".", ". ".join(sentences[half:])
        answer = f"Answer: {text.strip()}"
        if at <= 0:
            new_text = f"{answer}\n\n{before} {after}"
        elif at >= 1:
            new_text = f"{before} {after}\n\n{answer}"
        else:
            new_text = f"{before}\n\n{answer}\n\n{after}"
    if new_text == text:
        return []
    slots = (Slot(variant.slots[0].response_id, new_text),)
    return [ctx.derive(variant, slots=slots, dose=at)]


register_probe(
    "position.answer_at",
    family=FAMILY,
    relation=Relation.INVARIANT,
    modes=_GRADE,
    params={"at": (0.0, 0.5, 1.0)},
    dose_param="at",
    description="Put the answer first, in the middle or last ('Answer:' line; short ones among fixed filler)",
)(_move_answer)
register_paired_control(
    "position.answer_at_control",
    invariant=_move_answer,
    family=FAMILY,
    modes=_GRADE,
    params={"at": (0.0,)},
    dose_param="at",
    description="Control: break the answer, then put the 'Answer:' line first",
)


def _field_order(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
    order = str(params["order"])
    if variant.reference is None or variant.presentation_value("field_order", "response_first") == order:
        return []
    presentation = tuple(sorted({**dict(variant.presentation), "field_order": order}.items()))
    return [ctx.derive(variant, presentation=presentation)]


register_probe(
    "position.field_order",
    family=FAMILY,
    relation=Relation.INVARIANT,
    modes=_GRADE,
    params={"order": ("reference_first",)},
    description="Show the reference before the response in the judge prompt (presentation attribute)",
)(_field_order)
register_paired_control(
    "position.field_order_control",
    invariant=_field_order,
    family=FAMILY,
    modes=_GRADE,
    params={"order": ("reference_first",)},
    description="Control: break the answer, then show the reference before the response",
)
