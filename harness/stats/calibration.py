"""HLE-style accuracy and RMS calibration error, with the binning written down.

Binning (as in the HLE reference code, without its two defects): items are sorted by stated confidence
(stable, so ties keep their input order) and cut into consecutive bins of ``bin_size`` items (default 100).
The last bin holds whatever remains, however few, and **is counted**; with fewer than ``bin_size`` items
there is a single bin (the overall gap between mean confidence and accuracy), never an error. Each bin
contributes ``(mean confidence - accuracy)**2`` weighted by its share of the items; the calibration error is
the square root of the sum. Confidence is a proportion in ``[0, 1]`` (judges report percent; divide by 100).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["CalibrationBin", "CalibrationResult", "rms_calibration_error"]


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    """One bin of consecutive items by confidence."""

    n: int
    """Items in the bin."""
    mean_confidence: float
    """Mean stated confidence (proportion)."""
    accuracy: float
    """Share of the bin's items that were right."""


@dataclass(frozen=True, slots=True)
class CalibrationResult:
    """RMS calibration error and the bins it came from."""

    rms: float
    """Root-mean-square gap between confidence and accuracy, bins weighted by size (proportion)."""
    n: int
    """Items with a stated confidence."""
    bin_size: int
    """Target bin size (the last bin may be smaller)."""
    bins: tuple[CalibrationBin, ...]
    """The bins, lowest confidence first."""


def rms_calibration_error(
    confidence: Sequence[float], correct: Sequence[bool], *, bin_size: int = 100
) -> CalibrationResult | None:
    """RMS calibration error of items with stated ``confidence`` and outcome ``correct``.

    Args:
        confidence: Stated confidence per item, as proportions in ``[0, 1]``.
        correct: Whether each item was right.
        bin_size: Items per bin (the last bin takes the remainder).

    Returns:
        The result, or ``None`` when there are no items.
    """
    if len(confidence) != len(correct):
        raise ValueError(
            f"expected as many outcomes as confidences, got {len(correct)} and {len(confidence)}"
        )
    if bin_size < 1:
        raise ValueError(f"expected bin_size >= 1, got bin_size={bin_size}")
    for value in confidence:
        if not 0.0 <= value <= 1.0 or math.isnan(value):
            raise ValueError(
                f"expected confidences as proportions in [0, 1], got {value!r}; divide percent by 100"
            )
    n = len(confidence)
    if n == 0:
        return None
    order = sorted(range(n), key=lambda i: confidence[i])
    bins: list[CalibrationBin] = []
    total = 0.0
    for start in range(0, n, bin_size):
        chunk = order[start : start + bin_size]
        mean_conf = math.fsum(confidence[i] for i in chunk) / len(chunk)
        accuracy = sum(1 for i in chunk if correct[i]) / len(chunk)
        bins.append(CalibrationBin(len(chunk), mean_conf, accuracy))
        total += len(chunk) / n * (mean_conf - accuracy) ** 2
    return CalibrationResult(math.sqrt(total), n, bin_size, tuple(bins))
