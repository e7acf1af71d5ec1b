"""Reading a server's ``Retry-After`` value (seconds or an HTTP-date) into seconds to wait."""

from __future__ import annotations

import email.utils
import math
import time
from datetime import UTC, datetime

__all__ = ["parse_retry_after"]


def parse_retry_after(value: object, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: a number of seconds or an HTTP-date.

    Args:
        value: A number, a numeric string (``"2"``, ``"1.5"``), an HTTP-date string
            (``"Wed, 21 Oct 2015 07:28:00 GMT"``), or ``None``.
        now: Current Unix time for HTTP-dates (default: the clock).

    Returns:
        Non-negative seconds (a date in the past gives ``0.0``), or ``None`` when absent or unreadable.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return max(0.0, float(value)) if math.isfinite(value) else None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when: datetime = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; a zone-less date is read as UTC
        when = when.replace(tzinfo=UTC)
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)
