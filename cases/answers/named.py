"""Named results and constants: an answer read as a name from the alias tables, a decimal value, or both
(``γ ≈ 0.5772``, ``the golden ratio φ``, ``0.5772156649…``, ``Bolzano-Weierstrass``).

Two answers name the same thing when they name the same table entry, or when one names a constant and the
other gives its digits (truncated, as ``0.5772156649…``, or rounded, to the figures written). An answer
that names one entry and gives digits of another value is a different answer. Names found in no table are
compared by their lookup key (case, accents, hyphens and a trailing ``theorem`` aside).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from judgeprobe.cases.answers.aliases import AliasEntry, alias_key, alias_table
from judgeprobe.cases.answers.judgement import Judgement, different, same
from judgeprobe.cases.answers.normalize import normalize
from judgeprobe.cases.answers.tolerance import round_to_figures, written_figures

__all__ = ["NAMED_TABLES", "NamedReading", "compare_named", "named_forms", "read_named"]

NAMED_TABLES = ("constants", "theorems")
"""The alias tables the ``named`` kind reads."""

_SEPARATORS = re.compile(r"\s*(?:≈|\\approx|=|~|,|;|\bapproximately\b|\babout\b|\bi\.e\.)\s*")
_REMARK = re.compile(r"^(.*?)\s*\(([^()]*(?:\([^()]*\))?[^()]*)\)$")
_DIGITS = re.compile(r"^[-+]?\d+\.\d+\s*(?:\.\.\.|…|\\ldots|\\dots|\\cdots)?$")
_ELLIPSIS = re.compile(r"\.\.\.|…|\\ldots|\\dots|\\cdots")


@dataclass(frozen=True, slots=True)
class NamedReading:
    """What an answer names: table entries (``table:id``), decimal values, and what was not read."""

    entries: tuple[tuple[str, AliasEntry], ...] = ()
    """``(table, entry)`` for every name found."""
    decimals: tuple[tuple[Decimal, int, bool], ...] = ()
    """``(value, figures, truncated)`` for every decimal found (``truncated``: it ends in an ellipsis)."""
    rest: tuple[str, ...] = ()
    """Parts read as neither."""

    @property
    def ids(self) -> set[str]:
        """``table:id`` of every entry named."""
        return {f"{table}:{entry.id}" for table, entry in self.entries}


def _lookup(part: str, tables: tuple[str, ...]) -> tuple[str, AliasEntry] | None:
    for table in tables:
        entry = alias_table(table).lookup(part)
        if entry is not None:
            return table, entry
    return None


def _decimal(part: str) -> tuple[Decimal, int, bool] | None:
    if not _DIGITS.match(part):
        return None
    truncated = bool(_ELLIPSIS.search(part))
    written = written_figures(_ELLIPSIS.sub("", part).strip())
    if written is None:
        return None
    return written.value, written.low, truncated


def _split_name(part: str, tables: tuple[str, ...]) -> list[tuple[str, AliasEntry]] | None:
    """``the golden ratio φ``: a name followed by a symbol of the same entry (both must be found)."""
    words = part.split()
    for cut in range(len(words) - 1, 0, -1):
        left, right = _lookup(" ".join(words[:cut]), tables), _lookup(" ".join(words[cut:]), tables)
        if left is not None and right is not None:
            return [left, right]
    return None


@lru_cache(maxsize=8192)
def read_named(text: str, tables: tuple[str, ...] = NAMED_TABLES) -> NamedReading:
    """Read ``text`` as names from ``tables`` and decimal values."""
    norm = normalize(str(text)[:400], kind=None)
    whole = _lookup(norm, tables)
    if whole is not None:
        return NamedReading(entries=(whole,))
    entries: list[tuple[str, AliasEntry]] = []
    decimals: list[tuple[Decimal, int, bool]] = []
    rest: list[str] = []
    parts = [p.strip(" .") for p in _SEPARATORS.split(norm)]
    while parts:
        part = parts.pop(0)
        if not part:
            continue
        found = _lookup(part, tables)
        if found is not None:
            entries.append(found)
        elif (value := _decimal(part)) is not None:
            decimals.append(value)
        elif (pair := _split_name(part, tables)) is not None:
            entries.extend(pair)
        elif (remark := _REMARK.match(part)) and remark[1]:
            parts[:0] = [remark[1].strip(" ."), remark[2].strip(" .")]  # "Apéry's constant (ζ(3))"
        else:
            rest.append(part)
    return NamedReading(tuple(entries), tuple(decimals), tuple(rest))


def _digits_agree(value: str, decimal: tuple[Decimal, int, bool]) -> bool:
    """A decimal agrees with a constant's digits when it is the value truncated or rounded to its figures."""
    given, figures, _ = decimal
    try:
        exact = Decimal(value)
    except InvalidOperation:
        return False
    if round_to_figures(exact, figures) == given:
        return True
    sign = -1 if exact < 0 else 1
    truncated = round_to_figures(abs(exact) - _half_unit(abs(exact), figures), figures)
    return sign * truncated == given


def _half_unit(value: Decimal, figures: int) -> Decimal:
    return Decimal(5).scaleb(value.adjusted() - figures)


def _values(reading: NamedReading) -> list[str]:
    return [entry.value for _, entry in reading.entries if entry.value is not None]


def _consistent(reading: NamedReading) -> str | None:
    """Why a reading contradicts itself (two entries, or digits that are not the named constant's)."""
    if len(reading.ids) > 1:
        return f"names several objects ({', '.join(sorted(reading.ids))})"
    for value in _values(reading):
        for decimal in reading.decimals:
            if not _digits_agree(value, decimal):
                return f"gives {decimal[0]}, which is not the value of the constant it names"
    return None


def compare_named(answer: str, reference: str, tables: tuple[str, ...] = NAMED_TABLES) -> Judgement:
    """Whether ``answer`` names what ``reference`` names (see the module docstring)."""
    ra, rb = read_named(answer, tables), read_named(reference, tables)
    for reading, which in ((ra, "answer"), (rb, "reference")):
        problem = _consistent(reading)
        if problem is not None:
            return different(f"the {which} {problem}")
    if ra.ids and rb.ids:
        if ra.ids == rb.ids:
            return same(f"both name {next(iter(rb.ids))}")
        return different(f"different objects ({', '.join(sorted(ra.ids))} vs {', '.join(sorted(rb.ids))})")
    for named, digits in ((rb, ra), (ra, rb)):
        if named.ids and digits.decimals and not digits.rest:
            values = _values(named)
            if values and all(_digits_agree(values[0], d) for d in digits.decimals):
                return same(f"the digits of {next(iter(named.ids))}")
            if values:
                return different(f"digits that are not those of {next(iter(named.ids))}")
    if ra.ids or rb.ids:
        unread = answer if not ra.ids else reference
        return different(f"{unread[:40]!r} names nothing in the {'/'.join(tables)} tables")
    drop = tuple(word for table in tables for word in alias_table(table).drop_words)
    if alias_key(answer, drop) and alias_key(answer, drop) == alias_key(reference, drop):
        return same("the same name (case, accents and hyphens aside)")
    return different("different names")


def named_forms(text: str, tables: tuple[str, ...] = NAMED_TABLES) -> list[str]:
    """Other spellings of the name ``text`` gives: the entry's ``names`` (never its ``aliases``)."""
    reading = read_named(text, tables)
    if len(reading.entries) != 1 or reading.decimals or reading.rest:
        return []
    entry = reading.entries[0][1]
    return [name for name in entry.names if name.strip() != text.strip()]
