"""Asymptotic notation: ``O(n log n)``, ``Θ(n^2)``, ``Ω(2^n)``, ``o(n)``, read as a symbol and a growth class.

The growth inside the brackets is parsed safely (:func:`~judgeprobe.cases.answers.safe_math.parse_math`:
``n log n``, ``n \\log n`` and ``n·log n`` are one product) and reduced to the class of its dominant term:
constant factors, lower-order terms and the base of a logarithm are dropped (``O(2n log_2 n + n)`` is
``O(n log n)``); exponential bases are kept (``2^n`` and ``3^n`` differ). Terms are ordered by ``n^n``,
``n!``, the exponential base, the power of ``n``, of ``log n`` and of ``log log n``. Several variables
(``O(V + E)``) are compared as the set of their monomials without coefficients.

Symbols: ``O`` and ``Θ`` name the same class (an answer's big-O is read as the tight bound, as it is meant
almost always); ``Ω``, ``o`` and ``ω`` are each their own. A growth given without a symbol (``n log n``,
``linear``) takes the other answer's symbol. Growth rates in words come from the ``growth`` alias table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import sympy

from judgeprobe.cases.answers.aliases import alias_table
from judgeprobe.cases.answers.kinds.registry import AnswerKind
from judgeprobe.cases.answers.normalize import normalize
from judgeprobe.cases.answers.safe_math import parse_answer

__all__ = [
    "Asymptotic",
    "Growth",
    "asymptotic_forms",
    "bound_class",
    "read_asymptotic",
    "render_asymptotic",
]

Growth = tuple[object, ...]
"""A growth class: ``("univariate", n^n power, n! power, exponential base, n power, log power, log log
power)`` or ``("monomials", frozenset of monomial strings)``."""


@dataclass(frozen=True, slots=True)
class Asymptotic:
    """An asymptotic answer: its symbol (``""`` when none was written) and growth class."""

    symbol: str
    """``O``, ``Theta``, ``Omega``, ``o``, ``omega`` or ``""`` (none written)."""
    growth: Growth
    """The growth class."""
    inner: str
    """The growth as written (inside the brackets)."""


_SYMBOL = re.compile(
    r"^(?:big[\s-]*(?=o|theta|omega))?(\\mathcal\{O\}|\\mathcal O|\\mathrm\{O\}|O|o|\\Theta|Theta|theta|"
    r"\\Omega|Omega|\\omega|omega)\s*\((.*)\)(?:\s+[a-z ]{1,40})?$",
    re.IGNORECASE,
)
_OF = re.compile(r"^big[\s-]*(o|theta|omega)\s+of\s+(.+)$", re.IGNORECASE)
_SYMBOLS = {"o": "o", "O": "O", "theta": "Theta", "omega": "omega", "Omega": "Omega"}
_PREP = (
    (re.compile(r"([a-z0-9)])!"), r"factorial(\1)"),
    (re.compile(r"\blog\s*(factorial\([a-z]\))"), r"log(\1)"),
    (re.compile(r"\\log_\{?\w+\}?|\blog_\{?\w+\}?|\\lg\b|\blg\b|\\ln\b|\bln\b"), "log"),
    (re.compile(r"\\log\b"), "log"),
    (re.compile(r"\blog\s*\^\s*\{?(\d+)\}?\s*\(?\s*([a-z])\s*\)?"), r"(log(\2))^\1"),
    (re.compile(r"\blog\s*\(\s*log\s*([a-z])\s*\)"), r"log(log(\1))"),
    (re.compile(r"\blog\s*log\s*([a-z])\b"), r"log(log(\1))"),
    (re.compile(r"\blog\s*([a-z])\s*\^\s*(\{?\d+\}?)"), r"log(\1^\2)"),  # log n^2 is log(n^2)
    (re.compile(r"\blog\s+([a-z])\b"), r"log(\1)"),
    (re.compile(r"\blog([a-z])\b"), r"log(\1)"),
)


def _symbol(raw: str) -> str:
    key = raw.replace("\\", "").replace("mathcal{O}", "O").replace("mathcal O", "O").replace("mathrm{O}", "O")
    if key in ("O", "o"):
        return key
    return _SYMBOLS.get(key, _SYMBOLS.get(key.lower(), "O"))


def bound_class(symbol: str) -> str:
    """The kind of bound a symbol states, for comparison: ``Theta`` is read as ``O`` (see the module
    docstring)."""
    return "O" if symbol == "Theta" else symbol


def _exponent(value: sympy.Basic) -> Fraction | None:
    if isinstance(value, sympy.Rational):
        return Fraction(int(value.p), int(value.q))
    return None


def _term(term: sympy.Basic, n: sympy.Symbol) -> list[Fraction] | None:
    """``[n^n, n!, exponential base, n, log n, log log n]`` powers of one product term."""
    parts = [Fraction(0), Fraction(0), Fraction(1), Fraction(0), Fraction(0), Fraction(0)]
    factors = term.args if isinstance(term, sympy.Mul) else (term,)
    for factor in factors:
        base, power = (
            (factor.base, factor.exp) if isinstance(factor, sympy.Pow) else (factor, sympy.Integer(1))
        )
        if not base.has(n):
            if power.has(n):  # b^(c n)
                coefficient = sympy.simplify(power / n)
                if coefficient.has(n) or not (base.is_number and base.is_positive):
                    return None
                value = float(base**coefficient)
                parts[2] *= Fraction(value).limit_denominator(10**6)
            continue  # a constant factor
        p = _exponent(power)
        if p is None:
            if base == n and power == n:
                parts[0] += 1
                continue
            return None
        if base == n:
            parts[3] += p
        elif isinstance(base, sympy.log) and base.args[0] == n:
            parts[4] += p
        elif (
            isinstance(base, sympy.log) and isinstance(base.args[0], sympy.log) and base.args[0].args[0] == n
        ):
            parts[5] += p
        elif isinstance(base, sympy.log):
            inner = base.args[0]
            if isinstance(inner, sympy.factorial) and inner.args[0] == n and p == 1:  # log n! ~ n log n
                parts[3] += 1
                parts[4] += 1
            elif isinstance(inner, sympy.Pow) and inner.base == n and not inner.exp.has(n):
                parts[4] += p  # log(n^k) = k log n
            else:
                return None
        elif isinstance(base, sympy.factorial) and base.args[0] == n:
            parts[1] += p
        elif isinstance(base, sympy.exp):
            coefficient = sympy.simplify(base.args[0] / n)
            if coefficient.has(n) or not coefficient.is_number:
                return None
            parts[2] *= Fraction(float(sympy.exp(coefficient * p))).limit_denominator(10**6)
        else:
            return None
    return parts


def _growth(expr: sympy.Basic) -> Growth | None:
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    if not symbols:
        return ("univariate", 0, 0, 1, 0, 0, 0) if expr.is_number and expr != 0 else None
    terms = sympy.Add.make_args(sympy.expand(expr))
    if len(symbols) > 1:
        monomials = set()
        for term in terms:
            _, rest = term.as_coeff_Mul()
            monomials.add(str(rest))
        return ("monomials", frozenset(monomials))
    n = symbols[0]
    best: list[Fraction] | None = None
    for term in terms:
        coefficient, _ = term.as_coeff_Mul()
        if coefficient.is_number and coefficient.is_negative:
            continue
        parts = _term(term, n)
        if parts is None:
            return None
        if best is None or parts > best:
            best = parts
    return None if best is None else ("univariate", *best)


def _inner(text: str) -> Growth | None:
    text = text.strip()
    entry = alias_table("growth").lookup(text)
    if entry is not None and entry.means:
        text = entry.means
    prepared = text.replace("·", "*").replace("\\cdot", "*").replace("\\times", "*")
    for pattern, replacement in _PREP:
        prepared = pattern.sub(replacement, prepared)
    parsed = parse_answer(prepared, kind=AnswerKind.EXPRESSION)
    if parsed.undecided or not isinstance(parsed.value, sympy.Basic):
        return None
    try:
        return _growth(parsed.value)
    except (ValueError, TypeError, ArithmeticError, RecursionError):
        return None


@lru_cache(maxsize=4096)
def read_asymptotic(text: str) -> Asymptotic | None:
    """The symbol and growth class of ``text``, or ``None`` when the growth cannot be read."""
    norm = normalize(str(text)[:300], kind=None).strip()
    norm = norm.replace("Θ", "\\Theta").replace("Ω", "\\Omega").replace("ω", "\\omega")
    norm = re.sub(r"^(?:it is|it's|in|runs in|takes)\s+", "", norm, flags=re.IGNORECASE)
    if m := (_SYMBOL.match(norm) or _OF.match(norm)):
        symbol, inner = _symbol(m[1]), m[2]
    else:
        symbol, inner = "", norm
    growth = _inner(inner)
    return None if growth is None else Asymptotic(symbol, growth, inner.strip())


_SYMBOL_TEXT = {
    "latex": {"O": "O", "Theta": "\\Theta", "Omega": "\\Omega", "o": "o", "omega": "\\omega", "": "O"},
    "unicode": {"O": "O", "Theta": "Θ", "Omega": "Ω", "o": "o", "omega": "ω", "": "O"},
    "ascii": {"O": "O", "Theta": "Theta", "Omega": "Omega", "o": "o", "omega": "omega", "": "O"},
}


def _power(base: str, p: Fraction, style: str) -> str:
    if p == 1:
        return base
    exponent = str(p.numerator) if p.denominator == 1 else f"{p.numerator}/{p.denominator}"
    return f"{base}^{{{exponent}}}" if style == "latex" and len(exponent) > 1 else f"{base}^{exponent}"


def _growth_text(growth: Growth, style: str) -> str | None:
    if growth[0] != "univariate":
        return None
    _, self_power, fact, base, poly, log, loglog = growth
    log_word = "\\log" if style == "latex" else "log"
    pieces = []
    if self_power:
        pieces.append(_power("n^n", Fraction(str(self_power)), style))
    if fact:
        pieces.append(_power("n!", Fraction(str(fact)), style))
    if base != 1:
        b = Fraction(str(base))
        if b.denominator != 1:
            return None  # e^n and other bases are written only as the answer wrote them
        pieces.append(f"{b.numerator}^n")
    if poly:
        pieces.append(_power("n", Fraction(str(poly)), style))
    if log:
        pieces.append(f"{log_word} n" if log == 1 else f"{log_word}^{Fraction(str(log))} n")
    if loglog:
        pieces.append(f"{log_word} {log_word} n" if loglog == 1 else f"({log_word} {log_word} n)^{loglog}")
    joiner = " \\cdot " if style == "latex" else "·" if style == "unicode" else " "
    return joiner.join(pieces) or "1"


def render_asymptotic(reading: Asymptotic, style: str) -> str | None:
    """``O(n log n)`` in ``latex`` (``O(n \\log n)``), ``unicode`` or ``ascii``, written from the growth
    class (the dominant term); ``None`` for several variables."""
    inner = _growth_text(reading.growth, style)
    if inner is None:
        return None
    inner = inner.replace(" \\cdot \\log", " \\log")
    return f"{_SYMBOL_TEXT[style][reading.symbol]}({inner})"


def asymptotic_forms(reading: Asymptotic) -> list[str]:
    """Notations of one bound that keep its symbol and its growth as written when that is a single term:
    ``O(n log n)``, ``O(n \\log n)``, ``O(n·log n)``, ``O(n*log(n))``, ``\\mathcal{O}(n \\log n)``."""
    if "+" in reading.inner or "-" in reading.inner.lstrip("-"):
        return []  # a sum: its dominant term alone would be a rewrite, not a notation
    forms = [r for r in (render_asymptotic(reading, s) for s in ("ascii", "latex", "unicode")) if r]
    if forms and reading.symbol in ("O", ""):
        forms.append(forms[1].replace("O(", "\\mathcal{O}(", 1))
    if not reading.symbol:
        return []  # a bare growth rate: writing a symbol in front would add to the answer
    return forms
