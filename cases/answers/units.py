"""Splitting a numeric answer into its number and its unit (``6.0e-3 m`` -> ``6.0e-3`` and ``m``).

The number part is whatever the safe parser reads as one symbol-free number (decimals, ``e``-notation,
``× 10^n``, fractions, words); the unit part must be read by :func:`~judgeprobe.cases.answers.quantities.
read_unit` (whitelisted unit names only), so ``6.0e-3 m`` is never split as ``6.0`` and a unit ``e-3 m``.
A currency sign before the number (``€12.50``, ``£3``) becomes a unit after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy

from judgeprobe.cases.answers.kinds.registry import AnswerKind
from judgeprobe.cases.answers.limits import DEFAULT_LIMITS, Limits
from judgeprobe.cases.answers.math_words import sentence_number
from judgeprobe.cases.answers.normalize import normalize
from judgeprobe.cases.answers.numwords import words_to_number
from judgeprobe.cases.answers.quantities import Unit, read_unit
from judgeprobe.cases.answers.safe_math import Parsed, parse_answer

__all__ = ["Quantity", "canonical_unit", "number_and_unit", "read_quantity", "split_unit"]

_UNIT = re.compile(r"^[A-Za-zµμ°Ωℓ€£¥\\][A-Za-zµμ°Ωℓ€£¥0-9/^·*.\s(){}\\,-]{0,40}$")
_PERCENT_WORD = re.compile(r"\s*(?:percent|per cent|pct)$", re.IGNORECASE)
_CURRENCY_FIRST = re.compile(r"^([-+]?)(€|£|¥|US\$|USD|EUR|GBP)\s*(?=[\d.])")
_APPROX_VALUE = re.compile(r"^(?:[^=≈]{1,40}?)\s*(?:≈|\\approx|=)\s*(?=[-+−\d.$€£¥])")
"""``π ≈ 3.14``, ``g = 9.8 m/s^2``: a name and then the value; the value is the answer."""
_FIGURES_REMARK = re.compile(
    r"\s*\(?\s*(?:to\s+|at\s+)?\d{1,2}\s*(?:s\.?\s*f\.?|sig\.?\s*figs?\.?|significant\s+(?:figures?|digits?)|"
    r"d\.?\s*p\.?|decimal\s+places?)\s*\)?\s*$",
    re.IGNORECASE,
)
"""``3.14 (3 s.f.)``: a remark on the figures, not part of the number."""
_PERCENT_WORDS = re.compile(r"^([a-z][a-z\s-]*?)\s*(?:percent|per cent)$", re.IGNORECASE)
_DOLLAR_FIRST = re.compile(r"^\s*([-+]?)\s*(?:US)?\$\s*(?=[\d.])(?!.*\$)")
"""``$12.50``: a dollar sign before a number and no other ``$`` (normalisation would drop it as a math
delimiter)."""


@dataclass(frozen=True, slots=True)
class Quantity:
    """A numeric answer read as a number and an optional unit."""

    number: str
    """The number part as normalised for the ``number`` kind (``6.0e-3``; the whole text when no unit was
    split off)."""
    parsed: Parsed
    """The number part, safely parsed."""
    unit_text: str | None
    """The unit as written (``m/s^2``), or ``None``."""
    unit: Unit | None
    """The unit read through the whitelist (``None`` when there is no unit)."""
    unknown_unit: bool = False
    """A word follows the number that is not a unit this grader knows (``5 furlongs``, ``12 apples``); it is
    in ``unit_text`` and ``unit`` is ``None``."""


def split_unit(text: str) -> list[tuple[str, str]]:
    """Candidate ``(number part, unit)`` splits of ``text``, the rightmost split first.

    ``50 percent`` becomes ``50%`` with no unit. The caller keeps the first split whose number part
    parses as a number and whose unit reads as a unit.
    """
    text = _PERCENT_WORD.sub("%", text.strip())
    candidates: list[tuple[str, str]] = []
    for index in range(len(text) - 1, 0, -1):
        char, before = text[index], text[index - 1]
        if (char.isalpha() or char in "°µμΩ€£¥\\") and not before.isalpha() and before != "\\":
            number, unit = text[:index].strip(), text[index:].strip()
            if number and _UNIT.match(unit):
                candidates.append((number, unit))
    return candidates


def _currency_last(text: str) -> str:
    match = _CURRENCY_FIRST.match(text)
    if match is None:
        return text
    code = {"US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}.get(match[2], match[2])
    return f"{match[1]}{text[match.end() :]} {code}"


def read_quantity(text: str, *, limits: Limits = DEFAULT_LIMITS, in_sentence: bool = True) -> Quantity:
    """The number and unit of a numeric answer (``9.8 m/s^2`` -> 9.8 and ``m/s^2``).

    The whole text is tried as a number first; then the rightmost split whose number part is a
    symbol-free number and whose unit part reads as a unit; then (``in_sentence``) the number a sentence
    states (``It is a 25% increase.``, :func:`~judgeprobe.cases.answers.math_words.sentence_number`).
    """
    text = _FIGURES_REMARK.sub("", text)
    if (spelled := _PERCENT_WORDS.match(text.strip())) and (
        number := words_to_number(spelled[1])
    ) is not None:
        text = f"({number})%"  # "twenty-five percent"
    if (approx := _APPROX_VALUE.match(text)) and "=" not in text[approx.end() :]:
        text = text[approx.end() :]
    if dollar := _DOLLAR_FIRST.match(text):
        text = f"{dollar[1]}{text[dollar.end() :].strip()} USD"
    whole = parse_answer(text, kind=AnswerKind.NUMBER, limits=limits)
    normalised = normalize(text, kind=AnswerKind.NUMBER)
    if not whole.undecided and isinstance(whole.value, sympy.Expr) and not whole.value.free_symbols:
        return Quantity(normalised, whole, None, None)
    unknown: Quantity | None = None
    for number, unit_text in split_unit(_currency_last(normalised)):
        parsed = parse_answer(number, kind=AnswerKind.NUMBER, limits=limits)
        if parsed.undecided or getattr(parsed.value, "free_symbols", True):
            continue
        unit = read_unit(unit_text)
        if unit is not None:
            return Quantity(number, parsed, unit_text, unit)
        if unknown is None and re.fullmatch(r"[A-Za-z]{2,24}", unit_text):
            unknown = Quantity(number, parsed, unit_text, None, unknown_unit=True)
    if in_sentence and whole.undecided and whole.prose and (stated := sentence_number(text)) is not None:
        found = read_quantity(stated, limits=limits, in_sentence=False)
        if not found.parsed.undecided:
            return found
    return unknown or Quantity(normalised, whole, None, None)


def number_and_unit(text: str, *, limits: Limits = DEFAULT_LIMITS) -> tuple[Parsed, str | None]:
    """A numeric answer and its trailing unit as written (``9.8 m/s^2`` -> 9.8 and ``m/s^2``); the unit is
    ``None`` when there is none."""
    quantity = read_quantity(text, limits=limits)
    return quantity.parsed, quantity.unit_text


def canonical_unit(unit: str) -> str:
    """One spelling per unit (``m/s^2``, ``m s^-2``, ``metres per second squared`` agree), from the
    whitelisted reading; the text without spaces when it does not read as a unit."""
    read = read_unit(unit)
    return re.sub(r"\s+", "", unit) if read is None else str(read)
