"""Retry policy for judge calls: which failures are retried, and how long to wait before the next attempt.

Waits grow exponentially with *full jitter* (a uniform draw between zero and the exponential ceiling), which
spreads a crowd of clients that failed together. A server's ``Retry-After`` (seconds or an HTTP-date) takes
precedence: the wait is at least what the server asked for, plus a little jitter so that the retries do not
arrive together. Every wait is capped.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from harness.errors import ConfigError
from harness.judges.base import ErrorKind, Status, Verdict

__all__ = ["RETRYABLE", "RetryPolicy", "is_retryable", "parse_retry_after"]

RETRYABLE: frozenset[ErrorKind] = frozenset(
    {ErrorKind.TIMEOUT, ErrorKind.RATE_LIMIT, ErrorKind.SERVER, ErrorKind.CONNECTION}
)
"""Error kinds worth another attempt (the others fail the same way every time)."""


def is_retryable(verdict: Verdict) -> bool:
    """Whether ``verdict`` is an error that another attempt may fix."""
    return verdict.status is Status.ERROR and verdict.error_kind in RETRYABLE


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


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to retry and how long to wait between attempts."""

    max_retries: int = 4
    """Retries after the first attempt (so at most ``max_retries + 1`` attempts)."""
    base_s: float = 0.5
    """Ceiling of the first wait; the ceiling doubles with every retry."""
    max_s: float = 30.0
    """Cap on every wait, ``Retry-After`` included."""
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)
    """Source of jitter (pass a seeded one for reproducible tests)."""

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ConfigError(f"max_retries must be >= 0, got max_retries={self.max_retries}")
        if self.base_s < 0 or self.max_s < 0:
            raise ConfigError(f"backoff times must be >= 0, got base_s={self.base_s}, max_s={self.max_s}")

    def should_retry(self, verdict: Verdict, *, attempt: int) -> bool:
        """Whether to try again after attempt number ``attempt`` (1-based) ended in ``verdict``."""
        return attempt <= self.max_retries and is_retryable(verdict)

    def delay(self, attempt: int, *, retry_after: object = None) -> float:
        """Seconds to wait after attempt number ``attempt`` (1-based) failed.

        Args:
            attempt: The attempt that just failed (1 for the first).
            retry_after: The server's ``Retry-After`` (seconds or HTTP-date), if it sent one.
        """
        ceiling = min(self.max_s, self.base_s * 2.0 ** max(0, attempt - 1))
        asked = parse_retry_after(retry_after)
        if asked is not None:
            return min(self.max_s, asked + self.rng.uniform(0.0, min(self.base_s, ceiling)))
        return self.rng.uniform(0.0, ceiling)
