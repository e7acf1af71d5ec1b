"""Lint proves each grade case with the built-in grader (issue 13, item 2).

A case asserts facts about answers: its ``equivalents`` mean the reference, its ``non_equivalents`` do not,
each response's label is right under each grading policy. :func:`prove_case` checks every such fact with
the grader users get (:func:`~judgeprobe.cases.answers.grade` under the case's kind, choices, reference
rules and question; a listed form is graded as an answer against the reference), so a case whose
kind is wrong, whose forms do not parse or whose labels contradict each other fails the lint instead of
turning into unscored draws or a silently wrong verdict later. Where the grader cannot decide a form, the
case says why in ``grader_gaps`` (a form's text or a response id -> one line); the lint then skips that
proof, and warns when the grader has learnt to decide it.

The checks, each reported with the field's file and line:

- every listed answer (reference, equivalents, non-equivalents) is read by the kind's comparer;
- every equivalent grades equivalent, every non-equivalent different (never undecided);
- every response grades as its label says, under ``semantic`` and under ``strict`` (``strict_label``);
- a response labelled incorrect that reads as the reference or an equivalent, or one labelled correct
  that reads as a non-equivalent, is a contradiction whatever the grader says (read by the kind's
  independent reader, :func:`~judgeprobe.cases.answers.read_alike`); in another notation it may be
  right only when the question fixes the form (``x^2-5x+6`` when asked to factor): the grader, reading
  the question, agrees with the label, or a grader gap says why it cannot;
- a non-equivalent that is the reference in another style (``1024.0`` for ``1024``) is no control;
- the same form listed twice is a duplicate;
- a reference another kind's reader recognises (a date, a yes/no, a group) declared with a kind whose
  grader does arithmetic on it (``2021-03-05`` as an ``expression`` is 2013) is implausible;
- a multiple-choice equivalent or non-equivalent names a letter among the choices.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from judgeprobe.cases.answers import (
    Decision,
    Judgement,
    Kept,
    Policy,
    Route,
    extract_final_answer,
    grade,
    known_kinds,
    read_alike,
)
from judgeprobe.cases.answers.choices import freeze_choices
from judgeprobe.cases.answers.hedges import hedged_by_words
from judgeprobe.cases.answers.judgement import Uncacheable, undecided
from judgeprobe.cases.answers.kinds import Comparison
from judgeprobe.cases.answers.limits import DEFAULT_LIMITS
from judgeprobe.cases.models import GradeCase, GradeResponse
from judgeprobe.cases.yaml_tree import FieldPath

__all__ = ["Finding", "prove_case"]

_LETTER = re.compile(r"^\(?([A-Za-z])\)?[.):]?(?:\s|$)")


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem :func:`prove_case` found."""

    path: FieldPath
    """Where in the case."""
    message: str
    """What is wrong and how to fix it."""
    warning: bool = False
    """Probably a slip, or news (a grader gap the grader now decides), rather than an error."""


def _reads(text: str, case: GradeCase) -> Judgement:
    """The kind's comparer on the text against itself: equivalent when it can read the text at all."""
    spec = case.answer_kind.spec
    how = Comparison(  # no tolerance: a significant-figure rule would refuse the text against itself
        case.answer_kind, freeze_choices(case.choices), None, DEFAULT_LIMITS,
        choice_conflict=case.choice_conflict, question=case.question,
    )  # fmt: skip
    try:
        return spec.compare(text, text, how)
    except Uncacheable as exc:
        return exc.judgement
    except (ValueError, TypeError, ArithmeticError, RecursionError) as exc:
        return undecided(f"the comparer failed ({type(exc).__name__})")


def _versus(case: GradeCase, form: str) -> Judgement:
    """A listed form graded as an answer against the reference, under the case's rules and question (some
    rules are not symmetric: significant figures are counted on the answer)."""
    return grade(
        case.reference, form, kind=case.answer_kind, choices=case.choices, rules=case.rules,
        question=case.question,
    )  # fmt: skip


def _parse(case: GradeCase) -> Iterator[Finding]:
    """Every listed answer is read by the kind's comparer. A non-equivalent may be a non-answer on purpose
    (a hedge such as ``A or B``, a letter whose text belongs to another option), so for non-equivalents
    only an undecidable form (``{1, 2, 3``, ``2^^10``), or one the comparer does not read and no hedge or
    choice explains (``Marchember 5th``), is an error."""
    listed: list[tuple[FieldPath, str]] = [(("reference",), case.reference)]
    listed += [(("equivalents", i), text) for i, text in enumerate(case.equivalents)]
    listed += [(("non_equivalents", i), text) for i, text in enumerate(case.non_equivalents)]
    for path, text in listed:
        if text in case.grader_gaps and path[0] != "reference":
            continue
        read = _reads(text, case)
        if read.decision is Decision.EQUIVALENT:
            continue
        if path[0] == "non_equivalents" and (
            hedged_by_words(text) or (case.answer_kind.spec.choices and read.decision is Decision.DIFFERENT)
        ):
            continue  # a hedge, or a letter whose text belongs to another option: a non-answer on purpose
        yield Finding(
            path,
            f"{text!r} is not read as a {case.answer_kind} answer ({read.reason}); fix the text or the "
            "answer_kind, or say why in grader_gaps",
        )


def _letters(case: GradeCase) -> Iterator[Finding]:
    if not case.answer_kind.spec.choices or not case.choices:
        return
    for field in ("equivalents", "non_equivalents"):
        texts = {" ".join(body.split()).casefold() for body in case.choices.values()}
        for index, text in enumerate(getattr(case, field)):
            found = _LETTER.match(text.strip())
            if " ".join(text.split()).casefold() in texts:
                continue  # an option's text (which may be one letter, as chemical symbols are)
            if found and found.group(1).upper() not in case.choices:
                letters = ", ".join(case.choices)
                yield Finding(
                    (field, index), f"{text!r} names option {found.group(1)!r}, not one of {letters}"
                )


def _kind_fits(case: GradeCase) -> Iterator[Finding]:
    """A reference another kind's independent reader recognises, declared with a kind that does math."""
    if case.answer_kind.spec.route is not Route.MATH:
        return
    for other in known_kinds():
        spec = other.spec
        reader = spec.notation.same_meaning
        if other == case.answer_kind or spec.route is Route.MATH or spec.choices or reader is None:
            continue
        if reader(case.reference, case.reference, None):
            yield Finding(
                ("answer_kind",),
                f"the reference {case.reference!r} reads as a {other} answer, but answer_kind "
                f"{case.answer_kind} grades it as arithmetic; declare answer_kind: {other}",
            )
            return


def _forms(case: GradeCase) -> Iterator[Finding]:
    for field, wanted in (("equivalents", Decision.EQUIVALENT), ("non_equivalents", Decision.DIFFERENT)):
        for index, text in enumerate(getattr(case, field)):
            kept = read_alike(case.reference, text, kind=case.answer_kind, choices=case.choices)
            if field == "non_equivalents" and kept is Kept.NOTATION:
                yield Finding(
                    (field, index), f"{text!r} is the reference in another style, not a non-equivalent"
                )
                continue
            if text in case.grader_gaps:
                continue
            if field == "non_equivalents" and kept is Kept.MEANING:
                if _versus(case, text).decision is Decision.DIFFERENT:
                    continue  # the question fixes the form (factored, simplified) and the grader reads it
                yield Finding(
                    (field, index),
                    f"{text!r} means the same as the reference in another notation; if the question fixes "
                    "the form (factored, simplified), say so in grader_gaps, else it is no non-equivalent",
                )
                continue
            found = _versus(case, text)
            if found.decision is not wanted:
                yield Finding(
                    (field, index),
                    f"the grader says {text!r} is {found.decision} to the reference ({found.reason}), but it "
                    f"is listed in {field}; fix the form, or say why the grader cannot decide in grader_gaps",
                )


def _duplicates(case: GradeCase) -> Iterator[Finding]:
    for field in ("equivalents", "non_equivalents"):
        seen: dict[str, int] = {}
        for index, text in enumerate(getattr(case, field)):
            key = " ".join(text.split())
            if key in seen:
                yield Finding((field, index), f"{text!r} is {field}[{seen[key]}] again; list each form once")
            seen.setdefault(key, index)


def _graded_as_labelled(case: GradeCase, response: GradeResponse) -> bool:
    """The grader, reading the question and the case's rules, gives the response its label."""
    graded = grade(
        case.reference, response.text, kind=case.answer_kind, choices=case.choices, rules=case.rules,
        question=case.question,
    )  # fmt: skip
    said = {Decision.EQUIVALENT: "correct", Decision.DIFFERENT: "incorrect"}.get(graded.decision)
    return said == response.label


def _contradictions(case: GradeCase) -> Iterator[Finding]:
    """Labels the forms contradict: always in the same notation; in another notation unless the question
    fixes the form (a grader gap says so, or the grader, reading the question, agrees with the label)."""
    for index, response in enumerate(case.responses):
        answer = extract_final_answer(response.text).strip() or response.text.strip()
        if response.label == "incorrect":
            forms, what = [case.reference, *case.equivalents], "the reference or an equivalent"
        else:
            forms, what = list(case.non_equivalents), "a non-equivalent"
        for form in forms:
            kept = read_alike(form, answer, kind=case.answer_kind, choices=case.choices)
            if kept is None or (
                kept is Kept.MEANING
                and (
                    response.id in case.grader_gaps
                    or form in case.grader_gaps
                    or _graded_as_labelled(case, response)
                )
            ):
                continue
            yield Finding(
                ("responses", index, "label"),
                f"labelled {response.label}, but {answer!r} is {form!r} ({what}) in another "
                f"{'style' if kept is Kept.NOTATION else 'notation'}",
            )
            break


def _response(case: GradeCase, index: int, response: GradeResponse) -> Iterator[Finding]:
    if response.id in case.grader_gaps:
        return
    for policy in Policy:
        label = response.label_under(policy)
        graded = grade(
            case.reference, response.text, kind=case.answer_kind, choices=case.choices,
            rules=case.rules, question=case.question, policy=policy,
        )  # fmt: skip
        said = {Decision.EQUIVALENT: "correct", Decision.DIFFERENT: "incorrect"}.get(graded.decision)
        if said == label:
            continue
        field = "label" if policy is Policy.SEMANTIC or response.strict_label is not None else "strict_label"
        if said is None:
            hint = "say why in grader_gaps (response id)"
        elif policy is Policy.STRICT and response.strict_label is None and label == "correct":
            hint = "if the strict policy rejects this notation, add strict_label: incorrect"
        else:
            hint = "check the label, or say why the grader is wrong in grader_gaps (response id)"
        yield Finding(
            ("responses", index, field),
            f"labelled {label} under the {policy} policy, but the grader says {said or 'undecided'} "
            f"({graded.reason}); {hint}",
        )


def _gaps(case: GradeCase) -> Iterator[Finding]:
    known = {*case.equivalents, *case.non_equivalents, *(response.id for response in case.responses)}
    by_id = {response.id: response for response in case.responses}
    for key, why in case.grader_gaps.items():
        path: FieldPath = ("grader_gaps", key)
        if key not in known:
            yield Finding(path, f"{key!r} is neither a listed equivalent or non-equivalent nor a response id")
            continue
        if not why.strip() or "\n" in why.strip():
            yield Finding(path, "say in one line why the grader cannot decide it")
        settled = True
        if key in by_id:
            response = by_id[key]
            graded = grade(
                case.reference, response.text, kind=case.answer_kind, choices=case.choices,
                rules=case.rules, question=case.question,
            )  # fmt: skip
            decided = {Decision.EQUIVALENT: "correct", Decision.DIFFERENT: "incorrect"}.get(graded.decision)
            settled = decided == response.label
        if key in case.equivalents or key in case.non_equivalents:  # a key may name a form and a response
            wanted = Decision.EQUIVALENT if key in case.equivalents else Decision.DIFFERENT
            settled = settled and _versus(case, key).decision is wanted and _reads(key, case).equivalent
        if settled:
            yield Finding(path, "the grader now decides this correctly; remove the gap", warning=True)


def prove_case(case: GradeCase) -> list[Finding]:
    """Every proof problem of one grade case (see the module docstring)."""
    found: list[Finding] = []
    for check in (_parse, _letters, _kind_fits, _forms, _duplicates, _contradictions, _gaps):
        found += check(case)
    for index, response in enumerate(case.responses):
        found += _response(case, index, response)
    return found
