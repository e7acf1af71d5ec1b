"""Retry policy: which errors are retried, full-jitter backoff, Retry-After in seconds and HTTP-date, caps."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.retry_after import parse_retry_after
from judgeprobe.harness.core.verdict import RETRYABLE, ErrorKind, Verdict, is_retryable
from judgeprobe.harness.run.retry import RetryPolicy

NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2", 2.0),
        (" 1.5 ", 1.5),
        (3, 3.0),
        (0.25, 0.25),
        ("-4", 0.0),
        (None, None),
        ("", None),
        ("soon", None),
        ("nan", None),
        (True, None),
    ],
)
def test_retry_after_seconds(value: object, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_retry_after_http_date() -> None:
    later = format_datetime(NOW + timedelta(seconds=90), usegmt=True)
    assert later.endswith("GMT")
    assert parse_retry_after(later, now=NOW.timestamp()) == pytest.approx(90.0)
    earlier = format_datetime(NOW - timedelta(seconds=5), usegmt=True)
    assert parse_retry_after(earlier, now=NOW.timestamp()) == 0.0
    # A zone-less date (``-0000``) is read as UTC.
    assert parse_retry_after("Sat, 28 Nov 2026 12:00:30 -0000", now=NOW.timestamp()) == pytest.approx(30.0)


def test_only_transient_errors_are_retryable() -> None:
    assert {ErrorKind.TIMEOUT, ErrorKind.RATE_LIMIT, ErrorKind.SERVER, ErrorKind.CONNECTION} == RETRYABLE
    for kind in ErrorKind:
        assert is_retryable(Verdict.error(kind, "x")) == (kind in RETRYABLE)
    assert not is_retryable(Verdict.unscored("garbled"))
    assert not is_retryable(Verdict.judged("correct"))


def test_should_retry_stops_after_max_retries() -> None:
    policy = RetryPolicy(max_retries=2)
    error = Verdict.error(ErrorKind.SERVER, "HTTP 500")
    assert [policy.should_retry(error, attempt=n) for n in (1, 2, 3)] == [True, True, False]


def test_backoff_is_full_jitter_under_an_exponential_ceiling() -> None:
    policy = RetryPolicy(base_s=0.5, max_s=4.0, rng=random.Random(1))
    for attempt, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (9, 4.0)]:
        delays = [policy.delay(attempt) for _ in range(200)]
        assert all(0.0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8 and min(delays) < ceiling * 0.2  # spread over the whole range


def test_retry_after_is_honoured_with_a_little_jitter_and_capped() -> None:
    policy = RetryPolicy(base_s=0.5, max_s=10.0, rng=random.Random(2))
    delays = [policy.delay(1, retry_after="3") for _ in range(100)]
    assert all(3.0 <= d <= 3.5 for d in delays)
    assert policy.delay(1, retry_after=120) == 10.0
    assert 0.0 <= policy.delay(1, retry_after="garbage") <= 0.5


def test_invalid_policy_is_refused() -> None:
    with pytest.raises(ConfigError, match="max_retries"):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ConfigError, match="base_s=-1"):
        RetryPolicy(base_s=-1)
