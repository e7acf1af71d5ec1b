"""Comparison of parsed math values: numbers with a tolerance, expressions symbolically and at random
points, and collections (tuples ordered, sets unordered, intervals with their open/closed ends).

Expression equivalence runs, in order: the symbolic difference (0 means equivalent); a numeric spot-check
at fixed pseudo-random points (a difference beyond the tolerance means different); ``expand`` and then
``simplify`` of the difference under the time budget (0 means equivalent). When the spot-check agrees at
every point but no symbolic step reaches 0 within the budget, the expressions are judged equivalent *on
numeric evidence*, and the reason says so.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from fractions import Fraction

import mpmath  # type: ignore[import-untyped]
import sympy

from judgeprobe.cases.answers.budget import BudgetExceeded, Deadline, run_with_budget
from judgeprobe.cases.answers.judgement import Decision, Judgement, different, same, undecided

__all__ = [
    "DEFAULT_ABSOLUTE_TOLERANCE",
    "DEFAULT_EXPRESSION_TOLERANCE",
    "DEFAULT_RELATIVE_TOLERANCE",
    "compare_values",
    "numbers_close",
]

DEFAULT_RELATIVE_TOLERANCE = 1e-6
"""Two numbers are equivalent when ``|a - b| <= 1e-6 * max(|a|, |b|)`` (or both within the absolute
tolerance of zero). A case may set its own ``tolerance``."""
DEFAULT_ABSOLUTE_TOLERANCE = 1e-20
"""Evaluated (not exact) values this close to each other are equal whatever their size: the noise floor of
30-digit evaluation, so ``sin(pi)`` evaluated is 0. Exact rationals are compared by relative tolerance
only, so ``9.11e-31`` and ``9.11e-30`` differ."""
DEFAULT_EXPRESSION_TOLERANCE = 1e-9
"""Relative tolerance of the numeric spot-check of two expressions (tight: rounding noise only)."""

_PRECISION = 30
_BITS = 110
_POINTS = 6
_ATTEMPTS = 16
_MAX_OPS_EXPAND = 400
_MAX_OPS_SIMPLIFY = 120
_MAX_EXPAND_POWER = 40


def _as_mp(value: sympy.Basic) -> mpmath.mpf | mpmath.mpc | None:
    """A finite mpmath number for a symbol-free sympy number, else ``None``."""
    if value.has(sympy.oo, -sympy.oo, sympy.zoo, sympy.nan):
        return None
    try:
        number = value.evalf(_PRECISION)
        converted = number._to_mpmath(_BITS)
    except (ValueError, TypeError, AttributeError, ArithmeticError):
        return None
    return converted if mpmath.isfinite(converted) else None


def numbers_close(a: sympy.Basic, b: sympy.Basic, *, tolerance: float) -> bool | None:
    """Whether two symbol-free numbers agree within ``tolerance``; ``None`` when one cannot be evaluated.

    Infinities are equal only to themselves.
    """
    if a == b:
        return True
    if isinstance(a, sympy.Rational) and isinstance(b, sympy.Rational):
        fa, fb = Fraction(int(a.p), int(a.q)), Fraction(int(b.p), int(b.q))
        diff, scale = abs(fa - fb), max(abs(fa), abs(fb))
        return diff <= Fraction(tolerance) * scale
    infinite = [v.is_infinite for v in (a, b)]
    if any(infinite):
        return False if not all(infinite) else None
    x, y = _as_mp(a), _as_mp(b)
    if x is None or y is None:
        return None
    with mpmath.workprec(_BITS):
        diff = abs(x - y)
        scale = max(abs(x), abs(y))
        return bool(diff <= DEFAULT_ABSOLUTE_TOLERANCE or diff <= tolerance * scale)


def _cheap_to_expand(expr: sympy.Basic) -> bool:
    if sympy.count_ops(expr) > _MAX_OPS_EXPAND:
        return False
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Pow) and isinstance(node.base, sympy.Add):
            exponent = node.exp
            if isinstance(exponent, sympy.Integer) and abs(exponent) > _MAX_EXPAND_POWER:
                return False
    return True


def _points(symbols: Sequence[sympy.Symbol]) -> list[dict[sympy.Symbol, sympy.Rational]]:
    rng = random.Random(20240521)  # fixed: the same points on every machine and run
    return [{s: sympy.Rational(rng.randint(-3000, 3000), 997) for s in symbols} for _ in range(_ATTEMPTS)]


def _spot_check(a: sympy.Expr, b: sympy.Expr, tolerance: float) -> tuple[int, str | None]:
    """(points where both sides agree, description of a disagreeing point or None)."""
    symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
    agreed = 0
    for point in _points(symbols):
        try:
            x = a.evalf(_PRECISION, subs=point)
            y = b.evalf(_PRECISION, subs=point)
        except (ValueError, TypeError, ArithmeticError):
            continue
        if (
            not (x.is_number and y.is_number)
            or x.has(sympy.zoo, sympy.nan, sympy.oo)
            or y.has(sympy.zoo, sympy.nan, sympy.oo)
        ):
            continue
        close = numbers_close(x, y, tolerance=tolerance)
        if close is None:
            continue
        if not close:
            where = ", ".join(f"{s}={v}" for s, v in point.items())
            return agreed, f"values differ at {where}: {sympy.N(x, 8)} vs {sympy.N(y, 8)}"
        agreed += 1
        if agreed >= _POINTS:
            break
    return agreed, None


def _symbolic_zero(diff: sympy.Basic, deadline: Deadline) -> str | None:
    """A reason when ``diff`` is shown to be 0 within the budget, else None."""
    if not _cheap_to_expand(diff):
        return None  # simplify would expand the same large powers, past any budget
    if sympy.expand(diff) == 0:
        return "symbolic difference expands to 0"
    if sympy.count_ops(diff) > _MAX_OPS_SIMPLIFY:
        return None
    try:
        zero = run_with_budget(lambda: sympy.simplify(diff) == 0, seconds=deadline.remaining())
    except BudgetExceeded:
        return None
    return "symbolic difference simplifies to 0" if zero else None


def _show(value: sympy.Basic) -> str:
    if (
        isinstance(value, sympy.Rational)
        and int(value.p).bit_length() < 900
        and int(value.q).bit_length() < 900
    ):
        return format(float(value), ".10g")
    return str(sympy.N(value, 10))


def _compare_expressions(
    a: sympy.Expr, b: sympy.Expr, tolerance: float | None, deadline: Deadline
) -> Judgement:
    if a == b:
        return same("identical expressions")
    if not (a.free_symbols or b.free_symbols):
        close = numbers_close(a, b, tolerance=DEFAULT_RELATIVE_TOLERANCE if tolerance is None else tolerance)
        if close is None:
            return undecided("cannot evaluate the numbers")
        return (
            same("numbers agree within tolerance")
            if close
            else different(f"numbers differ: {_show(a)} vs {_show(b)}")
        )
    diff = a - b
    if diff == 0:
        return same("symbolic difference is 0")
    agreed, disagreement = _spot_check(a, b, DEFAULT_EXPRESSION_TOLERANCE if tolerance is None else tolerance)
    if disagreement is not None:
        return different(disagreement)
    proof = _symbolic_zero(diff, deadline)
    if proof is not None:
        return same(proof)
    if agreed >= _POINTS:
        return same(f"equal at {agreed} random points (no symbolic proof within the budget)")
    return undecided(f"could not evaluate the expressions at enough points ({agreed}) and no symbolic proof")


def _interval_ends(value: sympy.Set) -> list[tuple[sympy.Basic, sympy.Basic, bool, bool]] | None:
    pieces = value.args if isinstance(value, sympy.Union) else (value,)
    ends = []
    for piece in pieces:
        if not isinstance(piece, sympy.Interval):
            return None
        ends.append((piece.start, piece.end, bool(piece.left_open), bool(piece.right_open)))
    return sorted(ends, key=lambda e: (float(sympy.N(e[0])), float(sympy.N(e[1]))))


def _compare_sets(a: sympy.Set, b: sympy.Set, tolerance: float | None) -> Judgement:
    if (a is sympy.S.EmptySet) != (b is sympy.S.EmptySet):
        return different("the empty set vs a non-empty set")
    ea, eb = _interval_ends(a), _interval_ends(b)
    if ea is None or eb is None:
        return same("equal sets") if a == b else undecided("cannot compare these sets")
    if len(ea) != len(eb):
        return different(f"{len(ea)} intervals vs {len(eb)}")
    tol = DEFAULT_RELATIVE_TOLERANCE if tolerance is None else tolerance
    for (s1, e1, lo1, ro1), (s2, e2, lo2, ro2) in zip(ea, eb, strict=True):
        if not (numbers_close(s1, s2, tolerance=tol) and numbers_close(e1, e2, tolerance=tol)):
            return different(f"interval ends differ: ({s1}, {e1}) vs ({s2}, {e2})")
        if (lo1, ro1) != (lo2, ro2):
            return different("interval ends differ in being open or closed")
    return same("same intervals")


def _kind(value: object) -> str:
    if isinstance(value, tuple):
        return "a tuple"
    if isinstance(value, frozenset):
        return "a set"
    if isinstance(value, sympy.Set):
        return "an interval"
    return "an expression"


def _match_all(left: frozenset[object], right: frozenset[object], tolerance: float | None,
               deadline: Deadline) -> Judgement:  # fmt: skip
    for x in left:
        outcomes = [compare_values(x, y, tolerance=tolerance, deadline=deadline).decision for y in right]
        if Decision.EQUIVALENT in outcomes:
            continue
        if Decision.UNDECIDED in outcomes:
            return undecided(f"cannot tell whether {x} is in the other set")
        return different(f"{x} has no match in the other set")
    return same("sets have the same elements")


def compare_values(a: object, b: object, *, tolerance: float | None, deadline: Deadline) -> Judgement:
    """Compare two parsed values (see :class:`judgeprobe.cases.answers.safe_math.Parsed`)."""
    if deadline.expired():
        return undecided("comparison budget exceeded")
    if isinstance(a, tuple) and isinstance(b, tuple):
        if len(a) != len(b):
            return different(f"{len(a)} entries vs {len(b)}")
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            sub = compare_values(x, y, tolerance=tolerance, deadline=deadline)
            if sub.decision is not Decision.EQUIVALENT:
                return Judgement(sub.decision, f"entry {i + 1}: {sub.reason}")
        return same("same entries in the same order")
    if isinstance(a, frozenset) and isinstance(b, frozenset):
        forward = _match_all(a, b, tolerance, deadline)
        if forward.decision is not Decision.EQUIVALENT:
            return forward
        return _match_all(b, a, tolerance, deadline)
    if isinstance(a, sympy.Set) and isinstance(b, sympy.Set):
        return _compare_sets(a, b, tolerance)
    if isinstance(a, sympy.Expr) and isinstance(b, sympy.Expr):
        return _compare_expressions(a, b, tolerance, deadline)
    return different(f"{_kind(a)} vs {_kind(b)}")
