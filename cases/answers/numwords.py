"""Numbers written in words: ``three hundred ninety-one``, ``two hundred and six``, ``minus three``,
``three and a half``, ``a thousand million``."""

from __future__ import annotations

import re
from fractions import Fraction

__all__ = ["words_to_number"]

_UNITS = {
    "zero": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
_FRACTIONS = {"half": Fraction(1, 2), "quarter": Fraction(1, 4), "third": Fraction(1, 3)}
_PARTS = {
    "half": Fraction(1, 2), "halves": Fraction(1, 2), "third": Fraction(1, 3), "thirds": Fraction(1, 3),
    "quarter": Fraction(1, 4), "quarters": Fraction(1, 4), "fourth": Fraction(1, 4),
    "fourths": Fraction(1, 4),
    "fifth": Fraction(1, 5), "fifths": Fraction(1, 5), "sixth": Fraction(1, 6), "sixths": Fraction(1, 6),
    "eighth": Fraction(1, 8), "eighths": Fraction(1, 8), "tenth": Fraction(1, 10), "tenths": Fraction(1, 10),
}  # fmt: skip
"""``<count> <part>``: ``two thirds`` is 2/3."""


def _integer(words: list[str]) -> int | None:
    total, current, seen = 0, 0, False
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in _SCALES:
            scale = _SCALES[word]
            if current == 0 and total:
                total *= scale  # "a thousand million"
            elif total + max(current, 1) < scale:  # a bigger scale multiplies the whole so far
                total, current = (total + max(current, 1)) * scale, 0
            else:
                total, current = total + current * scale, 0
        elif word == "and":
            continue
        else:
            return None
        seen = True
    return total + current if seen else None


def words_to_number(text: str) -> str | None:
    """The number as digits (``391``, ``-3``, ``7/2``), or ``None`` unless the whole text is number words."""
    clean = re.sub(r"[\s-]+", " ", text.strip().lower().rstrip(".")).strip()
    if not clean or len(clean) > 120 or not re.fullmatch(r"[a-z ]+", clean):
        return None
    words = clean.split()
    sign = ""
    if words[0] in ("minus", "negative"):
        sign, words = "-", words[1:]
    if len(words) == 2 and words[1] in _PARTS and (count := _integer(words[:1])):
        value = Fraction(count) * _PARTS[words[1]]  # "one half", "two thirds", "three quarters"
        return (
            f"{sign}{value.numerator}"
            if value.denominator == 1
            else f"{sign}{value.numerator}/{value.denominator}"
        )
    fraction = Fraction(0)
    for name, value in _FRACTIONS.items():
        for tail in ([f"and a {name}"], [f"and one {name}"]):
            joined = " ".join(words)
            if joined.endswith(" " + tail[0]):
                words = joined[: -len(tail[0]) - 1].split()
                fraction = value
    if not words or all(w in ("a", "an", "and") for w in words):
        return None
    whole = _integer(words)
    if whole is None:
        return None
    value = whole + fraction
    text_value = str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    return f"{sign}{text_value}" if value else "0"
