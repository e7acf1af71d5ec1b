"""Confidence intervals: Wilson for one proportion, Newcombe for a paired difference, and a cluster bootstrap.

All intervals are two-sided at ``confidence`` (default 95 %). They never fail on edge cases: an empty sample
gives the uninformative interval (``0..1`` for a proportion, ``-1..1`` for a difference).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

__all__ = ["Interval", "cluster_bootstrap_difference", "newcombe_paired", "wilson", "z_value"]


@dataclass(frozen=True, slots=True)
class Interval:
    """A two-sided confidence interval."""

    low: float
    """Lower bound."""
    high: float
    """Upper bound."""

    def as_list(self) -> list[float]:
        """``[low, high]`` for JSON."""
        return [self.low, self.high]


def z_value(confidence: float) -> float:
    """The standard-normal quantile for a two-sided interval at ``confidence`` (1.959964 at 0.95)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(
            f"expected a confidence level strictly between 0 and 1, got confidence={confidence!r}"
        )
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def wilson(successes: int, n: int, *, confidence: float = 0.95) -> Interval:
    """Wilson score interval for ``successes`` out of ``n`` (no continuity correction).

    Args:
        successes: Number of events.
        n: Number of trials; ``0`` gives ``[0, 1]``.
        confidence: Two-sided confidence level.
    """
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"expected 0 <= successes <= n, got successes={successes}, n={n}")
    if n == 0:
        return Interval(0.0, 1.0)
    z = z_value(confidence)
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1.0 - p) / n + z * z / (4 * n * n))
    return Interval(max(0.0, centre - half), min(1.0, centre + half))


def newcombe_paired(a: int, b: int, c: int, d: int, *, confidence: float = 0.95) -> Interval:
    """Newcombe's interval (1998, method 10) for the difference of two paired proportions.

    The pairs form a 2x2 table: ``a`` both events, ``b`` first only, ``c`` second only, ``d`` neither. The
    difference is ``p1 - p2 = (b - c) / n``. Each margin gets a Wilson interval and the two are combined with
    the observed correlation ``phi`` (continuity-corrected as in Newcombe's paper and in Altman et al.,
    *Statistics with Confidence*, 2000), so the interval stays inside ``[-1, 1]`` and behaves at zero counts.
    """
    if min(a, b, c, d) < 0:
        raise ValueError(f"expected non-negative counts, got a={a}, b={b}, c={c}, d={d}")
    n = a + b + c + d
    if n == 0:
        return Interval(-1.0, 1.0)
    p1 = (a + b) / n
    p2 = (a + c) / n
    l1, u1 = wilson(a + b, n, confidence=confidence).as_list()
    l2, u2 = wilson(a + c, n, confidence=confidence).as_list()
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    cross = a * d - b * c
    # Newcombe's continuity-corrected correlation: a positive cross-product is reduced by n/2 (not below 0)
    corrected = max(cross - n / 2, 0.0) if cross > 0 else float(cross)
    phi = 0.0 if margins == 0 else corrected / math.sqrt(margins)
    theta = p1 - p2
    lower = math.sqrt(max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2))
    upper = math.sqrt(max(0.0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2))
    return Interval(max(-1.0, theta - lower), min(1.0, theta + upper))


def cluster_bootstrap_difference(
    first: Sequence[float],
    second: Sequence[float],
    sizes: Sequence[float],
    *,
    resamples: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
) -> tuple[Interval, float]:
    """Percentile bootstrap interval of ``(sum(first) - sum(second)) / sum(sizes)``, resampling clusters.

    Each position is one cluster (a case): its count of events of the first kind (variant flips), of the
    second kind (placebo flips) and its number of pairs. Clusters are drawn with replacement, so draws,
    repeats and variants of one case move together. A fixed ``seed`` makes the interval reproducible.

    Returns:
        The interval and the bootstrap variance of the difference (for the design effect).
    """
    f = np.asarray(first, dtype=float)
    s = np.asarray(second, dtype=float)
    m = np.asarray(sizes, dtype=float)
    if not (f.shape == s.shape == m.shape):
        raise ValueError(f"expected three sequences of one length, got {f.shape}, {s.shape}, {m.shape}")
    k = f.shape[0]
    if k == 0 or m.sum() <= 0:
        return Interval(-1.0, 1.0), float("nan")
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(k, np.full(k, 1.0 / k), size=resamples).astype(float)
    totals = weights @ m
    diffs = (weights @ f - weights @ s) / np.where(totals > 0, totals, 1.0)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(diffs, [tail, 1.0 - tail])
    return Interval(float(low), float(high)), float(np.var(diffs))
