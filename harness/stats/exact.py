"""Paired exact tests: McNemar's test on discordant pairs, exact and mid-p.

In a paired design only the discordant pairs carry information: ``b`` pairs where the variant flipped and
the placebo did not, ``c`` pairs the other way round. Under "no bias" each discordant pair falls either way
with probability one half, so ``b ~ Binomial(b + c, 1/2)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["McNemar", "binomial_cdf_half", "binomial_pmf_half", "mcnemar"]


@dataclass(frozen=True, slots=True)
class McNemar:
    """Result of a two-sided McNemar test."""

    b: int
    """Pairs where only the first member has the event (the variant flipped, the placebo did not)."""
    c: int
    """Pairs where only the second member has the event."""
    p_exact: float
    """Two-sided exact p-value: twice the smaller binomial tail, capped at 1."""
    p_midp: float
    """Two-sided mid-p value: the exact value less the probability of the observed split."""


def _log_pmf_half(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) - n * math.log(2.0)


def binomial_pmf_half(n: int, k: int) -> float:
    """``P(X = k)`` for ``X ~ Binomial(n, 1/2)``."""
    if not 0 <= k <= n:
        return 0.0
    return math.exp(_log_pmf_half(n, k))


def binomial_cdf_half(n: int, k: int) -> float:
    """``P(X <= k)`` for ``X ~ Binomial(n, 1/2)``, summed in log space (stable for large ``n``)."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    logs = [_log_pmf_half(n, i) for i in range(k + 1)]
    top = max(logs)
    return min(1.0, math.exp(top) * math.fsum(math.exp(v - top) for v in logs))


def mcnemar(b: int, c: int) -> McNemar:
    """Two-sided exact and mid-p McNemar test for ``b`` versus ``c`` discordant pairs.

    With no discordant pairs there is no evidence either way and both p-values are 1.
    """
    if b < 0 or c < 0:
        raise ValueError(f"expected non-negative discordant counts, got b={b}, c={c}")
    n = b + c
    if n == 0:
        return McNemar(b, c, 1.0, 1.0)
    k = min(b, c)
    tail = binomial_cdf_half(n, k)
    exact = min(1.0, 2.0 * tail)
    midp = min(1.0, 2.0 * (tail - 0.5 * binomial_pmf_half(n, k)))
    return McNemar(b, c, exact, midp)
