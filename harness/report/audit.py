"""Audit material for flipped variants: the request as text before and after the probe, and their diff."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from judgeprobe.harness.stats.schema import FlippedVariant, Summary
from judgeprobe.probes.variant import Relation, Variant

__all__ = ["FlipAudit", "audits", "iter_audits", "request_text", "variant_index"]


@dataclass(frozen=True, slots=True)
class FlipAudit:
    """One flipped (or missed) variant with the texts that explain it."""

    item: FlippedVariant
    """The summary's entry."""
    before: str
    """The unit's base request as text (``""`` when the base variant is unknown)."""
    after: str
    """The variant's request as text (``""`` when the variant is unknown)."""
    diff: tuple[str, ...]
    """Unified diff lines from ``before`` to ``after`` (without the file headers)."""


def request_text(variant: Variant) -> str:
    """What the judge was shown, as plain text: question, choices, reference, responses in slot order."""
    lines = [f"Question: {variant.question}"]
    if variant.choices:
        lines += [f"  {letter}. {text}" for letter, text in variant.choices]
    if variant.reference is not None:
        lines.append(f"Reference: {variant.reference}")
    for index, slot in enumerate(variant.slots, start=1):
        head = f"Response {index} [{slot.response_id}]:" if len(variant.slots) > 1 else "Response:"
        lines.append(head)
        lines += [f"  {line}" for line in slot.text.splitlines() or [""]]
    if variant.presentation:
        lines.append("Presentation: " + ", ".join(f"{k}={v}" for k, v in variant.presentation))
    return "\n".join(lines)


def variant_index(variants: Iterable[Variant]) -> dict[str, Variant]:
    """Variants by id."""
    return {v.id: v for v in variants}


def audits(summary: Summary, variants: Mapping[str, Variant], *, limit: int | None = None) -> list[FlipAudit]:
    """The summary's flipped variants (most telling first) with their before/after texts."""
    return list(iter_audits(summary, variants, limit=limit))


def iter_audits(
    summary: Summary, variants: Mapping[str, Variant], *, limit: int | None = None
) -> Iterator[FlipAudit]:
    """:func:`audits` one at a time (a report of thousands of flips need not hold every text at once)."""
    bases: dict[tuple[str, str], Variant] = {}
    for variant in variants.values():
        if variant.relation is Relation.BASE:
            bases.setdefault((variant.case_id, variant.unit_id), variant)
    for item in summary.flipped[:limit]:
        after_variant = variants.get(item.variant_id)
        base = bases.get((item.case_id, item.unit_id))
        before = request_text(base) if base is not None else ""
        after = request_text(after_variant) if after_variant is not None else ""
        diff = tuple(
            line
            for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=1)
            if not line.startswith(("---", "+++"))
        )
        yield FlipAudit(item=item, before=before, after=after, diff=diff)
