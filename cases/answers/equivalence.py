"""Equivalence of two answers under an answer kind: the one function graders and probes both use.

Every kind shares a preamble: answers over the length limit are undecided; answers identical after the
kind's normalisation are equivalent; an empty answer differs from a non-empty one; a hedged answer (``3 or
4``, ``either A or B``: the kind's hedge check) differs from any single answer. Then the kind's own comparer
decides (its row in :mod:`judgeprobe.cases.answers.kinds`): numbers within a tolerance, expressions and
collections symbolically, notation kinds by canonical form, multiple choice by the letter picked, text by its
normalised words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from judgeprobe.cases.answers.choices import freeze_choices
from judgeprobe.cases.answers.compare import DEFAULT_RELATIVE_TOLERANCE
from judgeprobe.cases.answers.hedges import hedged_by_words
from judgeprobe.cases.answers.judgement import Judgement, Uncacheable, different, same, undecided
from judgeprobe.cases.answers.kinds.registry import AnswerKind, Comparison, KindSpec, kind_of, known_kinds
from judgeprobe.cases.answers.kinds.slots import Choices
from judgeprobe.cases.answers.limits import DEFAULT_LIMITS, Limits
from judgeprobe.cases.answers.normalize import normalize
from judgeprobe.cases.answers.rules import ChoiceConflict
from judgeprobe.cases.answers.tolerance import Tolerance

__all__ = ["DEFAULT_RELATIVE_TOLERANCE", "equivalent", "is_hedged"]


def is_hedged(text: str, *, kind: AnswerKind | str | None) -> bool:
    """True when ``text`` offers several candidates (``3 or 4``, ``either x or y``; numbers: ``2 and 3``).

    The kind's hedge check decides; an unknown kind gets the check by hedge words.
    """
    resolved = kind_of(kind)
    raw = str(text)[:2000]
    return hedged_by_words(raw) if resolved is None else resolved.spec.hedged(raw)


@lru_cache(maxsize=65536)
def _cached(
    a: str,
    b: str,
    kind: AnswerKind,
    spec: KindSpec,
    choices: Choices | None,
    tolerance: Tolerance | None,
    limits: Limits,
    choice_conflict: ChoiceConflict,
    question: str,
) -> Judgement:
    longest = limits.max_length * spec.length_factor
    if max(len(a), len(b)) > longest:
        which = "the answer" if len(a) > longest else "the reference"
        return undecided(f"{which} is longer than {longest} characters (not read)")
    na, nb = normalize(a, kind=kind), normalize(b, kind=kind)
    if na == nb:
        return same("identical after normalisation") if na else same("both empty")
    if not na or not nb:
        return different("empty answer")
    if spec.hedged(a[:2000]) or spec.hedged(b[:2000]):
        return different("hedged answer with several candidates")
    relative = None if tolerance is None else tolerance.relative
    how = Comparison(kind, choices, relative, limits, tolerance, choice_conflict, question)
    return spec.compare(a, b, how)


def equivalent(
    a: str,
    b: str,
    *,
    kind: AnswerKind | str,
    choices: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
    tolerance: float | Tolerance | None = None,
    limits: Limits = DEFAULT_LIMITS,
    choice_conflict: ChoiceConflict = "incorrect",
    question: str = "",
) -> Judgement:
    """Whether answers ``a`` and ``b`` name the same thing under ``kind``.

    Where the kind's rule is not symmetric (significant figures are counted on the answer), ``a`` is the
    answer and ``b`` the reference.

    Args:
        a: One answer (already extracted from any surrounding response).
        b: The other answer.
        kind: The answer kind (an :class:`AnswerKind` or its name).
        choices: Multiple choice only: letter -> choice text, or ``(letter, text)`` pairs.
        tolerance: The case's tolerance: a relative tolerance, or a
            :class:`~judgeprobe.cases.answers.tolerance.Tolerance` (relative, absolute or significant
            figures); default :data:`DEFAULT_RELATIVE_TOLERANCE`.
        limits: Parser and time limits.
        choice_conflict: Multiple choice: what an answer whose letter and text disagree gets
            (``incorrect``: different, or ``undecided``).
        question: The question, when known: a yes/no answer in words is read against it.

    Returns:
        A :class:`Judgement`; never raises on bad answers (they are undecided or different, with a reason).
    """
    resolved = kind_of(kind)
    if resolved is None:
        return undecided(
            f"unknown answer kind {kind!r}; expected one of {', '.join(str(k) for k in known_kinds())}"
        )
    try:
        spec = Tolerance.of(tolerance)
        return _cached(
            str(a),
            str(b),
            resolved,
            resolved.spec,
            freeze_choices(choices),
            spec,
            limits,
            choice_conflict,
            str(question)[:2000],
        )
    except Uncacheable as exc:
        return exc.judgement
