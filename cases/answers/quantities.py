"""Units of measurement read safely and converted with pint: ``kWh`` to ``J``, ``mmol`` to ``mol``,
``kJ/mol`` to ``J/mol``, ``ft/s^2`` to ``m/s^2``, ``°F`` to ``K``.

Safety. pint's own string entry points (``UnitRegistry.parse_units``, ``Quantity(str)``,
``parse_expression``) run pint's expression evaluator over the text: it is not Python's ``eval``, but it
does arithmetic on whatever tokens it finds (``e-3*m`` is a product with the elementary charge ``e``). So no
answer text ever reaches them. :func:`read_unit` tokenises the unit itself against a whitelist (unit names
of letters only, ``*``/``/``/space between them, integer exponents after ``^``, one level of brackets),
resolves each *name* alone with ``UnitRegistry.get_name`` (a dictionary lookup over prefixes and plurals,
no evaluation), refuses names that pint defines as physical constants (``c``, ``e``, ``G``, ``R``, ...)
and one-letter names outside a short list of unit symbols, and builds the unit from the resolved names and
integer powers (``UnitsContainer``). Conversion factors come from ``get_base_units`` in exact fractions.

The registry is built once per process on first use (about half a second) and guarded by a lock, because
``get_name`` caches prefixed names into the registry.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from typing import Any

import sympy

__all__ = ["OFFSET_UNITS", "Unit", "convert_factor", "from_kelvin", "read_unit", "to_kelvin"]

_LOCK = threading.RLock()
_REGISTRY: Any = None
_CONSTANTS: frozenset[str] = frozenset()

OFFSET_UNITS = frozenset({"degree_Celsius", "degree_Fahrenheit", "degree_Rankine", "degree_Reaumur"})
"""Temperature units whose zero is not absolute: converted affinely when alone, as differences in a
product."""
_ONE_LETTER = frozenset("msgKANJWVCFHTLlhdtMSBΩÅ")
"""Unit symbols of one letter that are read as units (``e``, ``c``, ``G``, ``R``, ``a`` ... are not)."""
_ALLOWED_CONSTANTS = frozenset({"standard_atmosphere", "standard_gravity"})
_SYNONYMS = {
    "pp": "percentage_point", "ppt": "percentage_point", "percentagepoint": "percentage_point",
    "point": "percentage_point", "points": "percentage_point",
    "percentagepoints": "percentage_point", "°C": "degree_Celsius", "°F": "degree_Fahrenheit",
    "°K": "kelvin", "°": "degree", "degC": "degree_Celsius", "degF": "degree_Fahrenheit",
    "celsius": "degree_Celsius", "centigrade": "degree_Celsius", "fahrenheit": "degree_Fahrenheit",
    "hrs": "hour", "secs": "second", "mins": "minute", "kilo": "kilogram", "kilos": "kilogram",
    "µ": "micrometer", "sec": "second", "Ohm": "ohm", "Ohms": "ohm", "ohms": "ohm",
    "usd": "us_dollar", "dollar": "us_dollar", "dollars": "us_dollar", "USD": "us_dollar",
    "eur": "euro", "EUR": "euro", "euros": "euro", "€": "euro", "gbp": "pound_sterling",
    "GBP": "pound_sterling", "£": "pound_sterling", "yen": "yen", "JPY": "yen", "¥": "yen",
    "cc": "cubic_centimeter", "kph": "kilometer_per_hour", "kmh": "kilometer_per_hour",
}  # fmt: skip
"""Names pint does not know, or knows as something else (``pp`` is a typographic point to pint)."""
_EXTRA_DEFINITIONS = (
    "percentage_point = [percentage_point]",
    "us_dollar = [currency_usd]",
    "euro = [currency_eur]",
    "pound_sterling = [currency_gbp]",
    "yen = [currency_jpy]",
    "cubic_centimeter = centimeter ** 3",
)
"""Units the answers use that pint lacks; currencies and percentage points are dimensions of their own, so
they never convert into anything else."""

_NAME = re.compile(r"[A-Za-zµμΩÅ°€£¥]{1,24}|°[CFK]")
_POWER = re.compile(r"\^\{?\(?([-+]?\d{1,2})\)?\}?")
_WORDS = (
    (re.compile(r"\\mu\s*"), "µ"),
    (re.compile(r"\\Omega\s*"), "Ω"),
    (re.compile(r"\\(?:,|;|!| )|~"), " "),
    (re.compile(r"(?i)\bpercentage\s+points?\b|\bp\.\s*p\.?"), "pp"),
    (re.compile(r"(?i)\bdegrees?\s+(?:celsius|centigrade)\b"), "°C"),
    (re.compile(r"(?i)\bdegrees?\s+fahrenheit\b"), "°F"),
    (re.compile(r"(?i)\bdegrees?\b"), "°"),
    (re.compile(r"(?i)\bsquare\s+([A-Za-z]+)"), r"\1^2"),
    (re.compile(r"(?i)\bcubic\s+([A-Za-z]+)"), r"\1^3"),
    (re.compile(r"(?i)\s+squared\b"), "^2"),
    (re.compile(r"(?i)\s+cubed\b"), "^3"),
    (re.compile(r"(?i)\s+per\s+"), "/"),
    (re.compile(r"\*\*"), "^"),
)


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit read from an answer: pint's canonical names with integer powers."""

    powers: tuple[tuple[str, int], ...]
    """Sorted ``(pint unit name, power)`` pairs; empty for a dimensionless answer."""

    @property
    def lone_offset(self) -> bool:
        """A temperature on an offset scale, alone (``°C``), so converted affinely."""
        return len(self.powers) == 1 and self.powers[0][1] == 1 and self.powers[0][0] in OFFSET_UNITS

    def __str__(self) -> str:
        return "*".join(name if power == 1 else f"{name}^{power}" for name, power in self.powers)


def _registry() -> Any:
    global _REGISTRY, _CONSTANTS
    with _LOCK:
        if _REGISTRY is None:
            import pint

            registry: Any = pint.UnitRegistry(non_int_type=Fraction, cache_folder=None)
            for line in _EXTRA_DEFINITIONS:
                registry.define(line)
            text = resources.files("pint").joinpath("constants_en.txt").read_text(encoding="utf-8")
            names = {m[1] for m in re.finditer(r"(?m)^([A-Za-z_]+)\s*=", text)}
            _CONSTANTS = frozenset(names - _ALLOWED_CONSTANTS)
            _REGISTRY = registry
        return _REGISTRY


def _resolve(token: str) -> str | None:
    """The pint name of one unit-name token, or ``None`` when it is not a whitelisted unit."""
    if token in _SYNONYMS:
        return _SYNONYMS[token]
    if token.lower() in _SYNONYMS and len(token) > 3:
        return _SYNONYMS[token.lower()]
    if len(token) == 1 and token not in _ONE_LETTER:
        return None
    token = token.replace("μ", "µ")
    registry = _registry()
    with _LOCK:
        for candidate in (token, token.lower()) if len(token) > 3 else (token,):
            try:
                name = str(registry.get_name(candidate, case_sensitive=True))
            except Exception:  # noqa: S112 - pint raises several error types for an unknown name
                continue
            if name and name not in _CONSTANTS:
                return name
    return None


def _tokens(text: str) -> list[tuple[str, int]] | None:
    """``(name, power)`` pairs of a unit written as a product and quotient of names, or ``None``."""
    text = text.strip().rstrip(".")
    for pattern, replacement in _WORDS:
        text = pattern.sub(replacement, text)
    text = text.replace("·", "*").replace("⋅", "*").replace("\\cdot", "*").replace("\\times", "*")
    if len(text) > 60 or text.count("(") > 1 or text.count("/") > 2:
        return None
    pairs: list[tuple[str, int]] = []
    for index, part in enumerate(text.split("/")):
        sign = 1 if index == 0 else -1
        part = part.strip()
        if part.startswith("(") and part.endswith(")"):
            part = part[1:-1]
        if not part or "(" in part or ")" in part:
            return None
        position = 0
        while position < len(part):
            if part[position] in " *":
                position += 1
                continue
            name = _NAME.match(part, position)
            if name is None:
                return None
            position = name.end()
            power = 1
            if exponent := _POWER.match(part, position):
                power, position = int(exponent[1]), exponent.end()
            pairs.append((name[0], sign * power))
    return pairs or None


@lru_cache(maxsize=4096)
def read_unit(text: str) -> Unit | None:
    """The unit written in ``text`` (``kJ/mol``, ``m s^-2``, ``metres per second squared``, ``°C``), or
    ``None`` when any part of it is not a whitelisted unit name. See the module docstring for why this is
    safe."""
    pairs = _tokens(text)
    if pairs is None:
        return None
    powers: dict[str, int] = {}
    for token, power in pairs:
        name = _resolve(token)
        if name is None:
            return None
        powers[name] = powers.get(name, 0) + power
    return Unit(tuple(sorted((name, power) for name, power in powers.items() if power)))


def _base(unit: Unit) -> tuple[sympy.Rational, tuple[tuple[str, int], ...]] | None:
    registry = _registry()
    container = registry.UnitsContainer(dict(unit.powers))
    with _LOCK:
        try:
            factor, _ = registry.get_base_units(container)
            dimensions = registry.get_dimensionality(container)
        except Exception:  # an odd combination pint cannot reduce
            return None
    fraction = Fraction(factor)
    dims = tuple(sorted((str(name), int(power)) for name, power in dimensions.items() if power))
    return sympy.Rational(fraction.numerator, fraction.denominator), dims


def convert_factor(source: Unit, target: Unit) -> sympy.Rational | bool | None:
    """The exact factor ``f`` with ``1 source = f target``; ``False`` when the dimensions differ; ``None``
    when pint cannot reduce one of them."""
    a, b = _base(source), _base(target)
    if a is None or b is None:
        return None
    if a[1] != b[1]:
        return False
    return sympy.Rational(a[0] / b[0])


_SCALES = {
    "kelvin": (sympy.Integer(1), sympy.Integer(0)),
    "degree_Celsius": (sympy.Integer(1), sympy.Rational("273.15")),
    "degree_Fahrenheit": (sympy.Rational(5, 9), sympy.Rational("273.15") - sympy.Rational(160, 9)),
    "degree_Rankine": (sympy.Rational(5, 9), sympy.Integer(0)),
}
"""Temperature scales: kelvin = value * scale + shift."""


def _scale(unit: Unit) -> tuple[sympy.Rational, sympy.Rational] | None:
    if len(unit.powers) != 1 or unit.powers[0][1] != 1:
        return None
    return _SCALES.get(unit.powers[0][0])


def to_kelvin(value: sympy.Expr, unit: Unit) -> sympy.Expr | None:
    """A lone temperature converted to kelvin (affine for °C and °F); ``None`` if not a temperature."""
    scale = _scale(unit)
    return None if scale is None else value * scale[0] + scale[1]


def from_kelvin(value: sympy.Expr, unit: Unit) -> sympy.Expr | None:
    """A temperature in kelvin written on the scale of ``unit``; ``None`` if ``unit`` is no temperature."""
    scale = _scale(unit)
    return None if scale is None else (value - scale[1]) / scale[0]
