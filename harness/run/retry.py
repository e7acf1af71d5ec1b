"""Retry policy for judge calls: which failures are retried, and how long to wait before the next attempt.

Waits grow exponentially with *full jitter* (a uniform draw between zero and the exponential ceiling), which
spreads a crowd of clients that failed together. A server's ``Retry-After`` (seconds or an HTTP-date) takes
precedence: the wait is at least what the server asked for, plus a little jitter so that the retries do not
arrive together. Every wait is capped.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.retry_after import parse_retry_after
from judgeprobe.harness.core.verdict import Verdict, is_empty_reply, is_retryable

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
    empty_retries: int = 2
    """Retries of an empty reply (also bounded by ``max_retries``); then it is recorded unscored."""

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ConfigError(f"max_retries must be >= 0, got max_retries={self.max_retries}")
        if self.empty_retries < 0:
            raise ConfigError(f"empty_retries must be >= 0, got empty_retries={self.empty_retries}")
        if self.base_s < 0 or self.max_s < 0:
            raise ConfigError(f"backoff times must be >= 0, got base_s={self.base_s}, max_s={self.max_s}")

    def should_retry(self, verdict: Verdict, *, attempt: int) -> bool:
        """Whether to try again after attempt number ``attempt`` (1-based) ended in ``verdict``: a retryable
        error, or an empty reply (at most :attr:`empty_retries` times)."""
        if is_empty_reply(verdict):
            return attempt <= min(self.max_retries, self.empty_retries)
        return attempt <= self.max_retries and is_retryable(verdict)

    def settle(self, verdict: Verdict, *, attempt: int) -> Verdict:
        """The verdict to record after the last attempt: its attempt count set, and an empty reply's reason
        saying how many attempts were empty."""
        if is_empty_reply(verdict) and attempt > 1:
            verdict = replace(
                verdict, reason=f"{verdict.reason or 'empty reply'} (empty on {attempt} attempts)"
            )
        return verdict if verdict.attempts == attempt else replace(verdict, attempts=attempt)

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
