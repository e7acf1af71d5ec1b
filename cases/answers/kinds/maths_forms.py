"""Alternate forms and renderings of the math kinds (``number``, ``expression``, ``set``, ``tuple``,
``interval``): the value parsed safely, then written back by sympy (``1/2`` -> ``0.5``, ``50%``,
``\\frac{1}{2}``; expanded <-> factored; LaTeX / Unicode / ASCII). A number keeps its unit in every form.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

import sympy

from judgeprobe.cases.answers.budget import BudgetExceeded, run_with_budget
from judgeprobe.cases.answers.kinds.registry import AnswerKind
from judgeprobe.cases.answers.kinds.slots import Choices, Style
from judgeprobe.cases.answers.normalize import normalize
from judgeprobe.cases.answers.printing import canonical_order, render_value
from judgeprobe.cases.answers.safe_math import parse_answer
from judgeprobe.cases.answers.tolerance import written_figures
from judgeprobe.cases.answers.unicode import to_superscript
from judgeprobe.cases.answers.units import number_and_unit, read_quantity

__all__ = ["decimal_forms", "math_forms", "render_decimal", "render_math"]

_REWRITE_BUDGET_S = 2.0
"""Cap on one expand/factor rewrite. Probes must give the same variants on a busy machine as on a quiet one,
so the cap sits far above what any library answer needs (the slowest, a derivative, takes ~0.2 s cold);
it only stops pathological inputs, whose rewrites are then left out."""
_STYLES: tuple[Style, ...] = ("ascii", "latex", "unicode")


def _value_and_unit(text: str, kind: AnswerKind) -> tuple[object | None, str]:
    """The parsed value and, for numbers, the trailing unit to write after every form (``" m/s"``)."""
    if kind is not AnswerKind.NUMBER:
        parsed = parse_answer(text, kind=kind)
        return (None if parsed.undecided else parsed.value), ""
    parsed, unit = number_and_unit(text)
    return (None if parsed.undecided else parsed.value), (f" {unit}" if unit else "")


def _decimal(value: sympy.Rational, digits: int | None = None) -> str | None:
    """Exact decimal of a terminating rational, or ``digits`` significant digits of any rational."""
    q = int(value.q)
    for prime in (2, 5):
        while q % prime == 0:
            q //= prime
    if q != 1 and digits is None:
        return None
    with localcontext() as ctx:
        ctx.prec = digits or 60
        number = Decimal(int(value.p)) / Decimal(int(value.q))
    text = format(number.normalize(), "f")
    return text if len(text) <= 40 else None


def _number_forms(value: sympy.Basic, kind: AnswerKind) -> list[str]:
    forms: list[str] = []
    if isinstance(value, sympy.Integer):
        n = int(value)
        forms += [f"{n}.0", f"{n}.00"]
        if kind is AnswerKind.NUMBER and abs(n) >= 1000:
            forms.append(f"{n:,}")
        if n != 0 and abs(n) >= 10**5:
            digits = str(abs(n))
            exponent = len(digits) - 1
            tail = digits[1:].rstrip("0")
            mantissa = ("-" if n < 0 else "") + digits[0] + (f".{tail}" if tail else "")  # exact, no rounding
            forms += [f"{mantissa}e{exponent}", f"{mantissa} \\times 10^{{{exponent}}}"]
    elif isinstance(value, sympy.Rational):
        p, q = int(value.p), int(value.q)
        forms += [f"\\frac{{{p}}}{{{q}}}" if p > 0 else f"-\\frac{{{-p}}}{{{q}}}", f"{p}/{q}"]
        exact = _decimal(value)
        if exact is not None:
            forms.append(exact)
            if 0 < abs(value) <= 1:
                percent = _decimal(value * 100)
                if percent is not None:
                    forms.append(f"{percent}%")
            if abs(value) < sympy.Rational(1, 1000):
                small, power = f"{Decimal(p) / Decimal(q):e}".split("e")
                forms += [f"{small}e{int(power)}", f"{small} \\times 10^{{{int(power)}}}"]
        elif kind is AnswerKind.NUMBER:
            approx = _decimal(value, 10)
            if approx is not None:
                forms.append(approx)
    elif kind is AnswerKind.NUMBER and value.is_number and value.is_real:
        forms.append(str(sympy.N(value, 12)))
    return forms


def _expression_forms(value: sympy.Basic) -> list[str]:
    forms: list[str] = []

    def rewrite() -> list[sympy.Basic]:
        out = []
        expanded = sympy.expand(value)
        out.append(expanded)
        if expanded.is_polynomial() and sympy.count_ops(expanded) <= 60:
            out.append(sympy.factor(expanded))
        return out

    if sympy.count_ops(value) <= 80 and value.free_symbols:
        try:
            rewritten = run_with_budget(rewrite, seconds=_REWRITE_BUDGET_S)
        except BudgetExceeded:
            rewritten = []
        for other in rewritten:
            if other != value:
                forms += [f for f in (render_value(other, "ascii"), render_value(other, "latex")) if f]
    return forms


def _collection_forms(value: object) -> list[str]:
    forms: list[str] = []
    if isinstance(value, tuple) and value:
        inner = [render_value(v, "ascii") for v in value]
        if None not in inner:
            forms += [", ".join(str(v) for v in inner), "[" + ", ".join(str(v) for v in inner) + "]"]
    if isinstance(value, frozenset) and len(value) > 1:
        # the same elements in reverse canonical order (never frozenset iteration order: it varies with the
        # process's hash seed, and variants must be the same in every process)
        ordered = [render_value(v, "ascii") for v in canonical_order(value)]
        if None not in ordered:
            forms.append("{" + ", ".join(str(v) for v in reversed(ordered)) + "}")
    return forms


def math_forms(text: str, kind: AnswerKind, choices: Choices | None) -> list[str]:
    """Candidate forms of a math answer: its renderings, then number, expression or collection forms."""
    value, unit = _value_and_unit(text, kind)
    if value is None:
        return []
    if unit:
        numbers = [render_value(value, s) for s in ("ascii", "latex", "unicode")]
        numbers += _number_forms(value, kind) if isinstance(value, sympy.Basic) else []
        return [f"{number}{unit}" for number in numbers if number and "%" not in number]
    forms = [f for f in (render_value(value, s) for s in _STYLES) if f]
    if isinstance(value, sympy.Basic) and not isinstance(value, sympy.Set):
        forms += _number_forms(value, kind)
        if kind is AnswerKind.EXPRESSION:
            forms += _expression_forms(value)
    else:
        forms += _collection_forms(value)
    return forms


def render_math(text: str, kind: AnswerKind, style: Style) -> str | None:
    """A math answer written by sympy in ``style``; a number written as a decimal stays a decimal (``9.8``
    is not rendered ``49/5``) and keeps its unit."""
    value, unit = _value_and_unit(text, kind)
    rendered = None if value is None else render_value(value, style)
    if kind is AnswerKind.NUMBER and isinstance(value, sympy.Rational) and not value.is_integer:
        decimal = _decimal(value)
        if decimal is not None and "." in normalize(text, kind=kind):
            rendered = decimal.replace("-", "−") if style == "unicode" else decimal
    return None if rendered is None else f"{rendered}{unit}"


def _digits(text: str) -> tuple[str, str, int] | None:
    """``(sign, significant digits, exponent of the first digit)`` of a written decimal whose figures are
    unambiguous (``0.5772`` -> ``("", "5772", -1)``); ``None`` for other answers."""
    quantity = read_quantity(text)
    written = written_figures(quantity.number)
    if written is None or written.low != written.high or written.value == 0:
        return None
    sign = "-" if written.value < 0 else ""
    exponent = written.value.adjusted()
    digits = format(abs(written.value).scaleb(-exponent), "f").replace(".", "")
    digits = (digits + "0" * written.low)[: written.low]
    return sign, digits, exponent


def _plain(sign: str, digits: str, exponent: int) -> str | None:
    """The digits as a plain decimal when that keeps every figure readable (no trailing integer zeros) and
    is short."""
    if not -6 <= exponent <= 9:
        return None
    if exponent < 0:
        return f"{sign}0.{'0' * (-exponent - 1)}{digits}"
    if len(digits) > exponent + 1:
        return f"{sign}{digits[: exponent + 1]}.{digits[exponent + 1 :]}"
    if len(digits) == exponent + 1 and not digits.endswith("0"):
        return f"{sign}{digits}"
    return None


def decimal_forms(text: str, kind: AnswerKind, choices: Choices | None) -> list[str]:
    """Forms of an approximate decimal that keep exactly its significant figures: plain, ``e``-notation
    and ``× 10^n`` (``0.5772`` -> ``5.772e-1``, ``5.772 \\times 10^{-1}``, ``.5772``); a unit stays."""
    found = _digits(text)
    if found is None:
        return []
    sign, digits, exponent = found
    unit = number_and_unit(text)[1]
    tail = f" {unit}" if unit else ""
    mantissa = f"{sign}{digits[0]}" + (f".{digits[1:]}" if len(digits) > 1 else "")
    forms = [f"{mantissa}e{exponent}", f"{mantissa} \\times 10^{{{exponent}}}", f"{mantissa} × 10^{exponent}"]
    plain = _plain(sign, digits, exponent)
    if plain is not None:
        forms.append(plain)
        if plain.startswith(("0.", "-0.")):
            forms.append(plain.replace("0.", ".", 1))
        if sign:
            forms.append(plain.replace("-", "−", 1))
    return [f"{form}{tail}" for form in forms]


def render_decimal(text: str, kind: AnswerKind, style: Style) -> str | None:
    """An approximate decimal with its figures kept: plain where readable, else ``× 10^n``; the unit
    kept."""
    found = _digits(text)
    if found is None:
        return None
    sign, digits, exponent = found
    unit = number_and_unit(text)[1]
    tail = f" {unit}" if unit else ""
    plain = _plain(sign, digits, exponent)
    mantissa = f"{sign}{digits[0]}" + (f".{digits[1:]}" if len(digits) > 1 else "")
    if style == "latex":
        body = plain if plain is not None else f"{mantissa} \\times 10^{{{exponent}}}"
    elif style == "unicode":
        body = plain if plain is not None else f"{mantissa} × 10{to_superscript(str(exponent))}"
        body = body.replace("-", "−")
    else:
        body = plain if plain is not None else f"{mantissa}e{exponent}"
    return f"{body}{tail}"
