"""Power: the minimum detectable effect at the realised sample size, and how many pairs would decide.

Both figures are computed from the *design* (number of pairs, the placebo rate as the noise floor, the
pre-declared practical threshold and the clustering design effect), never from the observed effect: a power
computed from the observed effect only restates the p-value.

Model. A pair is (variant draw, placebo draw) of one unit. The placebo flips with probability ``p0``; under an
effect ``delta`` the variant flips with probability ``p0 + delta``, independently. The paired difference of
one pair then has variance ``v(delta) = 2 p0 (1 - p0) + delta (1 - 2 p0) - delta**2``. Clustering by case
inflates the variance by the design effect ``deff``, so ``n`` pairs are worth ``n / deff`` independent ones.
"""

from __future__ import annotations

import math
from statistics import NormalDist

from judgeprobe.harness.stats.intervals import z_value

__all__ = ["minimum_detectable_effect", "pair_variance", "pairs_to_decide"]


def pair_variance(placebo_rate: float, delta: float) -> float:
    """Variance of one pair's difference (variant flip minus placebo flip) under an effect ``delta``."""
    p0 = placebo_rate
    return max(0.0, 2.0 * p0 * (1.0 - p0) + delta * (1.0 - 2.0 * p0) - delta * delta)


def minimum_detectable_effect(
    pairs: float,
    *,
    placebo_rate: float,
    design_effect: float = 1.0,
    alpha: float = 0.05,
    power: float = 0.8,
) -> float | None:
    """Smallest excess flip rate that a two-sided level-``alpha`` test detects with probability ``power``.

    Solves ``delta = (z_{1-alpha/2} + z_{power}) * sqrt(v(delta) * deff / pairs)`` (normal approximation).

    Returns:
        The effect as a proportion, or ``None`` when no effect up to ``1 - placebo_rate`` is detectable
        (including when there are no pairs).
    """
    if pairs <= 0:
        return None
    if not 0.0 <= placebo_rate <= 1.0:
        raise ValueError(f"expected a placebo rate in [0, 1], got {placebo_rate!r}")
    z = NormalDist().inv_cdf(1.0 - alpha / 2.0) + NormalDist().inv_cdf(power)
    k = z * z * max(1.0, design_effect) / pairs
    p0 = placebo_rate
    # delta**2 (1 + k) - delta k (1 - 2 p0) - 2 k p0 (1 - p0) = 0, positive root
    a = 1.0 + k
    b = -k * (1.0 - 2.0 * p0)
    c = -2.0 * k * p0 * (1.0 - p0)
    delta = (-b + math.sqrt(b * b - 4.0 * a * c)) / (2.0 * a)
    if delta > 1.0 - p0 + 1e-12:
        return None
    return delta


def pairs_to_decide(
    *,
    placebo_rate: float,
    threshold: float,
    design_effect: float = 1.0,
    confidence: float = 0.95,
) -> int:
    """Pairs needed for the interval of the excess to be at most ``threshold / 2`` wide on each side.

    At that width a true excess of zero gives an upper bound below the threshold (*clean*) and a true excess
    well above the threshold gives a lower bound above zero (*biased*). The variance is taken at an effect
    equal to the threshold, so the figure does not depend on what was observed.
    """
    if threshold <= 0.0:
        raise ValueError(f"expected a positive practical threshold, got threshold={threshold!r}")
    p0 = min(max(placebo_rate, 0.0), 1.0 - threshold)
    sigma2 = pair_variance(p0, threshold)
    z = z_value(confidence)
    return math.ceil(max(1.0, design_effect) * sigma2 * (2.0 * z / threshold) ** 2)
