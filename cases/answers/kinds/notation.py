"""The notation kinds: ``group``, ``complexity_class``, ``chemistry``, ``date`` and ``boolean``.

Each reads an answer into a canonical form (:mod:`~judgeprobe.cases.answers.groups`,
:mod:`~judgeprobe.cases.answers.complexity`, :mod:`~judgeprobe.cases.answers.chemistry`,
:mod:`~judgeprobe.cases.answers.dates`, :mod:`~judgeprobe.cases.answers.booleans`); two answers are the same
when their canonical forms are. Alternate forms and renderings are written from the canonical form.
"""

from __future__ import annotations

from collections.abc import Callable

from judgeprobe.cases.answers.booleans import HEDGED, boolean_forms, canonical_boolean
from judgeprobe.cases.answers.chemistry import (
    canonical_species,
    composition,
    isomer_of,
    render_species,
    species_forms,
)
from judgeprobe.cases.answers.complexity import (
    canonical_class,
    class_forms,
    is_class_name,
    render_class,
    written_class,
)
from judgeprobe.cases.answers.dates import AMBIGUOUS, canonical_when, date_readings, when_forms
from judgeprobe.cases.answers.groups import canonical_group, group_forms, render_group
from judgeprobe.cases.answers.hedges import hedged_by_words, never_hedged
from judgeprobe.cases.answers.judgement import Judgement, different, same, undecided
from judgeprobe.cases.answers.kinds.registry import AnswerKind, Comparison, KindSpec, register_kind
from judgeprobe.cases.answers.kinds.slots import Choices, Folding, Route, Style
from judgeprobe.cases.answers.named import compare_named, named_forms, read_named
from judgeprobe.cases.answers.normalize import normalize

__all__ = ["BOOLEAN", "CHEMISTRY", "COMPLEXITY_CLASS", "DATE", "GROUP", "compare_canonical"]


def compare_canonical(a: str, b: str, canon: Callable[[str], object], what: str) -> Judgement:
    """Same when both canonical forms exist and are equal; an unread side is a different answer."""
    ca, cb = canon(a), canon(b)
    if ca is None or cb is None:
        unread = a if ca is None else b
        return different(f"{unread[:40]!r} is not read as a {what}")
    if ca == cb:
        return same(f"same {what} ({ca})")
    return different(f"different {what}s ({ca} vs {cb})")


# --- group ----------------------------------------------------------------------------------------------


def _compare_group(a: str, b: str, how: Comparison) -> Judgement:
    ga, gb = canonical_group(a), canonical_group(b)
    if ga is not None and gb is not None:
        return (
            same(f"same group decomposition {ga}")
            if ga == gb
            else different(f"different groups {ga} vs {gb}")
        )
    if normalize(a, kind=how.kind) == normalize(b, kind=how.kind):
        return same("identical notation after normalisation")
    return different("notation differs after normalisation (not read as a group decomposition)")


def _group_forms(text: str, kind: AnswerKind, choices: Choices | None) -> list[str]:
    group = canonical_group(text)
    return group_forms(group) if group is not None else []


def _render_group(text: str, kind: AnswerKind, style: Style) -> str | None:
    group = canonical_group(text)
    return None if group is None else render_group(group, style)


GROUP = register_kind(
    KindSpec(
        name="group",
        description="An algebraic object written in notation (direct sums, products, cyclic groups).",
        folding=Folding(math_symbols=True),
        compare=_compare_group,
        hedged=hedged_by_words,
        forms=_group_forms,
        render=_render_group,
        route=Route.NOTATION,
        respace=True,
        origin="shipped",
    )
)


# --- complexity class -----------------------------------------------------------------------------------


def _names_something(text: str) -> bool:
    reading = read_named(text)
    return bool(reading.entries or reading.decimals)


def _compare_class(a: str, b: str, how: Comparison) -> Judgement:
    """Class names by canonical spelling; a named constant or theorem (the kind is also used for named
    objects) through the shared alias tables."""
    if canonical_class(a) != canonical_class(b) and (_names_something(a) or _names_something(b)):
        return compare_named(a, b)
    return compare_canonical(a, b, canonical_class, "class name")


def _class_forms(text: str, kind: AnswerKind, choices: Choices | None) -> list[str]:
    if not is_class_name(text) and _names_something(text):
        return named_forms(text)  # a constant or theorem: its names, never an upper-cased spelling
    return class_forms(written_class(text))


def _render_class(text: str, kind: AnswerKind, style: Style) -> str | None:
    if not normalize(text, kind=kind) or (not is_class_name(text) and _names_something(text)):
        return None
    return render_class(written_class(text), style)


COMPLEXITY_CLASS = register_kind(
    KindSpec(
        name="complexity_class",
        description="A named complexity class or other named object (TC^0, NP).",
        folding=Folding(case="upper", math_symbols=True),
        compare=_compare_class,
        hedged=hedged_by_words,
        forms=_class_forms,
        render=_render_class,
        route=Route.NOTATION,
        origin="shipped",
    )
)


# --- chemistry ------------------------------------------------------------------------------------------


def _compare_species(a: str, b: str, how: Comparison) -> Judgement:
    """Formulas and names through the species table; isomers that share a formula are told apart by name
    (``C6H12O6`` names no one sugar); inorganic formulas with the same elements are the same compound
    written another way (``[Cu(H2O)4]SO4·H2O`` = ``CuSO4·5H2O``)."""
    ia, ib = isomer_of(a), isomer_of(b)
    if ia is not None or ib is not None:
        if ia is not None and ib is not None:
            return same(f"both name {ia}") if ia == ib else different(f"different isomers ({ia} vs {ib})")
        named, formula = (a, b) if ia is not None else (b, a)
        if canonical_species(formula) == canonical_species(named):
            return different(
                f"{formula[:30]!r} is a formula shared by isomers; it does not name {ia or ib} alone"
            )
    ca, cb = canonical_species(a), canonical_species(b)
    if ca is None or cb is None or ca != cb:
        xa, xb = composition(a), composition(b)
        if xa and xa == xb and "C" not in xa:
            elements = ", ".join(f"{k}{v}" for k, v in sorted(xa.items()))
            return same(f"the same elements in the same numbers ({elements})")
    return compare_canonical(a, b, canonical_species, "species")


def _species_forms(text: str, kind: AnswerKind, choices: Choices | None) -> list[str]:
    species = canonical_species(text)
    return species_forms(species) if species is not None else []


def _render_species(text: str, kind: AnswerKind, style: Style) -> str | None:
    species = canonical_species(text)
    return None if species is None else render_species(species, style)


CHEMISTRY = register_kind(
    KindSpec(
        name="chemistry",
        description="A chemical species, by formula or name.",
        folding=Folding(),
        compare=_compare_species,
        hedged=never_hedged,
        forms=_species_forms,
        render=_render_species,
        route=Route.NOTATION,
        origin="shipped",
    )
)


# --- date -----------------------------------------------------------------------------------------------


def _compare_date(a: str, b: str, how: Comparison) -> Judgement:
    wa, wb = canonical_when(a), canonical_when(b)
    if wa is AMBIGUOUS or wb is AMBIGUOUS:
        ra, rb = date_readings(a), date_readings(b)
        if not ra or not rb:
            unread = a if not ra else b
            return different(f"{unread[:40]!r} is not read as a date/time")
        matches = [x.same_moment(y) for x in ra for y in rb]
        if all(matches):
            return same("every reading of the numeric date is the same date")
        if not any(matches):
            return different("no reading of the numeric date (month/day or day/month) is the reference's")
        return undecided(
            "a numeric date reads differently in month/day and day/month order, and only one reading matches"
        )
    if wa is not None and wb is not None and wa.offset is not None and wb.offset is not None:
        if wa.same_moment(wb):
            return same(f"the same moment ({wa.utc()} UTC)")
        return different(f"different moments ({wa} vs {wb})")
    if wa is not None and wb is not None and wa.same_moment(wb):
        zone = "" if wa.offset == wb.offset else "; the time zone is given on one side only"
        return same(f"same date/time ({wb}{zone})")
    if wa is not None and wb is not None and (wa.year is None) != (wb.year is None):
        day_only, dated = (wa, wb) if wa.year is None else (wb, wa)
        if day_only.weekday is not None and day_only.hour is None and dated.weekday is not None:
            if day_only.weekday == dated.weekday:
                return same(f"same weekday ({day_only})")
            return different(f"different weekdays ({day_only} vs {dated})")
    return compare_canonical(a, b, canonical_when, "date/time")


def _date_forms(text: str, kind: AnswerKind, choices: Choices | None) -> list[str]:
    when = canonical_when(text)
    return when_forms(when) if when is not None and when is not AMBIGUOUS else []


DATE = register_kind(
    KindSpec(
        name="date",
        description="A calendar date or time of day.",
        folding=Folding(case="lower"),
        compare=_compare_date,
        hedged=hedged_by_words,
        forms=_date_forms,
        route=Route.NOTATION,
        recase=True,
        origin="shipped",
    )
)


# --- boolean --------------------------------------------------------------------------------------------


def _compare_boolean(a: str, b: str, how: Comparison) -> Judgement:
    ba, bb = canonical_boolean(a, how.question), canonical_boolean(b, how.question)
    if HEDGED in (ba, bb) and ba != bb:
        return different("hedged yes/no answer")
    return compare_canonical(a, b, lambda text: canonical_boolean(text, how.question), "yes/no answer")


def _boolean_forms(text: str, kind: AnswerKind, choices: Choices | None) -> list[str]:
    value = canonical_boolean(text)
    return boolean_forms(value) if isinstance(value, bool) else []


BOOLEAN = register_kind(
    KindSpec(
        name="boolean",
        description="Yes/no, true/false.",
        folding=Folding(case="lower"),
        compare=_compare_boolean,
        hedged=never_hedged,
        forms=_boolean_forms,
        route=Route.NOTATION,
        recase=True,
        origin="shipped",
    )
)
