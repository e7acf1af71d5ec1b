"""Retry policy for judge calls: which failures are retried, and how long to wait before the next attempt.

Waits grow exponentially with *full jitter* (a uniform draw between zero and the exponential ceiling), which
spreads a crowd of clients that failed together. A server's ``Retry-After`` (seconds or an HTTP-date) takes
precedence: the wait is at least what the server asked for, plus a little jitter so that the retries do not
arrive together. Every wait is capped.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.retry_after import parse_retry_after
from judgeprobe.harness.core.verdict import Verdict, is_retryable

__all__ = ["RetryPolicy"]


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
