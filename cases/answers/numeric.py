"""Comparing two numeric answers with units under a case's :class:`~judgeprobe.cases.answers.tolerance.
Tolerance`: the comparer of the ``number`` and ``decimal`` kinds.

The first answer is the one graded, the second the reference (significant figures are counted on the
first, in the unit it is written in: the reference is converted into that unit and rounded there). Units
are converted with pint (exact factors; a lone temperature affinely); units of different dimensions
differ; a bare number is read in the reference's unit (the question states it), and a unit on the answer
alone is compared by number only when it is dimensionless (``bytes``), otherwise undecided.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, localcontext

import sympy

from judgeprobe.cases.answers.budget import BudgetExceeded, Deadline, run_with_budget
from judgeprobe.cases.answers.compare import DEFAULT_RELATIVE_TOLERANCE, compare_values
from judgeprobe.cases.answers.judgement import Decision, Judgement, Uncacheable, different, same, undecided
from judgeprobe.cases.answers.limits import Limits
from judgeprobe.cases.answers.quantities import Unit, convert_factor, from_kelvin, to_kelvin
from judgeprobe.cases.answers.statements import states_a_value
from judgeprobe.cases.answers.tolerance import Tolerance, WrittenFigures, round_to_figures, written_figures
from judgeprobe.cases.answers.units import Quantity, read_quantity

__all__ = ["compare_quantities", "figures_of_reference"]


def _side(parsed_reason: str, which: str) -> str:
    return f"the {which} could not be read as a number ({parsed_reason})"


_PLUS_MINUS = re.compile(r"±|\\pm\b|\+/-|\+-(?=\d)")


def _unread(qa: Quantity, qb: Quantity) -> Judgement | None:
    if _PLUS_MINUS.search(qa.number) and not _PLUS_MINUS.search(qb.number):
        return different("two values (±) where one number is expected")
    for quantity in (qa, qb):
        if quantity.parsed.undecided and "budget" in quantity.parsed.reason:
            raise Uncacheable(undecided(quantity.parsed.reason))
    for this, other in ((qa, qb), (qb, qa)):
        if this.parsed.undecided and this.parsed.prose and not other.parsed.undecided:
            if states_a_value(this.number):  # "Foo 12 bar": a value among words the reader does not know
                which = "answer" if this is qa else "reference"
                return undecided(f"the {which} holds a value among words not read ({this.parsed.reason})")
            return different(f"not a numeric answer ({this.parsed.reason})")
    if qa.parsed.undecided:
        return undecided(_side(qa.parsed.reason, "answer"))
    if qb.parsed.undecided:
        return undecided(_side(qb.parsed.reason, "reference"))
    for quantity, other, which in ((qa, qb, "answer"), (qb, qa, "reference")):
        if quantity.unknown_unit and (
            other.unit is not None or (other.unknown_unit and other.unit_text != quantity.unit_text)
        ):
            return undecided(f"the {which}'s unit {quantity.unit_text!r} is not a unit this grader knows")
    for quantity, which in ((qa, "answer"), (qb, "reference")):
        if isinstance(quantity.parsed.value, (tuple, frozenset)):
            return different(f"several numbers given where one is expected (the {which})")
        if not isinstance(quantity.parsed.value, sympy.Expr):
            return undecided(f"the {which} is not a single number")
    return None


def _as_decimal(value: sympy.Expr) -> Decimal | None:
    if not value.is_real or value.is_infinite:
        return None
    try:
        text = str(sympy.N(value, 50))
        with localcontext() as ctx:
            ctx.prec = 60
            return Decimal(text)
    except (ValueError, TypeError, ArithmeticError):
        return None


def figures_of_reference(reference: str) -> int | None:
    """The significant figures the reference is written to (``0.5772`` -> 4), for the ``decimal`` kind."""
    quantity = read_quantity(reference)
    written = written_figures(quantity.number)
    return None if written is None else written.low


def _show(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if len(text) <= 24 else format(value, ".12g")


def _targets(reference: Decimal, figures: int) -> set[Decimal]:
    return {round_to_figures(reference, figures), round_to_figures(reference, figures, half_even=True)}


def _by_figures(
    written: WrittenFigures | None, value: Decimal, reference: Decimal, tol: Tolerance
) -> Judgement:
    """The significant-figures rule (see :mod:`~judgeprobe.cases.answers.tolerance`), in the answer's unit:
    the reference is converted into the unit the answer is written in, then rounded."""
    n = tol.figures
    assert n is not None
    targets = _targets(reference, n)
    shown = ", ".join(sorted({_show(t) for t in targets}))
    if written is None:
        if written is None and tol.more_figures == "reject":
            return different(f"an exact value where {n} significant figures were asked for")
        if round_to_figures(value, n) in targets or round_to_figures(value, n, half_even=True) in targets:
            return same(f"rounds to {shown} at {n} significant figures")
        return different(f"does not round to {shown} at {n} significant figures")
    if written.low <= n <= written.high:
        if value in targets:
            return same(f"equals the reference rounded to {n} significant figures ({shown})")
        return different(f"{n} significant figures but not the reference's ({_show(value)} vs {shown})")
    if written.low > n:
        if tol.more_figures == "reject":
            return different(f"{written.low} significant figures where {n} were asked for")
        if round_to_figures(value, n) in targets or round_to_figures(value, n, half_even=True) in targets:
            return same(f"more figures than asked ({written.low}), rounding to {shown}")
        return different(f"more figures than asked ({written.low}), not rounding to {shown}")
    if tol.fewer_figures == "reject":
        return different(f"{written.high} significant figures where {n} were asked for")
    if value in _targets(reference, written.high):
        return same(f"fewer figures than asked ({written.high}), equal to the reference rounded to them")
    return different(f"fewer figures than asked ({written.high}), not the reference rounded to them")


def _by_tolerance(va: sympy.Expr, vb: sympy.Expr, tol: Tolerance | None, limits: Limits) -> Judgement:
    relative = DEFAULT_RELATIVE_TOLERANCE if tol is None or tol.relative is None else tol.relative
    if tol is not None and tol.relative is None and tol.absolute is not None:
        relative = 0.0
    if tol is not None and tol.absolute is not None:
        diff = _as_decimal(sympy.Abs(va - vb))
        if diff is not None and diff <= Decimal(repr(tol.absolute)):
            return same(f"within the absolute tolerance {tol.absolute:g}")
    deadline = Deadline(limits.time_budget_s)
    if isinstance(va, sympy.Rational) and isinstance(vb, sympy.Rational):
        return compare_values(va, vb, tolerance=relative, deadline=deadline)
    try:
        return run_with_budget(
            lambda: compare_values(va, vb, tolerance=relative, deadline=deadline),
            seconds=limits.time_budget_s,
        )
    except BudgetExceeded as exc:
        raise Uncacheable(undecided(f"comparison budget exceeded: {exc}")) from None
    except (ValueError, TypeError, ArithmeticError, RecursionError) as exc:
        return undecided(f"comparison failed ({type(exc).__name__})")


@dataclass(frozen=True, slots=True)
class _Converted:
    answer: sympy.Expr
    """The answer's value in the reference's unit (for tolerances)."""
    reference: sympy.Expr
    """The reference's value in the answer's unit (for significant figures, counted where written)."""
    note: str
    """What was converted, for the reason."""


def _converted(qa: Quantity, qb: Quantity) -> _Converted | Judgement:
    """Both values in each other's unit, or the judgement when the units cannot be reconciled."""
    va, vb = qa.parsed.value, qb.parsed.value
    assert isinstance(va, sympy.Expr) and isinstance(vb, sympy.Expr)
    if qa.unit == qb.unit:
        return _Converted(va, vb, f" (same unit {qb.unit_text})" if qb.unit is not None else "")
    if qa.unit is None:
        return _Converted(va, vb, f" (a bare number, read in the reference's unit {qb.unit_text})")
    if qb.unit is None:
        if convert_factor(qa.unit, Unit(())) is not False:  # bytes, items: a count, compared as written
            return _Converted(va, vb, f" (the answer's unit {qa.unit_text} is a count)")
        return undecided(f"the answer gives a unit ({qa.unit_text}) and the reference none")
    note = f" (converted {qa.unit_text} and {qb.unit_text})"
    if qa.unit.lone_offset or qb.unit.lone_offset:
        ka, kb = to_kelvin(va, qa.unit), to_kelvin(vb, qb.unit)
        answer = None if ka is None else from_kelvin(ka, qb.unit)
        reference = None if kb is None else from_kelvin(kb, qa.unit)
        if answer is None or reference is None:
            return different(f"units of different dimensions ({qa.unit_text} vs {qb.unit_text})")
        return _Converted(answer, reference, note)
    factor = convert_factor(qa.unit, qb.unit)
    if factor is False:
        return different(f"units of different dimensions ({qa.unit_text} vs {qb.unit_text})")
    if factor is None or factor is True or factor == 0:
        return undecided(f"cannot convert {qa.unit_text} to {qb.unit_text}")
    return _Converted(va * factor, vb / factor, note)


def compare_quantities(
    answer: str, reference: str, tolerance: Tolerance | None, limits: Limits, *, implied_figures: bool = False
) -> Judgement:
    """Compare a numeric answer with the reference under ``tolerance``.

    Args:
        answer: The answer graded (figures are counted on it).
        reference: The reference.
        tolerance: The case's tolerance (``None``: a relative 1e-6).
        limits: Parser and time limits.
        implied_figures: With no ``figures`` in ``tolerance``, use the figures the reference is written to
            (the ``decimal`` kind).
    """
    qa, qb = read_quantity(answer, limits=limits), read_quantity(reference, limits=limits)
    failed = _unread(qa, qb)
    if failed is not None:
        return failed
    converted = _converted(qa, qb)
    if isinstance(converted, Judgement):
        return converted
    value, note = converted.answer, converted.note
    vb = qb.parsed.value
    assert isinstance(vb, sympy.Expr)
    tol = tolerance
    if implied_figures and (tol is None or tol.figures is None):
        figures = figures_of_reference(reference)
        if figures is not None:
            tol = Tolerance(relative=None if tol is None else tol.relative,
                            absolute=None if tol is None else tol.absolute, figures=figures)  # fmt: skip
    if tol is not None and tol.figures is not None:
        va = qa.parsed.value
        assert isinstance(va, sympy.Expr)
        da, db = _as_decimal(va), _as_decimal(converted.reference)
        if da is None or db is None:
            return undecided("a significant-figures comparison needs two real numbers")
        judgement = _by_figures(written_figures(qa.number), da, db, tol)
        if judgement.decision is Decision.DIFFERENT and (
            tol.relative is not None or tol.absolute is not None
        ):
            loose = _by_tolerance(value, vb, tol, limits)
            if loose.decision is Decision.EQUIVALENT:
                return Judgement(loose.decision, loose.reason + note)
        return Judgement(judgement.decision, judgement.reason + note)
    judgement = _by_tolerance(value, vb, tol, limits)
    return Judgement(judgement.decision, judgement.reason + note)
