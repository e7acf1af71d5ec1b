"""Other surface forms of one answer, computed, checked and cached: what the formatting probes rewrite
an answer into.

Numbers and expressions go through :func:`judgeprobe.cases.answers.safe_math.parse_answer` and sympy (``1/2``
->
``0.5``, ``50%``, ``\\frac{1}{2}``; expanded <-> factored; LaTeX / Unicode / ASCII); notation kinds go
through their canonical forms (``Z^5`` -> ``Z⊕Z⊕Z⊕Z⊕Z``). Every form returned is checked to be
:func:`judgeprobe.cases.answers.equivalence.equivalent` to the input, so a probe built on it is truly
invariant.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, localcontext
from functools import lru_cache

import sympy

from judgeprobe.cases.answers.booleans import boolean_forms, canonical_boolean
from judgeprobe.cases.answers.budget import BudgetExceeded, run_with_budget
from judgeprobe.cases.answers.chemistry import canonical_species, render_species, species_forms
from judgeprobe.cases.answers.choices import Choices, freeze_choices, pick_letter
from judgeprobe.cases.answers.complexity import canonical_class, class_forms, render_class
from judgeprobe.cases.answers.dates import AMBIGUOUS, canonical_when, when_forms
from judgeprobe.cases.answers.equivalence import equivalent, number_and_unit
from judgeprobe.cases.answers.groups import canonical_group, group_forms, render_group
from judgeprobe.cases.answers.judgement import Decision
from judgeprobe.cases.answers.normalize import kind_of, normalize
from judgeprobe.cases.answers.printing import canonical_order, render_value
from judgeprobe.cases.answers.safe_math import parse_answer
from judgeprobe.cases.models import AnswerKind

__all__ = ["alternate_forms", "render_ascii", "render_latex", "render_unicode"]

_MATH = (AnswerKind.NUMBER, AnswerKind.EXPRESSION, AnswerKind.SET, AnswerKind.TUPLE, AnswerKind.INTERVAL)
_REWRITE_BUDGET_S = 2.0
"""Cap on one expand/factor rewrite. Probes must give the same variants on a busy machine as on a quiet one,
so the cap sits far above what any library answer needs (the slowest, a derivative, takes ~0.2 s cold);
it only stops pathological inputs, whose rewrites are then left out."""


def _value(text: str, kind: AnswerKind) -> object | None:
    parsed = parse_answer(text, kind=kind)
    return None if parsed.undecided else parsed.value


def _value_and_unit(text: str, kind: AnswerKind) -> tuple[object | None, str]:
    """The parsed value and, for numbers, the trailing unit to write after every form (``" m/s"``)."""
    if kind is not AnswerKind.NUMBER:
        return _value(text, kind), ""
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


def _math_forms(text: str, kind: AnswerKind) -> list[str]:
    value, unit = _value_and_unit(text, kind)
    if value is None:
        return []
    if unit:
        numbers = [render_value(value, s) for s in ("ascii", "latex", "unicode")]
        numbers += _number_forms(value, kind) if isinstance(value, sympy.Basic) else []
        return [f"{number}{unit}" for number in numbers if number and "%" not in number]
    forms = [f for f in (render_value(value, s) for s in ("ascii", "latex", "unicode")) if f]
    if isinstance(value, sympy.Basic) and not isinstance(value, sympy.Set):
        forms += _number_forms(value, kind)
        if kind is AnswerKind.EXPRESSION:
            forms += _expression_forms(value)
    else:
        forms += _collection_forms(value)
    return forms


def _choice_forms(text: str, choices: Choices | None) -> list[str]:
    letter = pick_letter(text, choices).letter
    if letter is None:
        return []
    forms = [letter, f"({letter})", f"{letter}.", f"{letter})", letter.lower(), f"Option {letter}"]
    if choices is not None:
        own = dict(choices)[letter]
        forms += [f"{letter}. {own}", f"({letter}) {own}", f"{letter}) {own}", own]
    return forms


def _notation_forms(text: str, kind: AnswerKind) -> list[str]:
    if kind is AnswerKind.GROUP:
        group = canonical_group(text)
        return group_forms(group) if group is not None else []
    if kind is AnswerKind.COMPLEXITY_CLASS:
        return class_forms(canonical_class(text))
    if kind is AnswerKind.CHEMISTRY:
        species = canonical_species(text)
        return species_forms(species) if species is not None else []
    if kind is AnswerKind.DATE:
        when = canonical_when(text)
        return when_forms(when) if when is not None and when is not AMBIGUOUS else []
    if kind is AnswerKind.BOOLEAN:
        value = canonical_boolean(text)
        return boolean_forms(value) if isinstance(value, bool) else []
    stripped = str(text).strip()
    return [stripped.lower(), stripped[:1].upper() + stripped[1:], stripped.upper(), f"{stripped}."]


@lru_cache(maxsize=16384)
def _alternate(text: str, kind: AnswerKind, choices: Choices | None) -> tuple[str, ...]:
    if kind in _MATH:
        candidates = _math_forms(text, kind)
    elif kind is AnswerKind.MULTIPLE_CHOICE:
        candidates = _choice_forms(text, choices)
    else:
        candidates = _notation_forms(text, kind)
    seen = {text.strip()}
    kept: list[str] = []
    for form in candidates:
        form = form.strip()
        if not form or form in seen:
            continue
        seen.add(form)
        if equivalent(text, form, kind=kind, choices=choices).decision is Decision.EQUIVALENT:
            kept.append(form)
    return tuple(kept)


def alternate_forms(
    text: str,
    *,
    kind: AnswerKind | str,
    choices: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
) -> tuple[str, ...]:
    """Other surface forms meaning the same answer as ``text`` (each checked with :func:`equivalent`).

    Returns an empty tuple when ``text`` is not understood under ``kind``. Results are cached.
    """
    resolved = kind_of(kind)
    if resolved is None or not isinstance(text, str) or len(text) > 2000:
        return ()
    return _alternate(text, resolved, freeze_choices(choices))


@lru_cache(maxsize=16384)
def _render(text: str, kind: AnswerKind, style: str) -> str | None:
    if kind in _MATH:
        value, unit = _value_and_unit(text, kind)
        rendered = None if value is None else render_value(value, style)
        if kind is AnswerKind.NUMBER and isinstance(value, sympy.Rational) and not value.is_integer:
            decimal = _decimal(value)  # a decimal answer stays a decimal: 9.8 is not rendered 49/5
            if decimal is not None and "." in normalize(text, kind=kind):
                rendered = decimal.replace("-", "−") if style == "unicode" else decimal
        return None if rendered is None else f"{rendered}{unit}"
    if kind is AnswerKind.GROUP:
        group = canonical_group(text)
        return None if group is None else render_group(group, style)
    if kind is AnswerKind.COMPLEXITY_CLASS:
        return render_class(canonical_class(text), style) if normalize(text, kind=kind) else None
    if kind is AnswerKind.CHEMISTRY:
        species = canonical_species(text)
        return None if species is None else render_species(species, style)
    return None


def _render_checked(text: str, kind: AnswerKind | str, style: str) -> str | None:
    resolved = kind_of(kind)
    if resolved is None or not isinstance(text, str) or len(text) > 2000:
        return None
    return _render(text, resolved, style)


def render_latex(text: str, *, kind: AnswerKind | str) -> str | None:
    """The LaTeX rendering (``\\frac{1}{2}``, ``\\mathbb{Z}^{5}``), or ``None`` if not applicable."""
    return _render_checked(text, kind, "latex")


def render_unicode(text: str, *, kind: AnswerKind | str) -> str | None:
    """The Unicode rendering (``½`` is written ``1/2``; ``ℤ⁵``, ``TC⁰``, ``H₂O``), or ``None``."""
    return _render_checked(text, kind, "unicode")


def render_ascii(text: str, *, kind: AnswerKind | str) -> str | None:
    """The plain ASCII rendering (``x^2 + 1``, ``Z^5``, ``TC0``, ``H2O``), or ``None``."""
    return _render_checked(text, kind, "ascii")
