"""Grading one response against a reference: find the final answer, compare it by the kind's route.

This is the core of the ``builtin`` judges and of any "second opinion" on a judged result: it reads only
the reference, the response text, the answer kind, the choices and what the case asserts about its
reference (a tolerance, aliases) — never a response's label.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from judgeprobe.cases.answers.equivalence import equivalent
from judgeprobe.cases.answers.judgement import Decision, Judgement
from judgeprobe.cases.answers.kinds.registry import AnswerKind, kind_of, known_kinds
from judgeprobe.cases.answers.kinds.slots import Route
from judgeprobe.cases.answers.limits import DEFAULT_LIMITS, Limits
from judgeprobe.cases.answers.normalize import extract_final_answer, normalize
from judgeprobe.cases.answers.rules import ChoiceConflict, ReferenceRules
from judgeprobe.cases.answers.tolerance import Tolerance

__all__ = ["NO_ANSWER", "Grading", "grade"]

NO_ANSWER = "no final answer found in the response"
"""The reason given when a response states no recognisable answer (graded as a different answer)."""


@dataclass(frozen=True, slots=True)
class Grading(Judgement):
    """A :class:`Judgement` of a response against a reference, with what was compared and how."""

    answer: str
    """The final answer found in the response, as written (``""`` when none was found)."""
    route: Route | None
    """How the answer was compared (``None`` when no answer was found, so nothing was compared)."""


def _by_route(
    route: Route,
    answer: str,
    reference: str,
    kind: AnswerKind,
    choices: Mapping[str, str] | Sequence[tuple[str, str]] | None,
    tolerance: Tolerance | None,
    limits: Limits,
    conflict: ChoiceConflict,
    question: str,
) -> Judgement:
    if route is Route.EXACT:
        same = normalize(answer, kind=kind) == normalize(reference, kind=kind)
        return Judgement(
            Decision.EQUIVALENT if same else Decision.DIFFERENT,
            "normalised strings match" if same else "normalised strings differ",
        )
    if route is Route.MC:
        return equivalent(answer, reference, kind=AnswerKind.MULTIPLE_CHOICE, choices=choices, limits=limits,
                          choice_conflict=conflict)  # fmt: skip
    if route is Route.MATH:
        math_kind = kind if kind.spec.route is Route.MATH else AnswerKind.EXPRESSION
        return equivalent(answer, reference, kind=math_kind, tolerance=tolerance, limits=limits,
                          question=question)  # fmt: skip
    return equivalent(answer, reference, kind=kind, choices=choices, tolerance=tolerance, limits=limits,
                      choice_conflict=conflict, question=question)  # fmt: skip


def grade(
    reference: str,
    response_text: str,
    *,
    kind: AnswerKind | str,
    choices: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
    tolerance: float | Tolerance | None = None,
    aliases: Sequence[str] = (),
    route: Route | str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    choice_conflict: ChoiceConflict = "incorrect",
    rules: ReferenceRules | None = None,
    question: str = "",
) -> Grading:
    """Grade a whole response against a reference answer.

    The final answer is taken from the response (:func:`~judgeprobe.cases.answers.extract_final_answer`);
    a response without one differs from the reference. The answer is then compared with the reference,
    and with each alias, by ``route`` (default: the kind's own route); it is equivalent when it matches
    any of them, undecided when no match was found but some comparison could not be decided, and
    different otherwise.

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
        rules: The case's :class:`~judgeprobe.cases.answers.rules.ReferenceRules` (a request carries
            them); each rule set there replaces the argument of the same name.
        question: The question, when known (a yes/no answer in words is read against it).

    Returns:
        A :class:`Grading`; never raises on bad answers (undecided or different, with a reason).
    """
    if rules is not None:
        tolerance = rules.tolerance if rules.tolerance is not None else tolerance
        aliases = (*aliases, *rules.aliases)
        choice_conflict = rules.choice_conflict
    precision = Tolerance.of(tolerance)
    resolved = kind_of(kind)
    answer = extract_final_answer(response_text)
    if resolved is None:
        known = ", ".join(str(k) for k in known_kinds())
        return Grading(
            Decision.UNDECIDED, f"unknown answer kind {kind!r}; expected one of {known}", answer, None
        )
    if not normalize(answer, kind=resolved):
        return Grading(Decision.DIFFERENT, NO_ANSWER, answer, None)
    how = resolved.spec.route if route is None else Route(route)
    found = _by_route(how, answer, reference, resolved, choices, precision, limits, choice_conflict, question)
    if found.decision is not Decision.EQUIVALENT:
        unsure = found if found.decision is Decision.UNDECIDED else None
        for alias in aliases:
            other = _by_route(
                how, answer, alias, resolved, choices, precision, limits, choice_conflict, question
            )
            if other.decision is Decision.EQUIVALENT:
                return Grading(other.decision, f"{other.reason} (alias {alias!r})", answer, how)
            if unsure is None and other.decision is Decision.UNDECIDED:
                unsure = Judgement(other.decision, f"{other.reason} (alias {alias!r})")
        found = unsure or found
    return Grading(found.decision, found.reason, answer, how)
