"""Render sympy values as answer strings that the safe parser reads back: ASCII, Unicode and LaTeX."""

from __future__ import annotations

import re

import sympy
from sympy.printing.str import StrPrinter

from judgeprobe.cases.answers.unicode import GREEK, to_superscript

__all__ = ["canonical_order", "value_ascii", "value_latex", "value_unicode"]

_GREEK_CHAR = {name: char for char, name in GREEK.items()}


class _AnswerPrinter(StrPrinter):  # type: ignore[misc]
    """sympy's string printer with the spellings of hand-written answers (``e``, ``i``, ``|x|``)."""

    def _print_Exp1(self, expr: sympy.Basic) -> str:
        return "e"

    def _print_ImaginaryUnit(self, expr: sympy.Basic) -> str:
        return "i"

    def _print_Abs(self, expr: sympy.Basic) -> str:
        return f"|{self._print(expr.args[0])}|"

    def _print_Infinity(self, expr: sympy.Basic) -> str:
        return "oo"

    def _print_NegativeInfinity(self, expr: sympy.Basic) -> str:
        return "-oo"


_PRINTER = _AnswerPrinter()


def _interval(value: sympy.Interval, render: str) -> str:
    left = "(" if value.left_open else "["
    right = ")" if value.right_open else "]"
    return f"{left}{render_value(value.start, 'ascii')}, {render_value(value.end, 'ascii')}{right}"


def render_value(value: object, style: str) -> str | None:
    """Render a parsed value (see :class:`judgeprobe.cases.answers.safe_math.Parsed`) in ``style``."""
    if style == "ascii":
        return value_ascii(value)
    if style == "unicode":
        return value_unicode(value)
    return value_latex(value)


def canonical_order(items: frozenset[object]) -> list[object]:
    """A set's elements in a fixed order (sympy's default sort key), the same in every process."""
    return sorted(
        items, key=lambda v: str(sympy.default_sort_key(v)) if isinstance(v, sympy.Basic) else str(v)
    )


def value_ascii(value: object) -> str | None:
    """``x^2 + 2*x + 1``, ``1/2``, ``{1, 2}``, ``(1, 2)``, ``[0, 1)``."""
    if isinstance(value, tuple):
        parts = [value_ascii(v) for v in value]
        return None if None in parts else "(" + ", ".join(p for p in parts if p is not None) + ")"
    if isinstance(value, frozenset):
        parts = [value_ascii(v) for v in canonical_order(value)]
        return None if None in parts else "{" + ", ".join(p for p in parts if p is not None) + "}"
    if isinstance(value, sympy.Interval):
        return _interval(value, "ascii")
    if isinstance(value, sympy.Union):
        parts = [value_ascii(v) for v in value.args]
        return None if None in parts else " U ".join(p for p in parts if p is not None)
    if isinstance(value, sympy.Basic):
        return str(_PRINTER.doprint(value)).replace("**", "^")
    return None


def value_unicode(value: object) -> str | None:
    """``x² + 2·x + 1``, ``−1/2``, ``√2``, ``π``."""
    text = value_ascii(value)
    if text is None:
        return None
    if isinstance(value, sympy.Union):
        text = text.replace(" U ", " ∪ ")
    text = re.sub(r"\^(-?\d+)\b(?![./])", lambda m: to_superscript(m.group(1)) or m.group(0), text)
    text = re.sub(r"\bsqrt\((\w+)\)", r"√\1", text)
    text = re.sub(r"\bsqrt\(", "√(", text)
    text = re.sub(r"\boo\b", "∞", text)
    text = re.sub(r"\b([A-Za-z]+)\b", lambda m: _GREEK_CHAR.get(m.group(1), m.group(1)), text)
    return text.replace("*", "·").replace("-", "−")


def value_latex(value: object) -> str | None:
    """``x^{2} + 2 x + 1``, ``\\frac{1}{2}``, ``\\{1, 2\\}``, ``\\left[0, 1\\right)``."""
    if isinstance(value, tuple):
        parts = [value_latex(v) for v in value]
        return (
            None if None in parts else "\\left(" + ", ".join(p for p in parts if p is not None) + "\\right)"
        )
    if isinstance(value, frozenset):
        parts = [value_latex(v) for v in canonical_order(value)]
        return None if None in parts else "\\{" + ", ".join(p for p in parts if p is not None) + "\\}"
    if isinstance(value, sympy.Interval):
        left = "(" if value.left_open else "["
        right = ")" if value.right_open else "]"
        return f"\\left{left}{sympy.latex(value.start)}, {sympy.latex(value.end)}\\right{right}"
    if isinstance(value, sympy.Union):
        parts = [value_latex(v) for v in value.args]
        return None if None in parts else " \\cup ".join(p for p in parts if p is not None)
    if isinstance(value, sympy.Basic):
        return str(sympy.latex(value))
    return None
