"""The cluster-robust interval and the t quantile behind it (issue 14's honest placebo)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from judgeprobe.harness.stats.intervals import Interval, cluster_ratio, t_value, widen, z_value

T_TABLE = {1: 12.7062, 2: 4.3027, 3: 3.1824, 5: 2.5706, 10: 2.2281, 14: 2.1448, 30: 2.0423, 120: 1.9799}
"""Two-sided 95 % Student t quantiles (standard tables)."""


@pytest.mark.parametrize(("df", "exact"), sorted(T_TABLE.items()))
def test_t_value_matches_the_table(df: int, exact: float) -> None:
    assert t_value(0.95, df) == pytest.approx(exact, abs=0.004 if df == 3 else 0.001)


def test_t_value_tends_to_the_normal_quantile() -> None:
    assert t_value(0.95, 100_000) == pytest.approx(z_value(0.95), abs=1e-4)
    assert t_value(0.95, 0) == t_value(0.95, 1)


def test_cluster_ratio_is_the_sandwich_interval() -> None:
    totals, sizes = [1.0, 3.0, 0.0, 2.0, 1.0, 2.0], [4.0, 4.0, 2.0, 2.0, 3.0, 3.0]
    interval, variance = cluster_ratio(totals, sizes, low=0.0)
    ratio = 9.0 / 18.0
    expected = 6 / 5 * sum((y - ratio * n) ** 2 for y, n in zip(totals, sizes, strict=True)) / 18**2
    assert variance == pytest.approx(expected)
    half = t_value(0.95, 5) * math.sqrt(expected)
    assert interval.low == pytest.approx(max(0.0, ratio - half)) and interval.high == pytest.approx(
        ratio + half
    )


def test_cluster_ratio_edges() -> None:
    assert cluster_ratio([1.0], [3.0]) == (Interval(-1.0, 1.0), pytest.approx(float("nan"), nan_ok=True))
    assert cluster_ratio([], [])[0] == Interval(-1.0, 1.0)
    zero, variance = cluster_ratio([0.0, 0.0, 0.0], [5.0, 5.0, 5.0])
    assert zero == Interval(0.0, 0.0) and variance == 0.0
    with pytest.raises(ValueError, match="one length"):
        cluster_ratio([1.0], [1.0, 2.0])


def test_cluster_ratio_covers_a_shared_component() -> None:
    """Pairs of one cluster share a component (like variants sharing a placebo draw): the sandwich interval
    keeps its coverage where treating the pairs as independent does not."""
    rng = np.random.default_rng(3)
    covered = naive = 0
    runs = 400
    for _ in range(runs):
        shared = rng.normal(0, 1, 20)
        values = [shared[c] + rng.normal(0, 1, 6) for c in range(20)]
        totals = [float(v.sum()) for v in values]
        interval, _ = cluster_ratio(totals, [6.0] * 20, low=-10, high=10)
        covered += interval.low <= 0 <= interval.high
        flat = np.concatenate(values)
        half = z_value(0.95) * flat.std() / math.sqrt(flat.size)
        naive += abs(flat.mean()) <= half
    assert covered / runs > 0.92 and naive / runs < 0.8


def test_widen_scales_both_arms_and_clips() -> None:
    assert widen(Interval(0.1, 0.4), 0.2, 4.0) == Interval(pytest.approx(-0.2), pytest.approx(1.0))
    assert widen(Interval(0.1, 0.4), 0.2, 0.5) == Interval(0.1, 0.4)  # never narrower
    assert widen(Interval(0.1, 0.4), 0.2, 2.0, low=0.0) == Interval(0.0, pytest.approx(0.6))
