"""Group-sequential boundaries: critical values that keep a two-sided error rate over repeated looks.

A test looked at after every round of draws, up to ``R`` rounds, sees a statistic ``Z_k`` at look ``k``
whose information grows with ``k``: under the null hypothesis ``Z_k sqrt(t_k)`` (with ``t_k = k / R``)
behaves like Brownian motion at time ``t_k`` (independent, equal increments per round). A test that rejects
at the first look with ``|Z_k| >= c_k`` has a false-alarm rate of ``P(some |Z_k| >= c_k)``, which is larger
than the rate of any single look: that inflation is what repeated looks cost and what the boundaries here
pay for.

The boundaries are of the Wang–Tsiatis power family, ``c_k = C * t_k ** (shape - 1/2)``: ``shape = 0`` is
O'Brien–Fleming's (very strict early looks, almost the fixed-sample value at the last one), ``shape = 1/2``
Pocock's (the same value at every look). ``C`` is chosen so that the crossing probability is exactly
``alpha``; it is computed by the recursive numerical integration of Armitage, McPherson and Rowe (1969) on
the Brownian-motion scale (see Jennison & Turnbull, *Group Sequential Methods*, 2000, ch. 19).

Read with the intervals: ``estimate ± c_k * se_k`` at every look ``k`` are *repeated confidence intervals*,
which cover the true value at all looks at once with probability ``1 - alpha``; a decision read from the
interval of whichever look the sampling stopped at keeps that error rate (Jennison & Turnbull 1989). The
*repeated p-value* of a look is the smallest ``alpha`` whose boundary the look's statistic reaches.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

__all__ = [
    "boundary",
    "boundary_constant",
    "crossing_probability",
    "nominal_alpha",
    "repeated_p_value",
]

_GRID = 101
"""Grid points per look (odd, for Simpson's rule); the crossing probabilities are then right to about 1e-6."""


def _simpson(n: int) -> np.ndarray:
    weights = np.ones(n)
    weights[1:-1:2] = 4.0
    weights[2:-1:2] = 2.0
    return weights / 3.0


def crossing_probability(bounds: tuple[float, ...]) -> float:
    """``P(|Z_k| >= bounds[k-1] for some look k)`` under the null, with equally spaced information.

    Args:
        bounds: The critical value of each look (positive; ``inf`` for a look that cannot reject).
    """
    looks = len(bounds)
    if looks == 0:
        return 0.0
    times = np.arange(1, looks + 1) / looks
    edges = [min(float(b), 40.0) * math.sqrt(t) for b, t in zip(bounds, times, strict=True)]
    weights = _simpson(_GRID)
    grid = np.linspace(-edges[0], edges[0], _GRID)
    step = grid[1] - grid[0]
    density = np.exp(-0.5 * grid**2 / times[0]) / math.sqrt(2.0 * math.pi * times[0])
    mass = density * weights * step
    for k in range(1, looks):
        spread = times[k] - times[k - 1]
        nxt = np.linspace(-edges[k], edges[k], _GRID)
        gap = nxt[:, None] - grid[None, :]
        kernel = np.exp(-0.5 * gap**2 / spread) / math.sqrt(2.0 * math.pi * spread)
        density = kernel @ mass
        grid = nxt
        step = grid[1] - grid[0]
        mass = density * weights * step
    return float(min(1.0, max(0.0, 1.0 - mass.sum())))


def _shape_factors(looks: int, shape: float) -> tuple[float, ...]:
    return tuple((k / looks) ** (shape - 0.5) for k in range(1, looks + 1))


@lru_cache(maxsize=256)
def boundary_constant(alpha: float, looks: int, shape: float) -> float:
    """The ``C`` of ``c_k = C * (k / looks) ** (shape - 1/2)`` whose crossing probability is ``alpha``.

    Raises:
        ValueError: ``alpha`` outside ``(0, 1)``, fewer than one look, or a shape outside ``[0, 1/2]``.
    """
    if not 0.0 < alpha < 1.0 or looks < 1 or not 0.0 <= shape <= 0.5:
        raise ValueError(
            f"expected 0 < alpha < 1, looks >= 1 and 0 <= shape <= 0.5, got alpha={alpha!r}, "
            f"looks={looks!r}, shape={shape!r}"
        )
    factors = _shape_factors(looks, shape)
    low, high = 0.0, 40.0
    for _ in range(60):
        mid = (low + high) / 2.0
        if crossing_probability(tuple(mid * f for f in factors)) > alpha:
            low = mid
        else:
            high = mid
    return (low + high) / 2.0


def boundary(alpha: float, looks: int, shape: float) -> tuple[float, ...]:
    """The critical value of every look: ``c_k = C * (k / looks) ** (shape - 1/2)`` for ``k = 1..looks``."""
    constant = boundary_constant(alpha, looks, shape)
    return tuple(constant * f for f in _shape_factors(looks, shape))


def nominal_alpha(critical: float) -> float:
    """The two-sided level of one look's critical value taken alone: ``2 (1 - Phi(c))``."""
    return math.erfc(critical / math.sqrt(2.0))


def repeated_p_value(z: float, look: int, looks: int, shape: float) -> float:
    """The smallest ``alpha`` whose boundary ``|z|`` reaches at ``look``: a p-value that stays valid
    whichever look the sampling stopped at.

    Args:
        z: The look's standardised statistic (its sign is ignored).
        look: The look, ``1..looks``.
        looks: Planned looks.
        shape: Boundary shape (see :func:`boundary`).
    """
    if not 1 <= look <= looks:
        raise ValueError(f"expected 1 <= look <= looks, got look={look}, looks={looks}")
    if not math.isfinite(z):
        return 0.0
    factors = _shape_factors(looks, shape)
    constant = abs(z) / factors[look - 1]
    return crossing_probability(tuple(constant * f for f in factors))
