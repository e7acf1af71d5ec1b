"""What a case says about how close a number must be: a relative or absolute tolerance, or a number of
significant figures, and what more or fewer figures than asked mean.

A case writes ``tolerance: 0.001`` (relative, as before) or a mapping::

    tolerance: {relative: 0.001}
    tolerance: {absolute: 0.005}
    tolerance: {figures: 3}                                  # "to three significant figures"
    tolerance: {figures: 3, more_figures: reject, fewer_figures: reject}

Significant figures are counted on the answer *as written* (:func:`written_figures`): ``0.00460`` has
three, ``4.6e-3`` two, ``1200`` two to four (trailing zeros of an integer are ambiguous). With ``figures:
n`` an answer written to ``n`` figures must equal the reference rounded to ``n`` figures (half up or half
to even: both roundings are accepted); an answer with more figures is accepted when it rounds to that value
(``more_figures: accept``, the default) or refused (``reject``); an answer with fewer figures is refused
(``fewer_figures: reject``, the default) or accepted when it equals the reference rounded to its own
figures (``accept``). An answer that is not a written decimal (``22/7``, ``\\pi``) is an exact value: it
must round to the reference's rounded value, and counts as having more figures.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any, Literal

__all__ = [
    "FIGURES_POLICIES",
    "TOLERANCE_JSON_SCHEMA",
    "FiguresPolicy",
    "Tolerance",
    "WrittenFigures",
    "round_to_figures",
    "written_figures",
]

FiguresPolicy = Literal["accept", "reject"]
"""What an answer with more (or fewer) significant figures than the case asks for gets."""
FIGURES_POLICIES: tuple[FiguresPolicy, ...] = ("accept", "reject")
_MAX_FIGURES = 30
_KEYS = ("relative", "absolute", "figures", "more_figures", "fewer_figures")


@dataclass(frozen=True, slots=True)
class Tolerance:
    """How close an answer's number must be to the reference's (see the module docstring).

    Build one with :meth:`of` from what a case file says; the constructor validates.
    """

    relative: float | None = None
    """Relative tolerance: ``|a - b| <= relative * max(|a|, |b|)``."""
    absolute: float | None = None
    """Absolute tolerance: ``|a - b| <= absolute`` (in the reference's unit)."""
    figures: int | None = None
    """Significant figures the question asks for (the reference is compared rounded to this many)."""
    more_figures: FiguresPolicy = "accept"
    """An answer with more figures than ``figures``: ``accept`` when it rounds to the reference, or
    ``reject``."""
    fewer_figures: FiguresPolicy = "reject"
    """An answer with fewer figures than ``figures``: ``reject``, or ``accept`` when it equals the reference
    rounded to the answer's own figures."""

    def __post_init__(self) -> None:
        for name in ("relative", "absolute"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not value >= 0 or value != value):
                raise ValueError(f"expected tolerance {name} >= 0, got {name}={value!r}")
        if self.figures is not None and (
            isinstance(self.figures, bool)
            or not isinstance(self.figures, int)
            or not 1 <= self.figures <= _MAX_FIGURES
        ):
            raise ValueError(
                f"expected tolerance figures to be a whole number from 1 to {_MAX_FIGURES}, "
                f"got figures={self.figures!r}"
            )
        for name in ("more_figures", "fewer_figures"):
            policy = getattr(self, name)
            if policy not in FIGURES_POLICIES:
                raise ValueError(f"expected {name} to be 'accept' or 'reject', got {name}={policy!r}")
        if self.figures is None and (self.more_figures != "accept" or self.fewer_figures != "reject"):
            raise ValueError("more_figures and fewer_figures need figures (the number of figures asked for)")

    @classmethod
    def of(cls, value: object) -> Tolerance | None:
        """A tolerance from a case field: ``None``, a number (relative), a mapping, or a :class:`Tolerance`.

        Raises:
            ValueError: an unknown key, a negative number, a bad policy (the message names the field).
            TypeError: neither a number nor a mapping.
        """
        if value is None or isinstance(value, Tolerance):
            return value
        if isinstance(value, bool):
            raise TypeError(f"expected a number or a mapping for tolerance, got {value!r}")
        if isinstance(value, (int, float)):
            return cls(relative=float(value))
        if isinstance(value, Mapping):
            unknown = sorted(str(key) for key in value if key not in _KEYS)
            if unknown:
                raise ValueError(
                    f"unknown tolerance key(s) {', '.join(unknown)}; expected some of {', '.join(_KEYS)}"
                )
            if not any(value.get(key) is not None for key in ("relative", "absolute", "figures")):
                raise ValueError("a tolerance mapping needs relative, absolute or figures")
            relative, absolute = value.get("relative"), value.get("absolute")
            for name, number in (("relative", relative), ("absolute", absolute)):
                if number is not None and (isinstance(number, bool) or not isinstance(number, (int, float))):
                    raise ValueError(f"expected a number for tolerance {name}, got {number!r}")
            return cls(
                relative=None if relative is None else float(relative),
                absolute=None if absolute is None else float(absolute),
                figures=value.get("figures"),
                more_figures=value.get("more_figures", "accept"),
                fewer_figures=value.get("fewer_figures", "reject"),
            )
        raise TypeError(
            f"expected a number (relative tolerance) or a mapping such as {{figures: 3}} for tolerance, "
            f"got {type(value).__name__}"
        )

    def to_json(self) -> dict[str, Any]:
        """The fields that differ from the defaults (what a case file would write)."""
        out: dict[str, Any] = {}
        for key in _KEYS:
            value = getattr(self, key)
            if value != getattr(_DEFAULT, key):
                out[key] = value
        return out

    def case_value(self) -> float | dict[str, Any]:
        """What a case file writes: the number for a relative tolerance alone, else the mapping."""
        data = self.to_json()
        return self.relative if data.keys() == {"relative"} and self.relative is not None else data

    def key(self) -> str:
        """Canonical JSON of :meth:`to_json`, for content hashes."""
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))

    def __str__(self) -> str:
        parts = []
        if self.figures is not None:
            parts.append(f"{self.figures} significant figures")
        if self.relative is not None:
            parts.append(f"relative {self.relative:g}")
        if self.absolute is not None:
            parts.append(f"absolute {self.absolute:g}")
        return ", ".join(parts) or "default"


_DEFAULT = Tolerance()

TOLERANCE_JSON_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "number", "minimum": 0, "description": "relative tolerance"},
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "relative": {"type": "number", "minimum": 0},
                "absolute": {"type": "number", "minimum": 0},
                "figures": {"type": "integer", "minimum": 1, "maximum": _MAX_FIGURES},
                "more_figures": {"enum": list(FIGURES_POLICIES)},
                "fewer_figures": {"enum": list(FIGURES_POLICIES)},
            },
        },
        {"type": "null"},
    ],
    "description": "A relative tolerance, or relative / absolute / significant figures with policies.",
}
"""JSON Schema of a case's ``tolerance`` field (for editors; ``judgeprobe cases schema``)."""


@dataclass(frozen=True, slots=True)
class WrittenFigures:
    """A decimal as written: its exact value and how many significant figures it shows."""

    value: Decimal
    """The exact value written (mantissa times the power of ten)."""
    low: int
    """Fewest significant figures the writing can mean."""
    high: int
    """Most significant figures (more than ``low`` only for an integer with trailing zeros: ``1200``)."""


_SEPARATED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
_DECIMAL = re.compile(
    r"^([-+]?)(\d+\.?\d*|\.\d+)"
    r"(?:[eE]([-+]?\d{1,4})|(?:\*|x|\\times|\\cdot|·)10\^\{?([-+]?\d{1,4})\}?)?$"
)


def written_figures(number: str) -> WrittenFigures | None:
    """The significant figures of a decimal written as text (``None`` when it is not a plain decimal).

    Reads ``0.0460``, ``-3.140``, ``1,200``, ``4.6e-3``, ``4.6E-3`` and ``4.6\\times10^{-3}`` (the text as
    normalised for the ``number`` kind: no spaces, ``-`` for minus, ``\\times`` for ×).
    """
    text = number.strip().replace("−", "-").replace(" ", "").replace("\u2009", "")
    if len(text) > 80:
        return None
    body = text.lstrip("+-")
    if _SEPARATED.match(body.split("e")[0].split("E")[0].split("\\")[0].split("*")[0]):
        text = text.replace(",", "")
    match = _DECIMAL.match(text)
    if match is None:
        return None
    sign, digits, exp_e, exp_ten = match.groups()
    exponent = int(exp_e or exp_ten or 0)
    whole, _, fraction = digits.partition(".")
    try:
        value = Decimal(f"{sign}{whole or '0'}.{fraction or '0'}").scaleb(exponent)
    except InvalidOperation:
        return None
    shown = (whole + fraction).lstrip("0")
    if not shown:  # zero: the figures after the point (0.00 shows two), at least one
        count = max(1, len(fraction))
        return WrittenFigures(value, count, count)
    if "." in digits:
        return WrittenFigures(value, len(shown), len(shown))
    trimmed = shown.rstrip("0")
    return WrittenFigures(value, len(trimmed), len(shown))


def round_to_figures(value: Decimal, figures: int, *, half_even: bool = False) -> Decimal:
    """``value`` rounded to ``figures`` significant figures (half up unless ``half_even``)."""
    if value == 0:
        return Decimal(0)
    with localcontext() as ctx:
        ctx.prec = max(60, figures + 10)
        exponent = value.adjusted() - figures + 1
        quantum = Decimal(1).scaleb(exponent)
        return value.quantize(quantum, rounding=ROUND_HALF_EVEN if half_even else ROUND_HALF_UP)
