"""Verifying a rewrite of an answer before anyone calls it meaning-kept (issue 13).

The probes rewrite answers and references (LaTeX / Unicode / ASCII renderings, sympy-computed alternates,
case and spacing). A rewrite computed through the grader's own parser inherits the parser's misreadings,
and the built-in grader then agrees with it, so only a check that does not share the parser can vouch for
it. :func:`check_rewrite` accepts a rewrite when

1. it is only a notation change: the two texts have the same
   :func:`~judgeprobe.cases.answers.skeleton.notation_skeleton` (a whitelist of transforms that keep any
   answer's meaning, plus the kind's own symbol spellings) — it then keeps :attr:`Kept.NOTATION`; or
2. the kind's independent reader (:attr:`~judgeprobe.cases.answers.kinds.Notation.same_meaning`, see
   :mod:`~judgeprobe.cases.answers.readers`) reads both as the same answer — :attr:`Kept.MEANING` (or
   :attr:`Kept.NOTATION` for kinds whose reader only sees spellings, such as choice letters);

and, either way, the kind's own comparer agrees that the two are equivalent, both ways, under the case's
tolerance and question (the round trip through the kind's canonical form). Anything else is unverified,
with the reason, and must not be emitted as meaning-kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from judgeprobe.cases.answers.choices import freeze_choices
from judgeprobe.cases.answers.equivalence import equivalent
from judgeprobe.cases.answers.judgement import Decision
from judgeprobe.cases.answers.kinds.registry import AnswerKind, kind_of
from judgeprobe.cases.answers.kinds.slots import Choices
from judgeprobe.cases.answers.limits import DEFAULT_LIMITS, Limits
from judgeprobe.cases.answers.policy import Kept
from judgeprobe.cases.answers.skeleton import same_notation
from judgeprobe.cases.answers.tolerance import Tolerance

__all__ = ["RewriteCheck", "check_rewrite", "keeps_notation", "read_alike"]


@dataclass(frozen=True, slots=True)
class RewriteCheck:
    """The outcome of :func:`check_rewrite`."""

    kept: Kept | None
    """What the rewrite keeps (``None``: unverified; it must not be used as meaning-kept)."""
    reason: str
    """Why, in a few words."""

    @property
    def verified(self) -> bool:
        """Whether the rewrite may be used as meaning-kept (under the semantic policy at least)."""
        return self.kept is not None


_ChoicesIn = Mapping[str, str] | Sequence[tuple[str, str]] | None


def _alike(a: str, b: str, kind: AnswerKind, choices: _ChoicesIn) -> tuple[Kept, str] | None:
    if same_notation(a, b, kind=kind):
        return Kept.NOTATION, "notation transforms only"
    notation = kind.spec.notation
    frozen: Choices | None = freeze_choices(choices)
    if notation.same_meaning is not None and notation.same_meaning(a, b, frozen):
        kept = Kept.NOTATION if notation.meaning_is_notation else Kept.MEANING
        return kept, f"read alike by the {kind} reader"
    return None


def read_alike(a: str, b: str, *, kind: AnswerKind | str, choices: _ChoicesIn = None) -> Kept | None:
    """What the whitelist and the kind's independent reader say ``a`` and ``b`` share (no comparer)."""
    resolved = kind_of(kind)
    found = None if resolved is None else _alike(a, b, resolved, choices)
    return None if found is None else found[0]


def check_rewrite(
    original: str,
    rewrite: str,
    *,
    kind: AnswerKind | str,
    choices: _ChoicesIn = None,
    tolerance: float | Tolerance | None = None,
    limits: Limits = DEFAULT_LIMITS,
    question: str = "",
) -> RewriteCheck:
    """Whether ``rewrite`` verifiably means the same answer as ``original`` under ``kind``.

    Args:
        original: The answer (or reference) as it was.
        rewrite: The proposed rewrite of it.
        kind: The answer kind.
        choices: Multiple choice: the options.
        tolerance: The case's tolerance for numbers (relative, or a
            :class:`~judgeprobe.cases.answers.tolerance.Tolerance`).
        limits: Parser and time limits of the comparer.
        question: The question, when known (a form it asks for must survive the rewrite).

    Returns:
        A :class:`RewriteCheck`; ``kept`` is ``None`` when the rewrite is unverified.
    """
    resolved = kind_of(kind)
    if resolved is None:
        return RewriteCheck(None, f"unknown answer kind {kind!r}")
    if original.strip() == rewrite.strip():
        return RewriteCheck(Kept.NOTATION, "unchanged")
    found = _alike(original, rewrite, resolved, choices)
    if found is None:
        reader = "no independent reader" if resolved.spec.notation.same_meaning is None else "its reader"
        return RewriteCheck(
            None,
            f"not a whitelisted notation change, and the {resolved} kind ({reader}) does not read both as "
            "one answer",
        )
    for a, b in ((rewrite, original), (original, rewrite)):  # both ways: some rules are not symmetric
        judgement = equivalent(
            a, b, kind=resolved, choices=choices, tolerance=tolerance, limits=limits, question=question
        )
        if judgement.decision is not Decision.EQUIVALENT:
            return RewriteCheck(None, f"the {resolved} comparer does not agree ({judgement.reason})")
    return RewriteCheck(*found)


def keeps_notation(
    reference: str, answer: str, *, kind: AnswerKind | str, choices: _ChoicesIn = None
) -> bool:
    """Whether ``answer`` is written in the reference's own notation (what the strict policy requires)."""
    return read_alike(reference, answer, kind=kind, choices=choices) is Kept.NOTATION
