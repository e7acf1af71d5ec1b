"""The public :func:`grade` and :func:`equivalent`: the same functions as
:func:`judgeprobe.cases.answers.grading.grade` and :func:`judgeprobe.cases.answers.equivalence.equivalent`,
run in a grading worker process (:mod:`judgeprobe.cases.answers.isolation`).

These are the entry points that run sympy on untrusted text (a response, a judge's extracted answer), so
they are the ones isolated. A computation that misses its wall time, or kills its worker, is *undecided*
with the reason; nothing it did reaches the next computation. They run in the calling process instead when
isolation is off (``JUDGEPROBE_GRADER_WORKERS=0``), inside a worker, for an unknown kind (answered without
any computation), and for an answer-kind row that cannot be sent to a worker (one holding a lambda).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

from judgeprobe.cases.answers import equivalence, grading
from judgeprobe.cases.answers.choices import freeze_choices
from judgeprobe.cases.answers.isolation import Outcome, grader_pool, pool_unavailable
from judgeprobe.cases.answers.judgement import Decision, Judgement, undecided
from judgeprobe.cases.answers.kinds.registry import AnswerKind, KindSpec, kind_of, known_kinds
from judgeprobe.cases.answers.kinds.slots import Route
from judgeprobe.cases.answers.limits import DEFAULT_LIMITS, Limits
from judgeprobe.cases.answers.normalize import extract_final_answer
from judgeprobe.cases.answers.policy import DEFAULT_POLICY, Policy
from judgeprobe.cases.answers.rules import ChoiceConflict, ReferenceRules
from judgeprobe.cases.answers.tolerance import Tolerance

__all__ = ["MEMO_SIZE", "STEPS_PER_COMPARISON", "equivalent", "grade", "known_grading", "wall_time"]

STEPS_PER_COMPARISON = 3
"""Budgeted steps one comparison may take in the worst case: parsing each side, then comparing."""

MEMO_SIZE = 65536
"""Results kept in the calling process, so a repeated grading or comparison needs no worker."""

Choices = Mapping[str, str] | Sequence[tuple[str, str]] | None
T = TypeVar("T")


class _Pending:
    __slots__ = ("done", "value")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None


class _Memo:
    """Results by their inputs, least recently used dropped first (shared by every thread).

    Only decided results are kept: an undecided one may depend on timing (a budget ran out). The kind's
    row is part of every key, so a replaced row is never answered from the old one's results. A
    computation asked for while the same one is running waits for it rather than running twice (a base
    draw and its placebo draws are the same grading, and arrive together).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._pending: dict[tuple[Any, ...], _Pending] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Any:
        """The kept result for ``key``, or ``None``."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def compute(self, key: tuple[Any, ...], work: Callable[[], T]) -> T:
        """The kept result for ``key``, else the running computation's, else ``work()``'s (kept when
        decided)."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
                return cast(T, value)
            pending = self._pending.get(key)
            owner = pending is None
            if pending is None:
                pending = self._pending[key] = _Pending()
        if not owner:
            pending.done.wait()
            if pending.value is not None:
                return cast(T, pending.value)
            return work()  # the running computation raised: try on our own
        result = None
        try:
            result = work()
            return result
        finally:
            with self._lock:
                del self._pending[key]
                decided = isinstance(result, Judgement) and result.decision is not Decision.UNDECIDED
                if decided:
                    self._items[key] = result
                    if len(self._items) > self.size:
                        self._items.popitem(last=False)
            pending.value = result
            pending.done.set()


_GRADINGS = _Memo(MEMO_SIZE)
_JUDGEMENTS = _Memo(MEMO_SIZE)


def wall_time(limits: Limits, *, comparisons: int = 1) -> float:
    """The wall time of one isolated computation: every budgeted step of each comparison, plus a second.

    Inside the worker each step still has its own budget and falls back (undecided, or a numeric spot
    check) when it runs out, so an ordinary computation never comes near this; it stops one that holds
    on past every budget (work that never yields to the budget's thread, or a worker stuck in C code).
    """
    return limits.time_budget_s * STEPS_PER_COMPARISON * max(1, comparisons) + 1.0


def _rows() -> tuple[KindSpec, ...]:
    """Every row of the table: grading may read rows besides the case's own (``math`` parses as
    ``expression``, multiple choice through its row), so the worker must hold them as they are here."""
    return tuple(kind.spec for kind in known_kinds())


def _isolated(function: Any, args: tuple[Any, ...], kwargs: dict[str, Any], wall_s: float) -> Outcome:
    pool = grader_pool()
    if pool is None:
        return Outcome("unavailable", reason="grading in the calling process")
    try:
        return pool.call(function, args, kwargs, wall_s=wall_s, rows=_rows())
    except OSError as exc:  # no worker process can be started here
        pool_unavailable(str(exc))
        return Outcome("unavailable", reason=str(exc))


def grade(
    reference: str,
    response_text: str,
    *,
    kind: AnswerKind | str,
    choices: Choices = None,
    tolerance: float | Tolerance | None = None,
    aliases: Sequence[str] = (),
    route: Route | str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    choice_conflict: ChoiceConflict = "incorrect",
    rules: ReferenceRules | None = None,
    question: str = "",
    policy: Policy | str = DEFAULT_POLICY,
) -> grading.Grading:
    """Grade a whole response against a reference answer, in a grading worker.

    The final answer is taken from the response (:func:`~judgeprobe.cases.answers.extract_final_answer`);
    a response without one differs from the reference. The answer is then compared with the reference,
    and with each alias, by ``route`` (default: the kind's own route); it is equivalent when it matches
    any of them, undecided when no match was found but some comparison could not be decided (or the
    computation missed its :func:`wall_time`), and different otherwise.

    Args:
        reference: The reference answer.
        response_text: The whole response (reasoning and all).
        kind: The answer kind (an :class:`AnswerKind` or its name).
        choices: Multiple choice: letter -> choice text, or ``(letter, text)`` pairs.
        tolerance: The case's tolerance for numbers: relative, or a
            :class:`~judgeprobe.cases.answers.tolerance.Tolerance` (``None``: the kind's default).
        aliases: Other names of the reference that the case accepts (``Z_5`` for ``C_5``).
        route: Force a route (``exact``, ``math``, ``mc``, ``notation``) instead of the kind's.
        limits: Parser and time limits.
        choice_conflict: Multiple choice: the verdict when the letter and the choice text disagree.
        rules: The case's :class:`~judgeprobe.cases.answers.rules.ReferenceRules`; each rule set there
            replaces the argument of the same name.
        question: The question, when known (a yes/no answer in words is read against it).
        policy: ``semantic`` or ``strict`` (an equivalent answer must keep the reference's notation; see
            :mod:`~judgeprobe.cases.answers.policy`).

    Returns:
        A :class:`~judgeprobe.cases.answers.Grading`; never raises on bad answers (undecided or different,
        with a reason).
    """
    resolved = kind_of(kind)
    kwargs = _grade_kwargs(
        kind, resolved, choices, tolerance, aliases, route, limits, choice_conflict, rules, question, policy
    )
    args = (str(reference), str(response_text))
    if resolved is None:  # answered at once, with the list of known kinds
        return grading.grade(*args, **kwargs)
    key = _grade_key(args, resolved, kwargs)
    return _GRADINGS.compute(key, lambda: _grade_in_worker(args, kwargs, resolved, key[1]))


def _grade_in_worker(
    args: tuple[str, str], kwargs: dict[str, Any], resolved: AnswerKind, answer: str
) -> grading.Grading:
    rules: ReferenceRules | None = kwargs["rules"]
    aliases = len(kwargs["aliases"]) + (len(rules.aliases) if rules is not None else 0)
    wall_s = wall_time(kwargs["limits"], comparisons=1 + aliases)
    outcome = _isolated(grading.grade, args, kwargs, wall_s)
    if outcome.status == "ok":
        result: grading.Grading = outcome.value
        return result
    if outcome.status == "raised":
        raise outcome.value
    if outcome.status == "unavailable":
        return grading.grade(*args, **kwargs)
    route = kwargs["route"]
    how = resolved.spec.route if route is None else Route(route)
    return grading.Grading(Decision.UNDECIDED, f"grading stopped: {outcome.reason}", answer, how)


def known_grading(
    reference: str,
    response_text: str,
    *,
    kind: AnswerKind | str,
    choices: Choices = None,
    tolerance: float | Tolerance | None = None,
    aliases: Sequence[str] = (),
    route: Route | str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    choice_conflict: ChoiceConflict = "incorrect",
    rules: ReferenceRules | None = None,
    question: str = "",
    policy: Policy | str = DEFAULT_POLICY,
) -> grading.Grading | None:
    """What :func:`grade` would return, when it is already known in this process (else ``None``).

    Costs no worker and never blocks on one; an asynchronous caller checks here before it hands
    :func:`grade` to a thread.
    """
    resolved = kind_of(kind)
    if resolved is None:
        return None
    kwargs = _grade_kwargs(
        kind, resolved, choices, tolerance, aliases, route, limits, choice_conflict, rules, question, policy
    )
    found: grading.Grading | None = _GRADINGS.get(
        _grade_key((str(reference), str(response_text)), resolved, kwargs)
    )
    return found


def _grade_kwargs(
    kind: AnswerKind | str,
    resolved: AnswerKind | None,
    choices: Choices,
    tolerance: float | Tolerance | None,
    aliases: Sequence[str],
    route: Route | str | None,
    limits: Limits,
    choice_conflict: ChoiceConflict,
    rules: ReferenceRules | None,
    question: str,
    policy: Policy | str = DEFAULT_POLICY,
) -> dict[str, Any]:
    return {
        "kind": kind if resolved is None else str(resolved),
        "choices": freeze_choices(choices),
        "tolerance": _hashable_tolerance(tolerance),
        "aliases": tuple(str(alias) for alias in aliases),
        "route": None if route is None else str(route),
        "limits": limits,
        "choice_conflict": choice_conflict,
        "rules": rules,
        "question": str(question),
        "policy": Policy(policy),
    }


def _hashable_tolerance(tolerance: object) -> object:
    """A tolerance given as a case file's mapping becomes a :class:`Tolerance` (hashable, so results can be
    kept by it; a bad mapping raises here as the grader would); anything else is passed on as it is."""
    return Tolerance.of(tolerance) if isinstance(tolerance, Mapping) else tolerance


def _grade_key(args: tuple[str, str], resolved: AnswerKind, kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """A grading depends on the response only through its final answer, so that is the key (the
    extraction is linear-time text handling, done here)."""
    answer = extract_final_answer(args[1])
    return (args[0], answer, resolved.spec, *(kwargs[name] for name in sorted(kwargs)))


def equivalent(
    a: str,
    b: str,
    *,
    kind: AnswerKind | str,
    choices: Choices = None,
    tolerance: float | Tolerance | None = None,
    limits: Limits = DEFAULT_LIMITS,
    choice_conflict: ChoiceConflict = "incorrect",
    question: str = "",
) -> Judgement:
    """Whether answers ``a`` and ``b`` name the same thing under ``kind``, decided in a grading worker.

    Args:
        a: One answer (already extracted from any surrounding response).
        b: The other answer.
        kind: The answer kind (an :class:`AnswerKind` or its name).
        choices: Multiple choice only: letter -> choice text, or ``(letter, text)`` pairs.
        tolerance: The case's tolerance: a relative tolerance, or a
            :class:`~judgeprobe.cases.answers.tolerance.Tolerance`; default
            :data:`~judgeprobe.cases.answers.DEFAULT_RELATIVE_TOLERANCE`.
        limits: Parser and time limits.
        choice_conflict: Multiple choice: what an answer whose letter and text disagree gets.
        question: The question, when known: a yes/no answer in words is read against it.

    Returns:
        A :class:`~judgeprobe.cases.answers.Judgement`; never raises on bad answers (they are undecided
        or different, with a reason; a computation that missed its :func:`wall_time` is undecided).
    """
    resolved = kind_of(kind)
    args = (str(a), str(b))
    kwargs: dict[str, Any] = {
        "kind": kind if resolved is None else str(resolved),
        "choices": freeze_choices(choices),
        "tolerance": _hashable_tolerance(tolerance),
        "limits": limits,
        "choice_conflict": choice_conflict,
        "question": str(question),
    }
    if resolved is None:
        return equivalence.equivalent(*args, **kwargs)
    key = (
        *args,
        resolved.spec,
        kwargs["choices"],
        kwargs["tolerance"],
        limits,
        choice_conflict,
        kwargs["question"],
    )
    return _JUDGEMENTS.compute(key, lambda: _equivalent_in_worker(args, kwargs, limits))


def _equivalent_in_worker(args: tuple[str, str], kwargs: dict[str, Any], limits: Limits) -> Judgement:
    outcome = _isolated(equivalence.equivalent, args, kwargs, wall_time(limits))
    if outcome.status == "ok":
        result: Judgement = outcome.value
        return result
    if outcome.status == "raised":
        raise outcome.value
    if outcome.status == "unavailable":
        return equivalence.equivalent(*args, **kwargs)
    return undecided(f"comparison stopped: {outcome.reason}")
