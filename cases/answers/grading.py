"""Grading one response against a reference: find the final answer, compare it by the kind's route.

This is the core of the ``builtin`` judges and of any "second opinion" on a judged result: it reads only
the reference, the response text, the answer kind, the choices and what the case asserts about its
reference (a tolerance, aliases) — never a response's label.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from judgeprobe.cases.answers.choices import freeze_choices, pick_letter
from judgeprobe.cases.answers.equivalence import equivalent
from judgeprobe.cases.answers.judgement import Decision, Judgement
from judgeprobe.cases.answers.kinds.registry import AnswerKind, kind_of, known_kinds
from judgeprobe.cases.answers.kinds.slots import Choices, Route
from judgeprobe.cases.answers.limits import DEFAULT_LIMITS, Limits
from judgeprobe.cases.answers.normalize import extract_final_answer, normalize
from judgeprobe.cases.answers.policy import Policy
from judgeprobe.cases.answers.rewrites import keeps_notation
from judgeprobe.cases.answers.rules import ChoiceConflict, ReferenceRules
from judgeprobe.cases.answers.statements import Statement, is_clause, read_statement
from judgeprobe.cases.answers.tolerance import Tolerance

__all__ = ["NO_ANSWER", "Grading", "grade"]

NO_ANSWER = "no final answer found in the response"
"""The reason given when a response states no recognisable answer (graded as a different answer)."""
_HEAD = re.compile(r"\s+[—–]\s+|[,;:]\s|\s\(|\s+(?:because|since|as|which|so)\s", re.IGNORECASE)
_TAIL = re.compile(r"[:,]\s|\s(?:so|hence|thus|therefore)[,:]?\s|\s[=≈]\s", re.IGNORECASE)
"""Where a final answer's remarks begin (``No — 91 = 7 × 13``) or end (``…, so the answer is: yes``,
``π ≈ 3.14``): the strict policy checks the notation of the whole answer, of the part before the remarks,
of the part after them, or of the end of the part before the remarks (``0^0 = 1, the empty product``)."""


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


def _as_stated(
    statement: Statement,
    whole: Judgement,
    matched: str,
    against_all: Callable[[str], tuple[Judgement, str]],
    choices: Choices | None,
) -> tuple[Judgement, str]:
    """The verdict on the answer a sentence states, given the verdict on the whole sentence.

    A whole read as equivalent stands unless the sentence rejects what matched (``It is not 12``,
    ``13, not 12``, ``12; that is wrong``: different) or states another answer after its lead-in (the two
    readings disagree: undecided). Otherwise the stated answer decides when it can be read (its verdict
    is the kind's on the answer alone); when it cannot, the verdict on the whole stands, as it does for a
    multiple-choice answer read as another choice when no lead-in was taken off (``C — Venus``: a letter
    and another choice's text, read together by the kind). A sentence that leaves several candidates
    open (``12, but it could be 13``) is undecided when one of them matches, different otherwise. An
    answer that is also named only to be rejected, that a restatement contradicts, that is itself a
    clause (``5 is wrong``), or (multiple choice) whose remark names another choice, is undecided; a
    sentence that only rejects states no answer (different)."""
    if statement.alternatives:
        return _open(statement, against_all)
    if whole.decision is Decision.EQUIVALENT:
        return _checked(statement, whole, matched, against_all)
    found, which = _stated_verdict(statement, whole, matched, against_all, choices)
    if found.decision is Decision.UNDECIDED and whole.decision is Decision.UNDECIDED:
        return whole, matched  # the first doubt is the one to report
    return found, which


def _open(statement: Statement, against_all: Callable[[str], tuple[Judgement, str]]) -> tuple[Judgement, str]:
    """A sentence that leaves several candidates open: undecided when one of them matches, else different."""
    named = (statement.answer, *statement.alternatives)
    listed = " and ".join(repr(name[:40]) for name in named)
    for name in named:
        found, which = against_all(name)
        if found.decision is not Decision.DIFFERENT:
            return Judgement(Decision.UNDECIDED, f"the sentence leaves {listed} open"), which
    return Judgement(Decision.DIFFERENT, f"the sentence leaves {listed} open, and none matches"), named[0]


def _checked(
    statement: Statement,
    whole: Judgement,
    matched: str,
    against_all: Callable[[str], tuple[Judgement, str]],
) -> tuple[Judgement, str]:
    """A whole read as equivalent, checked against what its sentence states."""
    said = f"{statement.answer[:60]!r}"
    if statement.negated:
        rejects = against_all(statement.answer)[0].equivalent
        if rejects and not against_all(f"not {statement.answer}")[0].equivalent:
            return Judgement(Decision.DIFFERENT, f"the sentence rejects {said}, which matches"), matched
        return whole, matched  # the kind reads the negation itself: "It is not false" answers "no"
    core = against_all(statement.answer)[0]
    if core.equivalent:
        return whole, matched
    for other in statement.rejected:
        if against_all(other)[0].equivalent:
            reason = f"the sentence rejects {other[:60]!r}, which matches"
            return Judgement(Decision.DIFFERENT, reason), matched
    if statement.lead and core.decision is Decision.DIFFERENT and not _unreadable(core):
        after = f"after {statement.lead[:40]!r}"
        reason = f"{whole.reason}, but the answer stated {after} is {said}, which differs"
        return Judgement(Decision.UNDECIDED, reason), matched
    return whole, matched


def _stated_verdict(
    statement: Statement,
    whole: Judgement,
    matched: str,
    against_all: Callable[[str], tuple[Judgement, str]],
    choices: Choices | None,
) -> tuple[Judgement, str]:
    said = f"{statement.answer[:60]!r}"
    if choices is not None and not statement.lead and whole.decision is Decision.DIFFERENT:
        picked = pick_letter(statement.answer, choices).letter
        if any(pick_letter(remark, choices).letter not in (None, picked) for remark in statement.remarks):
            return whole, matched  # "C — Venus": the kind read the letter and another choice's text
    if statement.negated:
        return Judgement(Decision.DIFFERENT, f"the sentence only rejects {said}; {NO_ANSWER}"), matched
    found, which = against_all(statement.answer)
    if found.decision is Decision.UNDECIDED:
        if whole.decision is Decision.DIFFERENT and not _unreadable(whole):
            return whole, matched
        return Judgement(Decision.UNDECIDED, f"stated answer {said}: {found.reason}"), which
    if found.decision is Decision.DIFFERENT:
        return Judgement(Decision.DIFFERENT, f"stated answer {said}: {found.reason}"), which
    if is_clause(statement.answer):
        return Judgement(Decision.UNDECIDED, f"the stated part {said} is a clause, not an answer"), which
    for other in statement.rejected:
        if against_all(other)[0].equivalent:
            reason = f"the sentence states {said} and rejects {other[:60]!r}, which also matches"
            return Judgement(Decision.UNDECIDED, reason), which
    for other in statement.restated:
        again = against_all(other)[0]
        if again.decision is Decision.DIFFERENT:
            reason = f"the sentence states {said} but restates it as {other[:60]!r}, which differs"
            return Judgement(Decision.UNDECIDED, reason), which
    if choices is not None:
        picked = pick_letter(statement.answer, choices).letter
        for remark in statement.remarks:
            named = pick_letter(remark, choices).letter
            if named is not None and named != picked:
                reason = f"the sentence states {said} and names choice {named} in a remark ({remark[:40]!r})"
                return Judgement(Decision.UNDECIDED, reason), which
    return Judgement(Decision.EQUIVALENT, f"stated answer {said}: {found.reason}"), which


def _unreadable(judgement: Judgement) -> bool:
    """The verdict says the answer could not be read at all (words where the kind expects its notation)."""
    return judgement.reason.startswith(("not a ", "could not read", "the answer could not be read"))


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
    policy: Policy | str = Policy.SEMANTIC,
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
        policy: ``semantic`` (an equivalent answer in any notation is right) or ``strict`` (an equivalent
            answer must also keep the notation of the reference or alias it matched; see
            :mod:`~judgeprobe.cases.answers.policy`).

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

    def against_all(text: str) -> tuple[Judgement, str]:
        """``text`` against the reference, then each alias: the first match, else the first undecided."""
        found = _by_route(how, text, reference, resolved, choices, precision, limits, choice_conflict,
                          question)  # fmt: skip
        if found.decision is Decision.EQUIVALENT:
            return found, reference
        unsure = found if found.decision is Decision.UNDECIDED else None
        for alias in aliases:
            other = _by_route(
                how, text, alias, resolved, choices, precision, limits, choice_conflict, question
            )
            if other.decision is Decision.EQUIVALENT:
                return Judgement(other.decision, f"{other.reason} (alias {alias!r})"), alias
            if unsure is None and other.decision is Decision.UNDECIDED:
                unsure = Judgement(other.decision, f"{other.reason} (alias {alias!r})")
        return unsure or found, reference

    found, matched = against_all(answer)
    said = answer
    picks = freeze_choices(choices) if how is Route.MC else None
    if (statement := read_statement(answer)) is not None:
        whole_equivalent = found.equivalent
        found, matched = _as_stated(statement, found, matched, against_all, picks)
        said = statement.answer if found.equivalent and not whole_equivalent else answer
    if found.equivalent and Policy(policy) is Policy.STRICT:

        def written_as(name: str) -> bool:
            head = _HEAD.split(said, maxsplit=1)[0]
            heads = (said, head, _TAIL.split(said)[-1], _TAIL.split(head)[-1])
            if not any(keeps_notation(name, head, kind=resolved, choices=choices) for head in heads):
                return False
            return (
                name == matched
                or _by_route(
                    how, said, name, resolved, choices, precision, limits, choice_conflict, question
                ).equivalent
            )

        if not any(written_as(name) for name in (matched, reference, *aliases)):
            reason = f"{found.reason}, but not in the notation of the reference (strict policy)"
            return Grading(Decision.DIFFERENT, reason, answer, how)
    return Grading(found.decision, found.reason, answer, how)
