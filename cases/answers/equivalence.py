"""Equivalence of two answers under an answer kind: the one function graders and probes both use.

Every kind first compares the normalised strings (identical means equivalent) and refuses hedged answers
(``3 or 4``, ``either A or B``: different from any single answer). Then, by kind:

- ``number``: parse both (fractions, decimals, percent, scientific notation, LaTeX, thousands separators);
  equal within :data:`DEFAULT_RELATIVE_TOLERANCE`. A trailing unit is split off; the same unit on both
  sides is compared by number, different units or a unit on one side only are undecided (no conversion).
- ``expression``: symbolic difference, numeric spot-check, expand/simplify under the time budget.
- ``set`` (unordered), ``tuple`` (ordered), ``interval`` (open/closed ends, unions, inequalities).
- ``multiple_choice``: the letter each answer picks (see :mod:`judgeprobe.cases.answers.choices`).
- ``group``, ``complexity_class``, ``chemistry``, ``date``, ``boolean``: canonical notation forms.
- ``text``: normalised string equality (case, whitespace, leading article, trailing punctuation).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

import sympy

from judgeprobe.cases.answers.booleans import HEDGED, canonical_boolean
from judgeprobe.cases.answers.budget import BudgetExceeded, Deadline, run_with_budget
from judgeprobe.cases.answers.chemistry import canonical_species
from judgeprobe.cases.answers.choices import Choices, freeze_choices, pick_letter
from judgeprobe.cases.answers.compare import DEFAULT_RELATIVE_TOLERANCE, compare_values
from judgeprobe.cases.answers.complexity import canonical_class
from judgeprobe.cases.answers.dates import AMBIGUOUS, canonical_when
from judgeprobe.cases.answers.groups import canonical_group
from judgeprobe.cases.answers.judgement import Decision, Judgement, different, same, undecided
from judgeprobe.cases.answers.limits import DEFAULT_LIMITS, Limits
from judgeprobe.cases.answers.normalize import kind_of, normalize
from judgeprobe.cases.answers.numwords import words_to_number
from judgeprobe.cases.answers.safe_math import Parsed, parse_answer
from judgeprobe.cases.answers.units import TEMPERATURES, canonical_unit, kelvin, split_unit, to_si
from judgeprobe.cases.models import AnswerKind

__all__ = ["DEFAULT_RELATIVE_TOLERANCE", "equivalent", "is_hedged", "number_and_unit"]

_HEDGE_WORDS = re.compile(r"(?:^|[\s,(])(?:or|either|and/or|maybe|perhaps)(?=$|[\s,)])", re.IGNORECASE)
_AND = re.compile(r"(?:^|\s)and(?=\s)", re.IGNORECASE)
_NOT_HEDGE_CHECKED = (AnswerKind.TEXT, AnswerKind.MULTIPLE_CHOICE, AnswerKind.BOOLEAN, AnswerKind.CHEMISTRY)


class _Uncacheable(Exception):
    """Carries a judgement that depends on timing (a budget ran out), so it must not be cached."""

    def __init__(self, judgement: Judgement) -> None:
        super().__init__(judgement.reason)
        self.judgement = judgement


def is_hedged(text: str, *, kind: AnswerKind | str) -> bool:
    """True when ``text`` offers several candidates (``3 or 4``, ``either x or y``; numbers: ``2 and 3``)."""
    resolved = kind_of(kind)
    raw = str(text)[:2000]
    if resolved in _NOT_HEDGE_CHECKED or words_to_number(raw) is not None:
        return False
    if resolved is AnswerKind.SET and re.fullmatch(r"\s*([A-Za-z])\s*=[^=]+?(?:\s+or\s+\1\s*=[^=]+?)+", raw):
        return False  # "x = 2 or x = -1" lists the solutions
    if resolved is AnswerKind.INTERVAL:  # "x < -2 or x > 2" is a union, not a hedge
        pieces = re.split(r"\s+or\s+", raw)
        if len(pieces) > 1 and all(re.search(r"[<>≤≥]|\\[lg]eq?", piece) for piece in pieces):
            return False
    if _HEDGE_WORDS.search(raw):
        return True
    return resolved is AnswerKind.NUMBER and bool(_AND.search(raw))


def _budget_reason(parsed: Parsed) -> bool:
    return "budget" in parsed.reason


def _parse_pair(a: str, b: str, kind: AnswerKind, limits: Limits) -> tuple[Parsed, Parsed]:
    pa, pb = parse_answer(a, kind=kind, limits=limits), parse_answer(b, kind=kind, limits=limits)
    for parsed in (pa, pb):
        if parsed.undecided and _budget_reason(parsed):
            raise _Uncacheable(undecided(parsed.reason))
    return pa, pb


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
        raise _Uncacheable(undecided(f"comparison budget exceeded: {exc}")) from None
    except (ValueError, TypeError, ArithmeticError, RecursionError) as exc:
        return undecided(f"comparison failed ({type(exc).__name__})")


def number_and_unit(text: str, *, limits: Limits = DEFAULT_LIMITS) -> tuple[Parsed, str | None]:
    """A numeric answer and its trailing unit as written (``9.8 m/s^2`` -> 9.8 and ``m/s^2``).

    The whole text is tried as a number first; then the rightmost split whose number part is a
    symbol-free number. The unit is ``None`` when there is none.
    """
    whole = parse_answer(text, kind=AnswerKind.NUMBER, limits=limits)
    if not whole.undecided and isinstance(whole.value, sympy.Expr) and not whole.value.free_symbols:
        return whole, None
    for number, unit in split_unit(normalize(text, kind=AnswerKind.NUMBER)):
        parsed = parse_answer(number, kind=AnswerKind.NUMBER, limits=limits)
        if not parsed.undecided and not getattr(parsed.value, "free_symbols", True):
            return parsed, unit
    return whole, None


def _number_with_unit(text: str, limits: Limits) -> tuple[Parsed, str | None]:
    parsed, unit = number_and_unit(text, limits=limits)
    return parsed, None if unit is None else canonical_unit(unit)


def _unparsed(pa: Parsed, pb: Parsed) -> Judgement | None:
    """The judgement when a side did not parse: a budget run-out is uncacheable; words against a parsed
    math answer are a different (non-)answer; anything else is undecided."""
    for parsed in (pa, pb):
        if parsed.undecided and _budget_reason(parsed):
            raise _Uncacheable(undecided(parsed.reason))
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


def _number(a: str, b: str, tolerance: float | None, limits: Limits) -> Judgement:
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


def _math(a: str, b: str, kind: AnswerKind, tolerance: float | None, limits: Limits) -> Judgement:
    pa, pb = _parse_pair(a, b, kind, limits)
    failed = _unparsed(pa, pb)
    if failed is not None:
        return failed
    return _compare(pa.value, pb.value, tolerance, limits)


def _canonical(a: str, b: str, canon: Callable[[str], object], what: str) -> Judgement:
    ca, cb = canon(a), canon(b)
    if ca is None or cb is None:
        unread = a if ca is None else b
        return different(f"{unread[:40]!r} is not read as a {what}")
    if ca == cb:
        return same(f"same {what} ({ca})")
    return different(f"different {what}s ({ca} vs {cb})")


def _group(a: str, b: str) -> Judgement:
    ga, gb = canonical_group(a), canonical_group(b)
    if ga is not None and gb is not None:
        return (
            same(f"same group decomposition {ga}")
            if ga == gb
            else different(f"different groups {ga} vs {gb}")
        )
    if normalize(a, kind=AnswerKind.GROUP) == normalize(b, kind=AnswerKind.GROUP):
        return same("identical notation after normalisation")
    return different("notation differs after normalisation (not read as a group decomposition)")


def _date(a: str, b: str) -> Judgement:
    wa, wb = canonical_when(a), canonical_when(b)
    if wa is AMBIGUOUS or wb is AMBIGUOUS:
        return undecided("a numeric date reads differently in month/day and day/month order")
    if wa is not None and wb is not None and (wa.year is None) != (wb.year is None):
        day_only, dated = (wa, wb) if wa.year is None else (wb, wa)
        if day_only.weekday is not None and day_only.hour is None and dated.weekday is not None:
            if day_only.weekday == dated.weekday:
                return same(f"same weekday ({day_only})")
            return different(f"different weekdays ({day_only} vs {dated})")
    return _canonical(a, b, canonical_when, "date/time")


def _boolean(a: str, b: str) -> Judgement:
    ba, bb = canonical_boolean(a), canonical_boolean(b)
    if HEDGED in (ba, bb) and ba != bb:
        return different("hedged yes/no answer")
    return _canonical(a, b, canonical_boolean, "yes/no answer")


def _choice(a: str, b: str, choices: Choices | None) -> Judgement:
    pa, pb = pick_letter(a, choices), pick_letter(b, choices)
    if pa.letter is None or pb.letter is None:
        return different(pa.reason if pa.letter is None else pb.reason)
    if pa.letter == pb.letter:
        return same(f"both pick {pa.letter} ({pa.reason}; {pb.reason})")
    return different(f"{pa.letter} vs {pb.letter}")


def _text_key(text: str) -> str:
    key = normalize(text, kind=AnswerKind.TEXT)
    key = re.sub(r"^(?:the|a|an)\s+", "", key)
    return re.sub(r"\s+", " ", re.sub(r"[\"'`*_]", "", key)).strip(" .")


@lru_cache(maxsize=65536)
def _cached(a: str, b: str, kind: AnswerKind, choices: Choices | None, tolerance: float | None,
            limits: Limits) -> Judgement:  # fmt: skip
    longest = limits.max_length * (50 if kind is AnswerKind.TEXT else 1)
    if max(len(a), len(b)) > longest:
        return undecided(f"answer longer than {longest} characters")
    na, nb = normalize(a, kind=kind), normalize(b, kind=kind)
    if na == nb:
        return same("identical after normalisation") if na else same("both empty")
    if not na or not nb:
        return different("empty answer")
    ha, hb = is_hedged(a, kind=kind), is_hedged(b, kind=kind)
    if ha or hb:
        return different("hedged answer with several candidates")
    if kind is AnswerKind.NUMBER:
        return _number(a, b, tolerance, limits)
    if kind in (AnswerKind.EXPRESSION, AnswerKind.SET, AnswerKind.TUPLE, AnswerKind.INTERVAL):
        return _math(a, b, kind, tolerance, limits)
    if kind is AnswerKind.MULTIPLE_CHOICE:
        return _choice(a, b, choices)
    if kind is AnswerKind.GROUP:
        return _group(a, b)
    if kind is AnswerKind.COMPLEXITY_CLASS:
        return _canonical(a, b, canonical_class, "class name")
    if kind is AnswerKind.CHEMISTRY:
        return _canonical(a, b, canonical_species, "species")
    if kind is AnswerKind.DATE:
        return _date(a, b)
    if kind is AnswerKind.BOOLEAN:
        return _boolean(a, b)
    return same("same text") if _text_key(a) == _text_key(b) else different("different text")


def equivalent(
    a: str,
    b: str,
    *,
    kind: AnswerKind | str,
    choices: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
    tolerance: float | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Judgement:
    """Whether answers ``a`` and ``b`` name the same thing under ``kind``.

    Args:
        a: One answer (already extracted from any surrounding response).
        b: The other answer.
        kind: The answer kind (an :class:`AnswerKind` or its name).
        choices: Multiple choice only: letter -> choice text, or ``(letter, text)`` pairs.
        tolerance: Relative tolerance for numbers (default :data:`DEFAULT_RELATIVE_TOLERANCE`).
        limits: Parser and time limits.

    Returns:
        A :class:`Judgement`; never raises on bad answers (they are undecided or different, with a reason).
    """
    resolved = kind_of(kind)
    if resolved is None:
        return undecided(
            f"unknown answer kind {kind!r}; expected one of {', '.join(k.value for k in AnswerKind)}"
        )
    try:
        return _cached(str(a), str(b), resolved, freeze_choices(choices), tolerance, limits)
    except _Uncacheable as exc:
        return exc.judgement
