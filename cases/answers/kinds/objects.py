"""The named-object kinds: ``named`` (results and constants), ``space`` (topological spaces and manifolds),
``cardinal`` (cardinal numbers) and ``asymptotic`` (big-O, Θ, Ω bounds).

Each reads an answer into a canonical form (:mod:`~judgeprobe.cases.answers.named`,
:mod:`~judgeprobe.cases.answers.spaces`, :mod:`~judgeprobe.cases.answers.cardinals`,
:mod:`~judgeprobe.cases.answers.asymptotic`), with names from the shared alias tables
(:mod:`~judgeprobe.cases.answers.aliases`). An answer that is not read differs from a reference that is; a
reference that is not read leaves the comparison undecided, saying so. Alternate forms and renderings are
notations of the same object (``S^1 x S^1`` / ``T^2`` / ``S¹ × S¹``; ``O(n log n)`` / ``O(n \\log n)``),
never another name for it, so a probe's rewrite keeps the answer's meaning and its name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from judgeprobe.cases.answers.aliases import alias_key
from judgeprobe.cases.answers.asymptotic import (
    asymptotic_forms,
    bound_class,
    read_asymptotic,
    render_asymptotic,
)
from judgeprobe.cases.answers.cardinals import canonical_cardinal, cardinal_forms, render_cardinal
from judgeprobe.cases.answers.hedges import hedged_by_words
from judgeprobe.cases.answers.judgement import Judgement, different, same, undecided
from judgeprobe.cases.answers.kinds.registry import AnswerKind, Comparison, KindSpec, register_kind
from judgeprobe.cases.answers.kinds.slots import Choices, FieldPath, Folding, Route, Style
from judgeprobe.cases.answers.named import compare_named, named_forms, read_named
from judgeprobe.cases.answers.spaces import canonical_space, render_space, space_forms

__all__ = ["ASYMPTOTIC", "CARDINAL", "NAMED", "SPACE", "compare_read"]


def compare_read(a: str, b: str, read: Callable[[str], object | None], what: str) -> Judgement:
    """Same when both readings exist and are equal; an unread reference is undecided (with the reason), an
    unread answer is a different answer unless it is spelt like the reference."""
    ra, rb = read(a), read(b)
    if rb is None:
        if alias_key(a) and alias_key(a) == alias_key(b):
            return same("the same text (the reference is not read as a " + what + ")")
        return undecided(f"could not read the reference {b[:40]!r} as a {what}")
    if ra is None:
        return different(f"{a[:40]!r} is not read as a {what}")
    return same(f"same {what} ({ra})") if ra == rb else different(f"different {what}s ({ra} vs {rb})")


def _reference_read(
    read: Callable[[str], object | None], what: str
) -> Callable[..., Iterator[tuple[FieldPath, str]]]:
    def rule(reference: str, choices: Mapping[str, str] | None) -> Iterator[tuple[FieldPath, str]]:
        if read(reference) is None:
            yield (
                ("reference",),
                f"the reference is not read as a {what}; the grader could not decide any answer",
            )

    return rule


# --- named results and constants ---------------------------------------------------------------------------


def _compare_named(a: str, b: str, how: Comparison) -> Judgement:
    return compare_named(a, b)


def _named_forms(text: str, kind: AnswerKind, choices: Choices | None) -> list[str]:
    return named_forms(text)


def _named_lint(reference: str, choices: Mapping[str, str] | None) -> Iterator[tuple[FieldPath, str]]:
    reading = read_named(reference)
    if not reading.entries and not reading.decimals:
        yield (
            ("reference",),
            (
                "the reference names nothing in the constants/theorems alias tables; add it to "
                "judgeprobe/cases/aliases/ (or list other names in the case's aliases)"
            ),
        )


NAMED = register_kind(
    KindSpec(
        name="named",
        description="A named result or constant (a theorem, γ, the golden ratio), by any of its names in the "
        "alias tables, or for a constant by its digits.",
        folding=Folding(),
        compare=_compare_named,
        hedged=hedged_by_words,
        forms=_named_forms,
        route=Route.NOTATION,
        lint=_named_lint,
        length_factor=2,
        origin="shipped",
    )
)


# --- topological spaces ------------------------------------------------------------------------------------


def _compare_space(a: str, b: str, how: Comparison) -> Judgement:
    return compare_read(a, b, canonical_space, "space")


def _space_forms(text: str, kind: AnswerKind, choices: Choices | None) -> list[str]:
    space = canonical_space(text)
    return space_forms(space) if space is not None else []


def _render_space(text: str, kind: AnswerKind, style: Style) -> str | None:
    space = canonical_space(text)
    return None if space is None else render_space(space, style)


SPACE = register_kind(
    KindSpec(
        name="space",
        description="A topological space or manifold in notation (S^n, T^2, RP^2, CP^n, products, "
        "connected sums) or by name (the torus, the Klein bottle).",
        folding=Folding(),
        compare=_compare_space,
        hedged=hedged_by_words,
        forms=_space_forms,
        render=_render_space,
        route=Route.NOTATION,
        lint=_reference_read(canonical_space, "space"),
        origin="shipped",
    )
)


# --- cardinals ---------------------------------------------------------------------------------------------


def _compare_cardinal(a: str, b: str, how: Comparison) -> Judgement:
    return compare_read(a, b, canonical_cardinal, "cardinal")


def _cardinal_forms(text: str, kind: AnswerKind, choices: Choices | None) -> list[str]:
    value = canonical_cardinal(text)
    return cardinal_forms(value) if value is not None else []


def _render_cardinal(text: str, kind: AnswerKind, style: Style) -> str | None:
    value = canonical_cardinal(text)
    return None if value is None else render_cardinal(value, style)


CARDINAL = register_kind(
    KindSpec(
        name="cardinal",
        description="A cardinal number: ℵ₀, 2^ℵ₀, 𝔠, ℶ₂, 'countably infinite', 'the continuum', or a finite "
        "number.",
        folding=Folding(),
        compare=_compare_cardinal,
        hedged=hedged_by_words,
        forms=_cardinal_forms,
        render=_render_cardinal,
        route=Route.NOTATION,
        lint=_reference_read(canonical_cardinal, "cardinal"),
        origin="shipped",
    )
)


# --- asymptotic bounds -------------------------------------------------------------------------------------


def _compare_asymptotic(a: str, b: str, how: Comparison) -> Judgement:
    ra, rb = read_asymptotic(a), read_asymptotic(b)
    if rb is None:
        return undecided(f"could not read the growth rate of the reference {b[:40]!r}")
    if ra is None:
        return different(f"could not read the growth rate of {a[:40]!r} (not an asymptotic bound)")
    sa, sb = bound_class(ra.symbol), bound_class(rb.symbol)
    sa, sb = sa or sb, sb or sa
    if sa != sb:
        return different(f"different bounds ({ra.symbol or 'none'} vs {rb.symbol or 'none'})")
    if ra.growth != rb.growth:
        return different(f"different growth ({ra.inner} vs {rb.inner})")
    note = (
        "" if ra.symbol == rb.symbol else f" ({ra.symbol or 'no symbol'} read as {rb.symbol or 'the same'})"
    )
    return same(f"same growth class{note}")


def _asymptotic_forms(text: str, kind: AnswerKind, choices: Choices | None) -> list[str]:
    reading = read_asymptotic(text)
    return asymptotic_forms(reading) if reading is not None else []


def _render_asymptotic(text: str, kind: AnswerKind, style: Style) -> str | None:
    reading = read_asymptotic(text)
    if reading is None or not reading.symbol or "+" in reading.inner:
        return None
    return render_asymptotic(reading, style)


ASYMPTOTIC = register_kind(
    KindSpec(
        name="asymptotic",
        description="An asymptotic bound: O(n log n), Θ(n^2), Ω(2^n); constant factors, lower-order terms "
        "and logarithm bases do not matter.",
        folding=Folding(),
        compare=_compare_asymptotic,
        hedged=hedged_by_words,
        forms=_asymptotic_forms,
        render=_render_asymptotic,
        route=Route.NOTATION,
        lint=_reference_read(read_asymptotic, "asymptotic bound"),
        origin="shipped",
    )
)
