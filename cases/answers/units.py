"""Splitting a trailing unit off a numeric answer (``5 cm`` -> ``5`` and ``cm``)."""

from __future__ import annotations

import re

import sympy

from judgeprobe.cases.answers.kinds.registry import AnswerKind
from judgeprobe.cases.answers.limits import DEFAULT_LIMITS, Limits
from judgeprobe.cases.answers.normalize import normalize
from judgeprobe.cases.answers.safe_math import Parsed, parse_answer

__all__ = [
    "TEMPERATURES",
    "canonical_unit",
    "kelvin",
    "number_and_unit",
    "split_unit",
    "to_si",
    "unit_powers",
]

_UNIT = re.compile(r"^[A-Za-zµμ°Ωℓ][A-Za-zµμ°Ωℓ0-9/^·*.\s(){}-]{0,30}$")
_SYNONYMS = {
    "meter": "m", "meters": "m", "metre": "m", "metres": "m", "second": "s", "seconds": "s", "sec": "s",
    "kilogram": "kg", "kilograms": "kg", "gram": "g", "grams": "g", "liter": "L", "liters": "L", "litre": "L",
    "litres": "L", "l": "L", "degrees": "°", "degree": "°", "deg": "°", "kilometer": "km", "kilometers": "km",
    "centimeter": "cm", "centimeters": "cm", "millimeter": "mm", "millimeters": "mm", "hour": "h",
    "hours": "h", "hr": "h", "minutes": "min", "minute": "min", "joule": "J", "joules": "J", "newton": "N",
    "newtons": "N", "watt": "W", "watts": "W", "volt": "V", "volts": "V", "mole": "mol", "moles": "mol",
    "kelvin": "K", "degreescelsius": "°C", "celsius": "°C", "ohm": "Ω", "ohms": "Ω", "μ": "µ",
    "kilometre": "km", "kilometres": "km", "centimetre": "cm", "centimetres": "cm", "millimetre": "mm",
    "millimetres": "mm", "hrs": "h", "secs": "s", "mins": "min", "kilo": "kg", "kilos": "kg",
}  # fmt: skip
_PERCENT_WORD = re.compile(r"(?<!\s)\s*(?:percent|per cent|pct)$", re.IGNORECASE)


def _base(name: str) -> str:
    name = name.strip().rstrip(".")
    if name.lower() in _SYNONYMS:
        return _SYNONYMS[name.lower()]
    if name.startswith("°") and name[1:].lower() in ("c", "f", "k"):
        return "°" + name[1:].upper()
    return name


_FACTOR = re.compile(r"^([^\s^*]+?)(?:\^\{?([-+]?\d+)\}?)?$")


def unit_powers(unit: str) -> dict[str, int] | None:
    """The unit as base names with integer powers (``m/s^2`` -> ``{m: 1, s: -2}``); ``None`` if unread."""
    text = unit.replace("·", "*").replace("μ", "µ").strip().rstrip(".")
    text = re.sub(r"\\(?:text|mathrm)\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"(?i)percentage\s+points?|p\.\s*p\.?", "pp", text)
    text = re.sub(r"(?i)degrees?\s+(celsius|centigrade)", "°C", text)
    text = re.sub(r"(?i)degrees?\s+fahrenheit", "°F", text)
    text = re.sub(r"(?<!\s)\s+squared\b", "^2", text)
    text = re.sub(r"(?<!\s)\s+cubed\b", "^3", text)
    text = re.sub(r"(?<!\s)\s+per\s+", "/", text)
    powers: dict[str, int] = {}
    for index, part in enumerate(text.split("/")):
        sign = 1 if index == 0 else -1
        for piece in re.split(r"[\s*]+", part.strip()):
            if not piece:
                continue
            match = _FACTOR.match(piece)
            if match is None:
                return None
            base = _base(match.group(1))
            powers[base] = powers.get(base, 0) + sign * int(match.group(2) or 1)
    return {base: power for base, power in powers.items() if power}


def canonical_unit(unit: str) -> str:
    """One spelling per unit: ``m/s^2``, ``m s^-2``, ``m·s⁻²`` and ``metres per second squared`` agree.

    The unit is read as a product of base names with integer powers (``/`` and ``per`` divide); a few
    long names are shortened (``meters`` -> ``m``). Units are never converted (``km`` is not ``1000 m``).
    """
    powers = unit_powers(unit)
    if powers is None:
        return re.sub(r"\s+", "", unit)
    kept = sorted((base, power) for base, power in powers.items() if power)
    if not kept:
        return ""
    return "*".join(base if power == 1 else f"{base}^{power}" for base, power in kept)


Dimension = tuple[int, int, int, int, int, int]
"""Powers of length, mass, time, temperature, amount of substance, electric current."""

_L, _M, _T, _K, _N, _I = (tuple(int(i == j) for j in range(6)) for i in range(6))


def _dim(*parts: tuple[tuple[int, ...], int]) -> Dimension:
    total = [0] * 6
    for vector, power in parts:
        for i, v in enumerate(vector):
            total[i] += v * power
    return (total[0], total[1], total[2], total[3], total[4], total[5])


_ENERGY = _dim((_M, 1), (_L, 2), (_T, -2))
_SI: dict[str, tuple[str, Dimension]] = {
    "m": ("1", _dim((_L, 1))), "km": ("1000", _dim((_L, 1))), "cm": ("0.01", _dim((_L, 1))),
    "mm": ("0.001", _dim((_L, 1))), "µm": ("1e-6", _dim((_L, 1))), "nm": ("1e-9", _dim((_L, 1))),
    "ft": ("0.3048", _dim((_L, 1))), "in": ("0.0254", _dim((_L, 1))), "mi": ("1609.344", _dim((_L, 1))),
    "s": ("1", _dim((_T, 1))), "ms": ("0.001", _dim((_T, 1))), "min": ("60", _dim((_T, 1))),
    "h": ("3600", _dim((_T, 1))), "kg": ("1", _dim((_M, 1))), "g": ("0.001", _dim((_M, 1))),
    "mg": ("1e-6", _dim((_M, 1))), "lb": ("0.45359237", _dim((_M, 1))), "L": ("0.001", _dim((_L, 3))),
    "mL": ("1e-6", _dim((_L, 3))), "N": ("1", _dim((_M, 1), (_L, 1), (_T, -2))), "J": ("1", _ENERGY),
    "kJ": ("1000", _ENERGY), "W": ("1", _dim((_M, 1), (_L, 2), (_T, -3))), "mol": ("1", _dim((_N, 1))),
    "A": ("1", _dim((_I, 1))), "Hz": ("1", _dim((_T, -1))), "kHz": ("1000", _dim((_T, -1))),
    "MHz": ("1e6", _dim((_T, -1))), "Pa": ("1", _dim((_M, 1), (_L, -1), (_T, -2))),
    "kPa": ("1000", _dim((_M, 1), (_L, -1), (_T, -2))), "mph": ("0.44704", _dim((_L, 1), (_T, -1))),
    "V": ("1", _dim((_M, 1), (_L, 2), (_T, -3), (_I, -1))),
}  # fmt: skip
"""Unit -> (factor to SI as a decimal string, dimension). Temperatures are handled apart (affine)."""

TEMPERATURES = ("K", "°C", "°F")
"""Units whose conversion is affine: a temperature alone is converted to kelvin, never inside a product."""


def to_si(unit: str) -> tuple[sympy.Rational, Dimension] | None:
    """The factor that converts ``unit`` to SI and its dimension; ``None`` when a part is not in the table."""
    powers = unit_powers(unit)
    if powers is None:
        return None
    factor = sympy.Rational(1)
    parts: list[tuple[tuple[int, ...], int]] = []
    for base, power in powers.items():
        if base not in _SI:
            return None
        scale, dimension = _SI[base]
        factor *= sympy.Rational(scale) ** power
        parts.append((dimension, power))
    return factor, _dim(*parts)


def kelvin(value: sympy.Basic, unit: str) -> sympy.Basic | None:
    """A temperature in kelvin, or ``None`` when ``unit`` is not a temperature unit."""
    if unit == "K":
        return value
    if unit == "°C":
        return value + sympy.Rational("273.15")
    if unit == "°F":
        return (value - 32) * sympy.Rational(5, 9) + sympy.Rational("273.15")
    return None


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


def number_and_unit(text: str, *, limits: Limits = DEFAULT_LIMITS) -> tuple[Parsed, str | None]:
    """A numeric answer and its trailing unit as written (``9.8 m/s^2`` -> 9.8 and ``m/s^2``).

    The whole text is tried as a number first; then the rightmost split whose number part is a
    symbol-free number. The unit is ``None`` when there is none.
    """
    whole = parse_answer(text, kind=AnswerKind.NUMBER, limits=limits)
    if not whole.undecided and isinstance(whole.value, sympy.Expr) and not whole.value.free_symbols:
        return whole, None
    for number, unit in split_unit(normalize(text, kind=AnswerKind.NUMBER)):
        parsed = parse_answer(number, kind=AnswerKind.NUMBER, limits=limits)
        if not parsed.undecided and not getattr(parsed.value, "free_symbols", True):
            return parsed, unit
    return whole, None
