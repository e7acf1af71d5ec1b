"""Each statistic against values computed by hand (or published worked examples)."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from judgeprobe.harness.stats.calibration import rms_calibration_error
from judgeprobe.harness.stats.exact import binomial_cdf_half, mcnemar
from judgeprobe.harness.stats.fdr import benjamini_hochberg
from judgeprobe.harness.stats.intervals import cluster_bootstrap_difference, newcombe_paired, wilson, z_value
from judgeprobe.harness.stats.power import minimum_detectable_effect, pair_variance, pairs_to_decide


def test_z_value_at_95_percent() -> None:
    assert z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        z_value(1.0)


def test_wilson_matches_hand_computation() -> None:
    # 5/10: centre (0.5 + z^2/20)/(1 + z^2/10) = 0.5; half = z/(1+z^2/10) * sqrt(0.025 + z^2/400)
    z = 1.959963984540054
    half = z / (1 + z * z / 10) * math.sqrt(0.025 + z * z / 400)
    ci = wilson(5, 10)
    assert ci.low == pytest.approx(0.5 - half) and ci.high == pytest.approx(0.5 + half)
    assert (round(ci.low, 4), round(ci.high, 4)) == (0.2366, 0.7634)


def test_wilson_edges() -> None:
    assert wilson(0, 0).as_list() == [0.0, 1.0]
    zero = wilson(0, 10)
    assert zero.low == pytest.approx(0.0, abs=1e-12)
    assert zero.high == pytest.approx(z_value(0.95) ** 2 / (10 + z_value(0.95) ** 2))  # 3.84/13.84
    assert wilson(10, 10).high == 1.0
    with pytest.raises(ValueError, match="0 <= successes <= n"):
        wilson(11, 10)


def test_newcombe_paired_published_example() -> None:
    # Newcombe (1998) example: a=36, b=12, c=2, d=0 -> difference 0.2, 95% CI 0.0569 to 0.3404
    ci = newcombe_paired(36, 12, 2, 0)
    assert (round(ci.low, 4), round(ci.high, 4)) == (0.0569, 0.3404)


def test_newcombe_paired_uncorrelated_is_square_and_add() -> None:
    # a=0 and d=0 with b, c > 0: cross-product -bc < 0, phi = -bc / sqrt(margins)
    a, b, c, d = 0, 3, 1, 0
    n = 4
    l1, u1 = wilson(3, n).as_list()
    l2, u2 = wilson(1, n).as_list()
    phi = -3 / math.sqrt(3 * 1 * 1 * 3)
    p1, p2 = 0.75, 0.25
    low = 0.5 - math.sqrt((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2)
    ci = newcombe_paired(a, b, c, d)
    assert ci.low == pytest.approx(low)
    assert ci.high == 1.0 or ci.high == pytest.approx(
        0.5 + math.sqrt((u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2)
    )
    assert newcombe_paired(0, 0, 0, 0).as_list() == [-1.0, 1.0]


def test_mcnemar_exact_and_midp_by_hand() -> None:
    # b=1, c=7: n=8, P(X<=1) = 9/256; exact = 18/256; mid-p = 2*(9/256 - 8/512) = 10/256
    result = mcnemar(1, 7)
    assert result.p_exact == pytest.approx(18 / 256)
    assert result.p_midp == pytest.approx(10 / 256)
    assert mcnemar(7, 1).p_exact == pytest.approx(18 / 256)


def test_mcnemar_edges() -> None:
    assert mcnemar(0, 0).p_exact == 1.0
    assert mcnemar(4, 4).p_exact == 1.0
    assert mcnemar(4, 4).p_midp == pytest.approx(1.0)
    assert mcnemar(10, 0).p_exact == pytest.approx(2 / 1024)
    assert mcnemar(10, 0).p_midp == pytest.approx(1 / 1024)
    with pytest.raises(ValueError, match="non-negative"):
        mcnemar(-1, 2)


def test_binomial_cdf_is_stable_for_large_n() -> None:
    centre = float(Fraction(math.comb(10_000, 5_000), 2**10_000))
    assert binomial_cdf_half(10_000, 5_000) == pytest.approx(0.5 + 0.5 * centre)
    assert binomial_cdf_half(3, 1) == pytest.approx(4 / 8)


def test_benjamini_hochberg_by_hand() -> None:
    # sorted p: 0.01, 0.02, 0.03, 0.5 (m=4): raw q = 0.04, 0.04, 0.04, 0.5 (monotone from the top)
    assert benjamini_hochberg([0.03, 0.5, 0.01, 0.02]) == pytest.approx([0.04, 0.5, 0.04, 0.04])
    # p = 0.01, 0.04 (m=2): q = 0.02, 0.04
    assert benjamini_hochberg([0.04, 0.01]) == pytest.approx([0.04, 0.02])


def test_benjamini_hochberg_skips_missing_and_caps() -> None:
    assert benjamini_hochberg([None, 0.5, float("nan"), 0.9]) == [None, 0.9, None, 0.9]
    assert benjamini_hochberg([]) == []
    with pytest.raises(ValueError, match="p-values in"):
        benjamini_hochberg([1.5])


def test_calibration_counts_the_last_bin() -> None:
    # sorted: 0.7 (right), 0.8 (wrong) | 0.9 (right): bins (0.75 vs 0.5), (0.9 vs 1.0)
    result = rms_calibration_error([0.9, 0.8, 0.7], [True, False, True], bin_size=2)
    assert result is not None
    assert [b.n for b in result.bins] == [2, 1]
    assert result.rms == pytest.approx(math.sqrt(2 / 3 * 0.25**2 + 1 / 3 * 0.1**2))


def test_calibration_below_one_bin_and_empty() -> None:
    result = rms_calibration_error([1.0] * 10, [True] * 7 + [False] * 3)
    assert result is not None and len(result.bins) == 1
    assert result.rms == pytest.approx(0.3)
    assert rms_calibration_error([], []) is None
    with pytest.raises(ValueError, match="divide percent by 100"):
        rms_calibration_error([90.0], [True])


def test_calibration_hle_binning_of_250_items() -> None:
    conf = [i / 250 for i in range(250)]
    result = rms_calibration_error(conf, [True] * 250)
    assert result is not None
    assert [b.n for b in result.bins] == [100, 100, 50]


def test_cluster_bootstrap_is_seeded_and_brackets_the_estimate() -> None:
    first, second, sizes = [3, 2, 4, 1, 3], [0, 1, 0, 0, 1], [4, 4, 4, 4, 4]
    ci1, var1 = cluster_bootstrap_difference(first, second, sizes, seed=7)
    ci2, var2 = cluster_bootstrap_difference(first, second, sizes, seed=7)
    assert ci1 == ci2 and var1 == var2
    estimate = (13 - 2) / 20
    assert ci1.low <= estimate <= ci1.high
    assert cluster_bootstrap_difference([], [], [])[0].as_list() == [-1.0, 1.0]


def test_pair_variance_and_mde_by_hand() -> None:
    assert pair_variance(0.0, 0.1) == pytest.approx(0.1 - 0.01)
    assert pair_variance(0.2, 0.0) == pytest.approx(2 * 0.2 * 0.8)
    # p0 = 0: delta^2 (1 + k) = delta k  ->  delta = k / (1 + k), k = (1.96 + 0.8416)^2 / n
    k = (1.959963984540054 + 0.8416212335729143) ** 2 / 100
    assert minimum_detectable_effect(100, placebo_rate=0.0) == pytest.approx(k / (1 + k))
    assert minimum_detectable_effect(0, placebo_rate=0.1) is None
    assert minimum_detectable_effect(1, placebo_rate=0.5) is None
    # more pairs, smaller MDE; a design effect acts like fewer pairs
    assert minimum_detectable_effect(400, placebo_rate=0.1) < minimum_detectable_effect(100, placebo_rate=0.1)  # type: ignore[operator]
    assert minimum_detectable_effect(200, placebo_rate=0.1, design_effect=2.0) == pytest.approx(
        minimum_detectable_effect(100, placebo_rate=0.1)
    )


def test_pairs_to_decide_by_hand() -> None:
    # p0 = 0, threshold 0.05: variance 0.05 - 0.0025 = 0.0475; n = 0.0475 * (2 * 1.96 / 0.05)^2
    expected = math.ceil(0.0475 * (2 * 1.959963984540054 / 0.05) ** 2)
    assert pairs_to_decide(placebo_rate=0.0, threshold=0.05) == expected
    doubled = math.ceil(2 * 0.0475 * (2 * 1.959963984540054 / 0.05) ** 2)
    assert pairs_to_decide(placebo_rate=0.0, threshold=0.05, design_effect=2.0) == doubled
    with pytest.raises(ValueError, match="positive practical threshold"):
        pairs_to_decide(placebo_rate=0.1, threshold=0.0)
