"""The math kinds: ``number``, ``expression``, ``set``, ``tuple`` and ``interval``.

All five parse through the safe parser (:func:`~judgeprobe.cases.answers.safe_math.parse_answer`) with the
kind's shape rules and compare the values with sympy under the time budget
(:func:`~judgeprobe.cases.answers.compare.compare_values`):

- ``number``: equal within :data:`~judgeprobe.cases.answers.compare.DEFAULT_RELATIVE_TOLERANCE` or the
  case's ``tolerance`` (relative, absolute or significant figures). A trailing unit is split off and read
  through a whitelist; the answer is converted into the reference's unit with pint (temperatures
  affinely); units of different dimensions differ (:mod:`~judgeprobe.cases.answers.numeric`).
- ``expression``: symbolic difference, numeric spot-check, expand/simplify.
- ``set`` (unordered), ``tuple`` (ordered), ``interval`` (open/closed ends, unions, inequalities).

Alternate forms and renderings are in :mod:`~judgeprobe.cases.answers.kinds.maths_forms`.
"""

from __future__ import annotations

import re

import sympy

from judgeprobe.cases.answers.budget import BudgetExceeded, Deadline, run_with_budget
from judgeprobe.cases.answers.compare import compare_values
from judgeprobe.cases.answers.hedges import hedged_by_words, hedged_number
from judgeprobe.cases.answers.judgement import Decision, Judgement, Uncacheable, different, undecided
from judgeprobe.cases.answers.kinds.maths_forms import math_forms, render_math
from judgeprobe.cases.answers.kinds.registry import AnswerKind, Comparison, KindSpec, register_kind
from judgeprobe.cases.answers.kinds.slots import Folding, Notation, Route
from judgeprobe.cases.answers.limits import Limits
from judgeprobe.cases.answers.math_words import (
    absolute_inequality,
    chain_list,
    conjunction,
    dimensions,
    named_set,
)
from judgeprobe.cases.answers.named import read_named
from judgeprobe.cases.answers.normalize import normalize
from judgeprobe.cases.answers.numeric import compare_quantities
from judgeprobe.cases.answers.readers import (
    arrange_set,
    arrange_terms,
    arrange_union,
    faithful_reader,
    same_numeral,
)
from judgeprobe.cases.answers.required_form import form_problem
from judgeprobe.cases.answers.safe_math import Parsed, parse_answer
from judgeprobe.cases.answers.statements import states_a_value
from judgeprobe.cases.answers.tolerance import Tolerance

__all__ = [
    "EXPRESSION",
    "INTERVAL",
    "NUMBER",
    "SET",
    "TUPLE",
    "compare_math",
    "compare_number",
    "number_tolerance",
]

_SOLUTIONS = re.compile(r"\s*([A-Za-z])\s*=[^=]+?(?:\s+or\s+\1\s*=[^=]+?)+")
_OR = re.compile(r"(?<!\s)\s+or\s+")
_INEQUALITY = re.compile(r"[<>≤≥]|\\[lg]eq?")


def _budget_reason(parsed: Parsed) -> bool:
    return "budget" in parsed.reason


def _compare(va: object, vb: object, tolerance: float | None, limits: Limits) -> Judgement:
    deadline = Deadline(limits.time_budget_s)
    if isinstance(va, sympy.Rational) and isinstance(vb, sympy.Rational):  # exact and cheap: no thread
        return compare_values(va, vb, tolerance=tolerance, deadline=deadline)
    try:
        return run_with_budget(
            lambda: compare_values(va, vb, tolerance=tolerance, deadline=deadline),
            seconds=limits.time_budget_s,
        )
    except BudgetExceeded as exc:
        raise Uncacheable(undecided(f"comparison budget exceeded: {exc}")) from None
    except (ValueError, TypeError, ArithmeticError, RecursionError) as exc:
        return undecided(f"comparison failed ({type(exc).__name__})")


def _unparsed(pa: Parsed, pb: Parsed, a: str, b: str) -> Judgement | None:
    """The judgement when a side did not parse: a budget run-out is uncacheable; words alone against a
    parsed math answer are a different (non-)answer, words around digits or operators are undecided (a
    value may be in there); anything else is undecided."""
    for parsed in (pa, pb):
        if parsed.undecided and _budget_reason(parsed):
            raise Uncacheable(undecided(parsed.reason))
    for (this, text), other in (((pa, a), pb), ((pb, b), pa)):
        if this.undecided and this.prose and not other.undecided:
            if states_a_value(text):  # "Foo x^2 bar": math among words the reader does not know
                which = "answer" if this is pa else "reference"
                return undecided(f"the {which} holds math among words not read ({this.reason})")
            return different(f"not a math answer ({this.reason})")
    for parsed, which in ((pa, "answer"), (pb, "reference")):
        if parsed.undecided:
            return undecided(f"could not read the {which} ({parsed.reason})")
    return None


def number_tolerance(how: Comparison) -> Tolerance | None:
    """The case's whole tolerance from a comparison (its ``precision``, else its relative ``tolerance``)."""
    return how.precision if how.precision is not None else Tolerance.of(how.tolerance)


def _in_form(judgement: Judgement, a: str, b: str, how: Comparison) -> Judgement:
    """An equal answer that lacks the form the question asks for (factored, simplest radical form, …) is a
    different answer (:mod:`~judgeprobe.cases.answers.required_form`)."""
    if judgement.decision is Decision.EQUIVALENT and how.question:
        missing = form_problem(a, b, how.question)
        if missing is not None:
            return different(f"equal in value, but not in {missing}, which the question asks for")
    return judgement


def compare_number(a: str, b: str, how: Comparison) -> Judgement:
    """The ``number`` comparer: values within the case's tolerance (relative, absolute or significant
    figures), units converted with pint (see :mod:`~judgeprobe.cases.answers.numeric`)."""
    return _in_form(compare_quantities(a, b, number_tolerance(how), how.limits), a, b, how)


_DEGREES = re.compile(r"^(.+?)\s*(?:°|\^\s*\{?\s*\\circ\s*\}?|\\degree)\s*$")
_CONSTANT_CLAUSE = re.compile(r",?\s*(?:where\s+|for\s+(?:any|some)\s+)?[A-Z]\s*(?:∈|\\in)\s*\S+\s*$")
"""``x^2 + C, C ∈ ℝ``: a clause declaring the arbitrary constant."""
_CONSTANT_NAME = re.compile(r"^(?:[A-Z]|[ck]|[A-Zck]_?\{?\d\}?)$")


def _degrees(text: str) -> str:
    """``45°`` as ``(45)*pi/180``: an angle in degrees read in radians."""
    m = _DEGREES.match(text.strip())
    return f"({m[1]})*pi/180" if m else text


def _rewritten(text: str, kind: AnswerKind) -> str:
    """Forms the parser does not read, rewritten (:mod:`~judgeprobe.cases.answers.math_words`)."""
    plain = normalize(text, kind=None)  # no $…$, \text{}, bold
    if kind is AnswerKind.INTERVAL:
        return absolute_inequality(plain) or text
    if kind is AnswerKind.TUPLE:
        return chain_list(plain) or dimensions(plain) or text
    return text


def _parsed(text: str, how: Comparison) -> Parsed:
    if how.kind is AnswerKind.INTERVAL and (pair := conjunction(text)) is not None:
        first, second = (parse_answer(part, kind=how.kind, limits=how.limits) for part in pair)
        if not (first.undecided or second.undecided) and all(
            isinstance(p.value, sympy.Set) for p in (first, second)
        ):
            return Parsed(sympy.Intersection(first.value, second.value), False, "parsed")
    text = _CONSTANT_CLAUSE.sub("", text) if how.kind is AnswerKind.EXPRESSION else text
    parsed = parse_answer(_rewritten(_degrees(text), how.kind), kind=how.kind, limits=how.limits)
    if parsed.undecided and parsed.prose and (means := named_set(text)) is not None:
        return parse_answer(means, kind=how.kind, limits=how.limits)  # "there are no real solutions"
    if parsed.undecided and parsed.prose:  # "the golden ratio φ": a constant by name
        reading = read_named(text, ("constants",))
        closed = {entry.means for _, entry in reading.entries}
        if len(closed) == 1 and None not in closed and not reading.rest and not reading.decimals:
            return parse_answer(str(next(iter(closed))), kind=how.kind, limits=how.limits)
    return parsed


def _renamed_constant(va: object, vb: object) -> sympy.Basic | None:
    """``x² + K`` for ``x² + C``: ``va`` with its one extra symbol renamed to ``vb``'s one extra symbol, when
    both look like arbitrary constants and both expressions share a variable the constant stands beside;
    ``None`` otherwise. Without a shared variable nothing marks the symbol as a constant of integration:
    renaming would make ``A`` equal ``B`` and ``2A`` equal ``2B`` (a multiple-choice letter read as an
    expression)."""
    if not (isinstance(va, sympy.Expr) and isinstance(vb, sympy.Expr)):
        return None
    only_a, only_b = va.free_symbols - vb.free_symbols, vb.free_symbols - va.free_symbols
    if len(only_a) != 1 or len(only_b) != 1 or not va.free_symbols & vb.free_symbols:
        return None
    (sa,), (sb,) = only_a, only_b
    if not (_CONSTANT_NAME.match(str(sa)) and _CONSTANT_NAME.match(str(sb))):
        return None
    return va.subs(sa, sb)


def _named_constant(value: object, text: str, other: object) -> object:
    """``φ`` or ``γ`` alone, against a number: the constant's closed form (from the constants table), not a
    variable."""
    if not (isinstance(value, sympy.Symbol) and isinstance(other, sympy.Expr) and not other.free_symbols):
        return value
    reading = read_named(text, ("constants",))
    found = [entry.means or entry.value for _, entry in reading.entries if entry.means or entry.value]
    if len(found) != 1 or found[0] is None:
        return value
    parsed = parse_answer(found[0], kind=AnswerKind.EXPRESSION)  # the closed form, else 50 digits
    return value if parsed.undecided else parsed.value


def compare_math(a: str, b: str, how: Comparison) -> Judgement:
    """The comparer of ``expression``, ``set``, ``tuple`` and ``interval``: both parsed with the kind's
    shape rules, then compared as values. An angle in degrees is read in radians, a constant named in
    words by its value; an arbitrary constant may be named differently (``+ K`` for ``+ C``); an equal
    expression not in the form the question asks for is a different answer."""
    pa, pb = _parsed(a, how), _parsed(b, how)
    failed = _unparsed(pa, pb, a, b)
    if failed is not None:
        return failed
    va, vb = _named_constant(pa.value, a, pb.value), _named_constant(pb.value, b, pa.value)
    judgement = _compare(va, vb, how.tolerance, how.limits)
    if (
        judgement.decision is Decision.DIFFERENT
        and (renamed := _renamed_constant(pa.value, pb.value)) is not None
    ):
        again = _compare(renamed, pb.value, how.tolerance, how.limits)
        if again.decision is Decision.EQUIVALENT:
            judgement = Judgement(
                again.decision, f"{again.reason} (the arbitrary constant named differently)"
            )
    return _in_form(judgement, a, b, how)


def _hedged_set(raw: str) -> bool:
    """``x = 2 or x = -1`` lists the solutions; other hedges as usual."""
    return not _SOLUTIONS.fullmatch(raw) and hedged_by_words(raw)


def _hedged_interval(raw: str) -> bool:
    """``x < -2 or x > 2`` is a union of intervals, not a hedge."""
    pieces = _OR.split(raw)
    if len(pieces) > 1 and all(_INEQUALITY.search(piece) for piece in pieces):
        return False
    return hedged_by_words(raw)


_VALUE = Folding(math_symbols=True, math_spacing=True, value_prefixes=True)
_SHAPE = Folding(math_symbols=True, math_spacing=True)

NUMBER = register_kind(
    KindSpec(
        name="number",
        description="A real number, possibly with a unit, percent sign or scientific notation; compared "
        "with a tolerance.",
        folding=_VALUE,
        compare=compare_number,
        hedged=hedged_number,
        forms=math_forms,
        render=render_math,
        route=Route.MATH,
        tolerance=True,
        notation=Notation(same_meaning=same_numeral),
        origin="shipped",
    )
)
EXPRESSION = register_kind(
    KindSpec(
        name="expression",
        description="A symbolic expression; compared by symbolic equivalence through the safe parser.",
        folding=_VALUE,
        compare=compare_math,
        hedged=hedged_by_words,
        forms=math_forms,
        render=render_math,
        route=Route.MATH,
        respace=True,
        notation=Notation(same_meaning=faithful_reader("expression"), arrange=arrange_terms),
        origin="shipped",
    )
)
SET = register_kind(
    KindSpec(
        name="set",
        description="An unordered collection: {1, 2} equals {2, 1}.",
        folding=_SHAPE,
        compare=compare_math,
        hedged=_hedged_set,
        forms=math_forms,
        render=render_math,
        route=Route.MATH,
        respace=True,
        notation=Notation(same_meaning=faithful_reader("set"), arrange=arrange_set),
        origin="shipped",
    )
)
TUPLE = register_kind(
    KindSpec(
        name="tuple",
        description="An ordered collection: (1, 2) differs from (2, 1).",
        folding=_SHAPE,
        compare=compare_math,
        hedged=hedged_by_words,
        forms=math_forms,
        render=render_math,
        route=Route.MATH,
        respace=True,
        notation=Notation(same_meaning=faithful_reader("tuple")),
        origin="shipped",
    )
)
INTERVAL = register_kind(
    KindSpec(
        name="interval",
        description="A real interval with open or closed ends, [0, 1).",
        folding=_SHAPE,
        compare=compare_math,
        hedged=_hedged_interval,
        forms=math_forms,
        render=render_math,
        route=Route.MATH,
        respace=True,
        notation=Notation(same_meaning=faithful_reader("interval"), arrange=arrange_union),
        origin="shipped",
    )
)
