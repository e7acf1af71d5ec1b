"""A small answer kind defined outside the package: ``roman_numeral`` (``XIV`` = ``xiv`` = ``14``).

This is what adding an answer kind takes: one module with the kind's functions and its row, registered
with :func:`judgeprobe.cases.answers.kinds.register_kind`. Shipped kinds do the same in a module of
``judgeprobe/cases/answers/kinds/`` listed in ``SHIPPED_FAMILIES``; a plugin names its module in the
``judgeprobe.answer_kinds`` entry-point group. Nothing else in judgeprobe changes: the schema, the loader,
lint, normalisation, equivalence, alternate forms, rendering, the probes and the ``builtin`` graders all
read the row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from judgeprobe.cases.answers import normalize
from judgeprobe.cases.answers.hedges import hedged_by_words
from judgeprobe.cases.answers.judgement import Judgement, different, same
from judgeprobe.cases.answers.kinds import (
    AnswerKind,
    Choices,
    Comparison,
    Folding,
    KindSpec,
    Route,
    Style,
    register_kind,
    unregister_kind,
)

NAME = "roman_numeral"
_VALUES = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
    (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip
_NUMERAL = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")


def to_roman(number: int) -> str:
    """``14`` -> ``XIV`` (1 to 3999)."""
    out = ""
    for value, letters in _VALUES:
        while number >= value:
            out += letters
            number -= value
    return out


def read_numeral(text: str) -> int | None:
    """The number a Roman numeral (any case) or an Arabic integer names, 1 to 3999; ``None`` otherwise."""
    norm = normalize(text, kind=NAME)
    if norm.isdigit():
        return int(norm) if 0 < int(norm) < 4000 else None
    if not norm or not _NUMERAL.fullmatch(norm):
        return None
    total, rest = 0, norm
    for value, letters in _VALUES:
        while rest.startswith(letters):
            total += value
            rest = rest[len(letters) :]
    return total


def _compare(a: str, b: str, how: Comparison) -> Judgement:
    na, nb = read_numeral(a), read_numeral(b)
    if na is None or nb is None:
        return different(f"{(a if na is None else b)[:40]!r} is not read as a Roman numeral")
    return same(f"both name {na}") if na == nb else different(f"{na} vs {nb}")


def _forms(text: str, kind: AnswerKind, choices: Choices | None) -> list[str]:
    number = read_numeral(text)
    if number is None:
        return []
    roman = to_roman(number)
    return [roman, roman.lower(), str(number), f"\\mathrm{{{roman}}}"]


def _render(text: str, kind: AnswerKind, style: Style) -> str | None:
    number = read_numeral(text)
    if number is None:
        return None
    return f"\\mathrm{{{to_roman(number)}}}" if style == "latex" else to_roman(number)


def _lint(reference: str, choices: Mapping[str, str] | None) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if read_numeral(reference) is None:
        yield ("reference",), f"{reference!r} is not a Roman numeral from I to MMMCMXCIX (or 1 to 3999)"


SPEC = KindSpec(
    name=NAME,
    description="A whole number from 1 to 3999 in Roman numerals (or Arabic digits).",
    folding=Folding(case="upper"),
    compare=_compare,
    hedged=hedged_by_words,
    forms=_forms,
    render=_render,
    route=Route.NOTATION,
    lint=_lint,
    recase=True,
    origin="tests/cases/roman_kind.py",
)


def register() -> AnswerKind:
    """Register the kind (again, if a test registered it before)."""
    return register_kind(SPEC, replace=True)


def unregister() -> None:
    """Remove the kind from the table."""
    unregister_kind(NAME)
