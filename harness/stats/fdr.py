"""Benjamini–Hochberg false-discovery-rate control.

One family per report: every test the report makes a *biased* claim from goes into one call, and the
report states that scope.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["benjamini_hochberg"]


def benjamini_hochberg(p_values: Sequence[float | None]) -> list[float | None]:
    """BH-adjusted q-values, in input order.

    ``q_(i) = min_{j >= i} p_(j) * m / j`` over the ``m`` p-values that exist, capped at 1. Entries that are
    ``None`` or NaN (no test was possible) stay ``None`` and do not count towards ``m``.
    """
    present = [(i, float(p)) for i, p in enumerate(p_values) if p is not None and not math.isnan(p)]
    for _, p in present:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"expected p-values in [0, 1], got {p!r}")
    out: list[float | None] = [None] * len(p_values)
    m = len(present)
    if m == 0:
        return out
    ordered = sorted(present, key=lambda item: item[1])
    running = 1.0
    for rank in range(m, 0, -1):
        index, p = ordered[rank - 1]
        running = min(running, p * m / rank)
        out[index] = min(1.0, running)
    return out
