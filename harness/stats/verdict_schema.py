"""The summary's verdict on the judge as a whole, and the reasons its failed draws give (part of
``summary.json``; see ``docs/summary-schema.md``).

A probe's verdict (biased, clean, inconclusive) says how one perturbation moves a judge that works. The
judge's verdict says whether it works at all: a judge that says "yes" to everything has no position bias to
speak of, and a judge that errors on most draws measured nothing. :mod:`judgeprobe.harness.stats.reliability`
computes both.
"""

from __future__ import annotations

from typing import Literal

from judgeprobe.harness.stats.rate import FrozenModel, Rate

__all__ = ["CheckName", "ErrorReason", "JudgeCheck", "JudgeVerdict"]

CheckName = Literal["controls", "accuracy", "errors", "unscored", "judged"]
"""The checks behind the judge's verdict, in the order they are shown."""


class JudgeCheck(FrozenModel):
    """One check of the judge as a whole against its limit."""

    name: CheckName
    """``controls`` (miss rate of every control pooled), ``accuracy`` (agreement of the unperturbed verdicts
    with the labels, disputed references left out), ``errors`` and ``unscored`` (shares of the draws the
    judge was asked, skipped draws left out), ``judged`` (at least one draw judged)."""
    title: str
    """What is measured, in words (``controls missed``)."""
    measure: Rate | None
    """The figure with its count and 95 % Wilson interval (``None``: the ``judged`` check)."""
    limit: float | None
    """The limit (a proportion; ``None`` for ``judged``)."""
    bound: Literal["max", "min"]
    """``max``: the rate must not exceed the limit; ``min``: it must not fall below it."""
    status: Literal["pass", "fail", "not_measured"]
    """``fail`` when the rate's point estimate is beyond the limit; ``not_measured`` when nothing counts (no
    usable control, no labelled unperturbed draw, nothing asked)."""
    message: str
    """One line: the figure, its count and interval, and the limit."""


class JudgeVerdict(FrozenModel):
    """Is the judge fit to be probed at all? Unreliable when any check fails."""

    verdict: Literal["reliable", "unreliable"]
    """``unreliable`` when a check failed, ``reliable`` otherwise."""
    checks: tuple[JudgeCheck, ...]
    """Every check, in :data:`CheckName` order."""
    message: str
    """One line for a headline: the verdict and the failed checks (or the checks that passed)."""


class ErrorReason(FrozenModel):
    """Why draws failed: one row per error kind (and one for unscored replies), the most frequent first."""

    status: Literal["error", "unscored"]
    """Errored draws (no usable reply after retries) or unscored ones (a reply that is not a verdict)."""
    kind: str
    """The error kind (``client``, ``connection``, ``timeout``, …) or ``unscored``."""
    count: int
    """Draws that ended this way."""
    messages: int
    """Distinct messages among them."""
    first_message: str
    """The first draw's message (the server's reason for an error), secrets redacted, at most 300
    characters."""
    first_draw: str
    """Where it happened first: ``case/unit chain draw N``."""
