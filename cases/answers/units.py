"""Splitting a trailing unit off a numeric answer (``5 cm`` -> ``5`` and ``cm``)."""

from __future__ import annotations

import re

__all__ = ["canonical_unit", "split_unit"]

_UNIT = re.compile(r"^[A-Za-zµμ°Ωℓ][A-Za-zµμ°Ωℓ0-9/^·*.\s()-]{0,30}$")
_SYNONYMS = {
    "meter": "m", "meters": "m", "metre": "m", "metres": "m", "second": "s", "seconds": "s", "sec": "s",
    "kilogram": "kg", "kilograms": "kg", "gram": "g", "grams": "g", "liter": "L", "liters": "L", "litre": "L",
    "litres": "L", "l": "L", "degrees": "°", "degree": "°", "deg": "°", "kilometer": "km", "kilometers": "km",
    "centimeter": "cm", "centimeters": "cm", "millimeter": "mm", "millimeters": "mm", "hour": "h",
    "hours": "h", "hr": "h", "minutes": "min", "minute": "min", "joule": "J", "joules": "J", "newton": "N",
    "newtons": "N", "watt": "W", "watts": "W", "volt": "V", "volts": "V", "mole": "mol", "moles": "mol",
    "kelvin": "K", "degreescelsius": "°C", "celsius": "°C", "ohm": "Ω", "ohms": "Ω", "μ": "µ",
}  # fmt: skip
_PERCENT_WORD = re.compile(r"\s*(?:percent|per cent|pct)$", re.IGNORECASE)


def canonical_unit(unit: str) -> str:
    """One spelling per unit: spaces dropped, a few long names shortened (``meters`` -> ``m``)."""
    compact = re.sub(r"\s+", "", unit).replace("·", "*").replace("μ", "µ").rstrip(".")
    compact = re.sub(r"^\\?(?:text|mathrm)\{(.*)\}$", r"\1", compact)
    if compact.lower() in _SYNONYMS:
        return _SYNONYMS[compact.lower()]
    if compact.startswith("°") and compact[1:].lower() in ("c", "f", "k"):
        return "°" + compact[1:].upper()
    return compact


def split_unit(text: str) -> list[tuple[str, str]]:
    """Candidate ``(number part, unit)`` splits of ``text``, the rightmost split first.

    ``50 percent`` becomes ``50%`` with no unit. The caller keeps the first split whose number part
    parses as a number.
    """
    text = _PERCENT_WORD.sub("%", text.strip())
    candidates: list[tuple[str, str]] = []
    for index in range(len(text) - 1, 0, -1):
        char, before = text[index], text[index - 1]
        if (char.isalpha() or char in "°µμΩ") and not before.isalpha() and before != "\\":
            number, unit = text[:index].strip(), text[index:].strip()
            if number and _UNIT.match(unit):
                candidates.append((number, unit))
    return candidates
