"""The ``multiple_choice`` kind: the answer is a letter among the case's ``choices``.

``A``, ``(A)``, ``A.``, ``Option A``, ``A – 1``, ``A. 1``, the choice text alone and a sentence naming one
choice all pick ``A`` (see :mod:`~judgeprobe.cases.answers.choices`); two answers are the same when they
pick the same letter. A hedge (``A or B``) picks nothing, so it is read by the comparer, not by a hedge
check. A letter with another choice's text (``A – 2``) gets the case's ``choice_conflict`` verdict
(different, or undecided).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from judgeprobe.cases.answers.choices import pick_letter
from judgeprobe.cases.answers.hedges import never_hedged
from judgeprobe.cases.answers.judgement import Judgement, different, same
from judgeprobe.cases.answers.kinds.registry import AnswerKind, Comparison, KindSpec, register_kind
from judgeprobe.cases.answers.kinds.slots import Choices, Folding, Route

__all__ = ["MULTIPLE_CHOICE"]

_LETTER = re.compile(r"^[A-Z]$")


def _compare(a: str, b: str, how: Comparison) -> Judgement:
    pa, pb = pick_letter(a, how.choices), pick_letter(b, how.choices)
    if pa.letter is None and pa.conflict:
        return Judgement(how.conflict, f"{pa.reason} (the case's choice_conflict: {how.choice_conflict})")
    if pa.letter is None or pb.letter is None:
        return different(pa.reason if pa.letter is None else pb.reason)
    if pa.letter == pb.letter:
        return same(f"both pick {pa.letter} ({pa.reason}; {pb.reason})")
    return different(f"{pa.letter} vs {pb.letter}")


def _forms(text: str, kind: AnswerKind, choices: Choices | None) -> list[str]:
    letter = pick_letter(text, choices).letter
    if letter is None:
        return []
    forms = [letter, f"({letter})", f"{letter}.", f"{letter})", letter.lower(), f"Option {letter}"]
    if choices is not None:
        own = dict(choices)[letter]
        forms += [f"{letter}. {own}", f"({letter}) {own}", f"{letter}) {own}", own]
    return forms


def _lint(reference: str, choices: Mapping[str, str] | None) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if not choices:
        return  # the schema already refuses a multiple-choice case without choices
    for letter in choices:
        if not _LETTER.match(letter):
            yield ("choices", letter), f"choice keys are single capital letters, got {letter!r}"
    if reference not in choices:
        yield ("reference",), f"the reference must be a choice letter {sorted(choices)}"


MULTIPLE_CHOICE = register_kind(
    KindSpec(
        name="multiple_choice",
        description="A letter among choices; the choice text names the same answer.",
        folding=Folding(case="lower"),
        compare=_compare,
        hedged=never_hedged,
        forms=_forms,
        route=Route.MC,
        choices=True,
        lint=_lint,
        origin="shipped",
    )
)
