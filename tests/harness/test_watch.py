"""The runner's call watcher: which failures block a run, and when a row of them stops it."""

from __future__ import annotations

import logging

import pytest

from judgeprobe.harness.core.verdict import ErrorKind, Verdict
from judgeprobe.harness.run.watch import CallWatch, blocking_failure


def _error(kind: ErrorKind, status: int | None = None, **meta: object) -> Verdict:
    return Verdict.error(kind, f"HTTP {status}" if status else "no reply", meta={"status": status, **meta})


def test_which_failures_block_and_which_are_worth_retrying() -> None:
    assert blocking_failure(_error(ErrorKind.CLIENT, 401)) is not None
    assert blocking_failure(_error(ErrorKind.CLIENT, 404)) is not None
    assert blocking_failure(_error(ErrorKind.CLIENT, 400)) is not None
    assert blocking_failure(_error(ErrorKind.CONNECTION, unreachable=True)) is not None
    assert blocking_failure(_error(ErrorKind.CONNECTION)) is None  # broke mid-reply: a server was there
    for kind in (ErrorKind.RATE_LIMIT, ErrorKind.SERVER, ErrorKind.TIMEOUT, ErrorKind.CRASH):
        assert blocking_failure(_error(kind, 500)) is None
    assert blocking_failure(Verdict.judged("correct")) is None
    assert blocking_failure(Verdict.unscored("no verdict")) is None


def test_the_watcher_trips_on_the_limit_and_any_answer_breaks_the_row() -> None:
    watch = CallWatch(3, judge="openai:m")
    refused = _error(ErrorKind.CLIENT, 401)
    for attempt in (1, 2):
        watch.attempt(refused, attempt=attempt)
    watch.attempt(_error(ErrorKind.SERVER, 503), attempt=3)  # a 503 is an answer: the row starts again
    watch.attempt(refused, attempt=1)
    watch.attempt(refused, attempt=1)
    assert not watch.tripped and watch.in_a_row == 2
    watch.attempt(refused, attempt=1)
    assert watch.tripped
    assert "3 judge calls in a row" in watch.message() and "openai:m" in watch.message()
    never = CallWatch(0)
    for _ in range(100):
        never.attempt(refused, attempt=1)
    assert not never.tripped


def test_attempts_and_retries_are_logged_with_secrets_redacted(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUDGEPROBE_WATCH_TEST_TOKEN", "tok-0123456789-secret")
    watch = CallWatch(5)
    echoed = Verdict.error(ErrorKind.CLIENT, "HTTP 401: bad key tok-0123456789-secret", meta={"status": 401})
    with caplog.at_level(logging.INFO, logger="judgeprobe.run"):
        watch.attempt(echoed, attempt=1, label="v1#0")
        watch.retry(Verdict.error(ErrorKind.SERVER, "HTTP 503"), attempt=1, wait_s=0.25, label="v2#0")
    text = caplog.text
    assert "call v1#0 attempt 1: error client" in text and "retry v2#0 after attempt 1" in text
    assert "in 0.25 s" in text
    assert "tok-0123456789-secret" not in text and "<JUDGEPROBE_WATCH_TEST_TOKEN>" in text
