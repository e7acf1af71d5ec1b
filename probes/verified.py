"""The gate every meaning-kept rewrite of an answer or a reference passes before a probe uses it.

A probe that rewrites a final answer or the reference (``formatting.render``, ``formatting.alternate``,
``formatting.case``, ``formatting.mc_style``, ``reference_form.*``, …) asks :func:`use_rewrite` first. The
rewrite is used only when :func:`judgeprobe.cases.answers.check_rewrite` verifies it with a check that does
not share the grader's parser (a whitelist of notation transforms, or the kind's independent reader, and
the kind's comparer agreeing), and when the run's grading policy keeps what it keeps (under ``strict`` a
right answer rewritten into another notation is no longer right, so that rewrite is left out). The case's
own ``equivalents`` are the author's assertion, proved by ``judgeprobe cases lint``; they skip the
verification but not the policy. A case that lists a non-equivalent meaning its reference in another
form (``x^2-5x+6`` when the question asks to factor) fixes the form: only notation changes are used there.

Rewrites left out are recorded in the :class:`RewriteLog` of the innermost :func:`recording_rewrites`
block (the run's plan keeps it: the dry run, ``summary.json`` and the reports count them). Outside such a
block nothing is recorded, and the probes behave the same.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from judgeprobe.cases.answers import AnswerKind, Kept, check_rewrite, read_alike
from judgeprobe.cases.answers.forms import same_both_ways
from judgeprobe.cases.models import GradeCase
from judgeprobe.probes.base import ProbeContext
from judgeprobe.probes.variant import Variant

__all__ = ["RejectedRewrite", "RewriteLog", "Target", "recording_rewrites", "use_rewrite"]

Target = Literal["answer", "reference"]
"""What a rewrite changes: the response's final answer or the reference."""


@dataclass(frozen=True, slots=True)
class RejectedRewrite:
    """A rewrite a probe proposed and did not use."""

    case_id: str
    """The case."""
    unit_id: str
    """The unit (response) the probe was applied to."""
    probe: str
    """The probe step, as ``probe(params)``."""
    target: Target
    """``answer`` or ``reference``."""
    original: str
    """The text before the rewrite."""
    rewrite: str
    """The proposed rewrite."""
    reason: str
    """Why it was left out."""
    unverified: bool
    """``True``: the check could not verify it; ``False``: verified, but the grading policy changes the
    label of such a rewrite (``strict``: another notation of a right answer)."""


class RewriteLog:
    """The rewrites left out while one suite was generated, each once."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, ...], RejectedRewrite] = {}

    def add(self, item: RejectedRewrite) -> None:
        """Record a rewrite left out (a repeat of the same one is recorded once)."""
        key = (item.case_id, item.unit_id, item.probe, item.target, item.original, item.rewrite)
        self._items.setdefault(key, item)

    @property
    def items(self) -> tuple[RejectedRewrite, ...]:
        """Every rewrite left out, in the order first seen."""
        return tuple(self._items.values())

    @property
    def unverified(self) -> tuple[RejectedRewrite, ...]:
        """The rewrites rejected as unverified."""
        return tuple(item for item in self._items.values() if item.unverified)

    @property
    def by_policy(self) -> tuple[RejectedRewrite, ...]:
        """Verified rewrites left out because the grading policy would change their label."""
        return tuple(item for item in self._items.values() if not item.unverified)

    def unverified_by_probe(self) -> dict[str, int]:
        """Rewrites rejected as unverified, per probe name (without parameters)."""
        counts = Counter(item.probe.split("(", 1)[0] for item in self.unverified)
        return dict(sorted(counts.items()))


_LOG: ContextVar[RewriteLog | None] = ContextVar("judgeprobe_rewrite_log", default=None)


@contextmanager
def recording_rewrites() -> Iterator[RewriteLog]:
    """Record the rewrites the probes leave out inside the block::

    with recording_rewrites() as log:
        variants = generate_suite(cases)
    print(len(log.unverified), "rewrites rejected as unverified")
    """
    log = RewriteLog()
    token = _LOG.set(log)
    try:
        yield log
    finally:
        _LOG.reset(token)


def _record(ctx: ProbeContext, variant: Variant, target: Target, original: str, rewrite: str, reason: str,
            *, unverified: bool) -> None:  # fmt: skip
    log = _LOG.get()
    if log is not None:
        log.add(
            RejectedRewrite(
                variant.case_id, variant.unit_id, ctx.step.name, target, original, rewrite, reason, unverified
            )
        )


def _form_fixed(case: GradeCase) -> bool:
    """Whether the case lists a non-equivalent that means the reference in another form (``x^2-5x+6`` when
    asked to factor): the question then fixes the form, and only notation changes keep the answer right."""
    return _form_fixed_cached(case.id, case.reference, case.answer_kind, case.non_equivalents)


@lru_cache(maxsize=4096)
def _form_fixed_cached(
    case_id: str, reference: str, kind: AnswerKind, non_equivalents: tuple[str, ...]
) -> bool:
    return any(read_alike(reference, text, kind=kind) is Kept.MEANING for text in non_equivalents)


def use_rewrite(
    ctx: ProbeContext,
    variant: Variant,
    original: str,
    rewrite: str,
    *,
    target: Target,
    authored: bool = False,
) -> bool:
    """Whether a probe may use ``rewrite`` of ``original`` (the variant's final answer or reference) as a
    meaning-kept rewrite; a rewrite left out is recorded.

    Args:
        ctx: The probe's context (the case and the step, for the record).
        variant: The variant being rewritten (its kind, choices, label and policy).
        original: The text before.
        rewrite: The text after.
        target: ``answer`` or ``reference``.
        authored: The rewrite is one of the case's own ``equivalents`` (asserted by the author and proved
            by the lint as an answer): it must grade equivalent both ways under the case's rules and question
            (it may become the reference), and the policy is checked.
    """
    kind = variant.answer_kind
    if kind is None:
        return False
    case = ctx.case
    if isinstance(case, GradeCase) and _form_fixed(case) and not authored:
        kept_here = read_alike(original, rewrite, kind=kind, choices=variant.choices)
        if kept_here is not Kept.NOTATION:
            reason = "the case fixes the form (a non-equivalent means the reference): only notation changes"
            _record(ctx, variant, target, original, rewrite, reason, unverified=True)
            return False
    tolerance = variant.rules.tolerance if variant.rules is not None else None
    if authored:
        if not same_both_ways(original, rewrite, kind=kind, choices=variant.choices, tolerance=tolerance,
                              question=variant.question):  # fmt: skip
            reason = "the comparer does not grade the author's equivalent equivalent both ways here"
            _record(ctx, variant, target, original, rewrite, reason, unverified=True)
            return False
        kept = read_alike(original, rewrite, kind=kind, choices=variant.choices) or Kept.MEANING
    else:
        checked = check_rewrite(original, rewrite, kind=kind, choices=variant.choices, tolerance=tolerance,
                                question=variant.question)  # fmt: skip
        if checked.kept is None:
            _record(ctx, variant, target, original, rewrite, checked.reason, unverified=True)
            return False
        kept = checked.kept
    if variant.label == "correct" and not variant.policy.keeps(kept):
        reason = f"another notation of a right answer is not right under the {variant.policy} policy"
        _record(ctx, variant, target, original, rewrite, reason, unverified=False)
        return False
    return True
