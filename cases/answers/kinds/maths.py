"""The math kinds: ``number``, ``expression``, ``set``, ``tuple`` and ``interval``.

All five parse through the safe parser (:func:`~judgeprobe.cases.answers.safe_math.parse_answer`) with the
kind's shape rules and compare the values with sympy under the time budget
(:func:`~judgeprobe.cases.answers.compare.compare_values`):

- ``number``: equal within :data:`~judgeprobe.cases.answers.compare.DEFAULT_RELATIVE_TOLERANCE` (or the
  case's ``tolerance``). A trailing unit is split off; the same unit on both sides is compared by number,
  different units are converted through SI (temperatures through kelvin) or left undecided, and a unit on
  one side only is undecided.
- ``expression``: symbolic difference, numeric spot-check, expand/simplify.
- ``set`` (unordered), ``tuple`` (ordered), ``interval`` (open/closed ends, unions, inequalities).

Alternate forms and renderings are in :mod:`~judgeprobe.cases.answers.kinds.maths_forms`.
"""

from __future__ import annotations

import re

import sympy

from judgeprobe.cases.answers.budget import BudgetExceeded, Deadline, run_with_budget
from judgeprobe.cases.answers.compare import DEFAULT_RELATIVE_TOLERANCE, compare_values
from judgeprobe.cases.answers.hedges import hedged_by_words, hedged_number
from judgeprobe.cases.answers.judgement import Decision, Judgement, Uncacheable, different, undecided
from judgeprobe.cases.answers.kinds.maths_forms import math_forms, render_math
from judgeprobe.cases.answers.kinds.registry import Comparison, KindSpec, register_kind
from judgeprobe.cases.answers.kinds.slots import Folding, Route
from judgeprobe.cases.answers.limits import Limits
from judgeprobe.cases.answers.safe_math import Parsed, parse_answer
from judgeprobe.cases.answers.units import TEMPERATURES, canonical_unit, kelvin, number_and_unit, to_si

__all__ = ["EXPRESSION", "INTERVAL", "NUMBER", "SET", "TUPLE", "compare_math", "compare_number"]

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


def _number_with_unit(text: str, limits: Limits) -> tuple[Parsed, str | None]:
    parsed, unit = number_and_unit(text, limits=limits)
    return parsed, None if unit is None else canonical_unit(unit)


def _unparsed(pa: Parsed, pb: Parsed) -> Judgement | None:
    """The judgement when a side did not parse: a budget run-out is uncacheable; words against a parsed
    math answer are a different (non-)answer; anything else is undecided."""
    for parsed in (pa, pb):
        if parsed.undecided and _budget_reason(parsed):
            raise Uncacheable(undecided(parsed.reason))
    for this, other in ((pa, pb), (pb, pa)):
        if this.undecided and this.prose and not other.undecided:
            return different(f"not a math answer ({this.reason})")
    for parsed in (pa, pb):
        if parsed.undecided:
            return undecided(parsed.reason)
    return None


def _convert(va: object, ua: str, vb: object, ub: str, tolerance: float | None, limits: Limits) -> Judgement:
    """Compare two numbers in different units: converted through SI, or kelvin for lone temperatures."""
    if not (isinstance(va, sympy.Expr) and isinstance(vb, sympy.Expr)):
        return different("several numbers given where one is expected")
    if ua in TEMPERATURES and ub in TEMPERATURES:
        ka, kb = kelvin(va, ua), kelvin(vb, ub)
        judgement = _compare(ka, kb, DEFAULT_RELATIVE_TOLERANCE if tolerance is None else tolerance, limits)
        return Judgement(judgement.decision, f"{judgement.reason} (converted {ua} and {ub} to kelvin)")
    sa, sb = to_si(ua), to_si(ub)
    if sa is None or sb is None:
        return undecided(f"different units ({ua} vs {ub}) that this checker cannot convert")
    if sa[1] != sb[1]:
        return different(f"units of different dimensions ({ua} vs {ub})")
    tol = DEFAULT_RELATIVE_TOLERANCE if tolerance is None else tolerance
    judgement = _compare(va * sa[0], vb * sb[0], tol, limits)
    return Judgement(judgement.decision, f"{judgement.reason} (converted {ua} and {ub} to SI)")


def compare_number(a: str, b: str, how: Comparison) -> Judgement:
    """The ``number`` comparer: values within the tolerance, units split off and converted."""
    limits, tolerance = how.limits, how.tolerance
    (pa, ua), (pb, ub) = _number_with_unit(a, limits), _number_with_unit(b, limits)
    failed = _unparsed(pa, pb)
    if failed is not None:
        return failed
    if ua != ub:
        if ua and ub:
            return _convert(pa.value, ua, pb.value, ub, tolerance, limits)
        return undecided(f"only one side carries a unit ({ua or ub})")
    for value in (pa.value, pb.value):
        if isinstance(value, (tuple, frozenset)):
            return different("several numbers given where one is expected")
    judgement = _compare(pa.value, pb.value, DEFAULT_RELATIVE_TOLERANCE if tolerance is None else tolerance,
                         limits)  # fmt: skip
    if ua and judgement.decision is not Decision.UNDECIDED:
        return Judgement(judgement.decision, f"{judgement.reason} (same unit {ua})")
    return judgement


def compare_math(a: str, b: str, how: Comparison) -> Judgement:
    """The comparer of ``expression``, ``set``, ``tuple`` and ``interval``: both parsed with the kind's
    shape rules, then compared as values."""
    pa = parse_answer(a, kind=how.kind, limits=how.limits)
    pb = parse_answer(b, kind=how.kind, limits=how.limits)
    failed = _unparsed(pa, pb)
    if failed is not None:
        return failed
    return _compare(pa.value, pb.value, how.tolerance, how.limits)


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
        origin="shipped",
    )
)
