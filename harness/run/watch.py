"""The runner's watcher of judge calls: it stops a run whose judge keeps failing in a way no retry fixes, and
logs every attempt and retry for ``-v``.

**Blocking failures.** Some failures say nothing about the request and everything about the set-up: a key the
server refuses (HTTP 401/403), a model or path it does not know (404), requests it refuses as invalid (other
4xx: 400, 422, …; 408 and 429 are not among them, they are retried), and a server nobody answers at (the
connection could not even be opened: refused, unknown host). Once :attr:`CallWatch.limit` attempts in a
row have failed like that, with no reply in between, the watcher *trips*: the runner stops retrying, ends
the run, and the command exits with the configuration-error status, printing the server's reason and what
to check. Any attempt that reaches a server that answers (a verdict, an unreadable reply, a 5xx, a 429, a
timeout, a connection that broke mid-reply) ends the row.

Counting attempts rather than draws is what keeps a closed port cheap: the first few attempts trip the
watcher, instead of every planned draw spending its full retry budget on a server that is not there. The
price: a server restarting in the middle of a long run can trip it too. Nothing is lost (finished draws are
in the store) and rerunning the same command resumes; ``limit = 0`` never stops.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from judgeprobe.harness.core.errors import JudgeUnusable
from judgeprobe.harness.core.secrets import redact_secrets
from judgeprobe.harness.core.verdict import ErrorKind, Status, Verdict

__all__ = ["DEFAULT_FAILURE_LIMIT", "Blocking", "CallWatch", "blocking_failure"]

DEFAULT_FAILURE_LIMIT = 5
"""Blocking failures in a row that stop a run (``RunOptions.max_failures_in_a_row``)."""

log = logging.getLogger("judgeprobe.run")


@dataclass(frozen=True)
class Blocking:
    """What a blocking failure was."""

    what: str
    """Short name: ``authentication``, ``unknown model or URL``, ``invalid request``, ``no server``."""
    hint: str
    """What to check."""


_AUTH = Blocking(
    "authentication refused",
    "check the API key: the variable named by api_key_env in the judge file, and its value",
)
_NOT_FOUND = Blocking(
    "unknown model or URL",
    "check the judge's model name and base_url (an OpenAI-compatible base URL usually ends in /v1)",
)
_INVALID = Blocking(
    "request refused as invalid",
    "check the judge's params and the model's limits (the server's reason above says which)",
)
_NO_SERVER = Blocking(
    "no server answers",
    "check that the judge's server is running and that base_url names its host and port",
)


def blocking_failure(verdict: Verdict) -> Blocking | None:
    """The blocking failure ``verdict`` is, or ``None`` (a reply, or a failure worth retrying)."""
    if verdict.status is not Status.ERROR:
        return None
    meta = verdict.meta or {}
    if verdict.error_kind is ErrorKind.CONNECTION:
        return _NO_SERVER if meta.get("unreachable") else None
    if verdict.error_kind is not ErrorKind.CLIENT:
        return None
    status = meta.get("status")
    if status in (401, 403, 407):
        return _AUTH
    if status in (404, 410):
        return _NOT_FOUND
    return _INVALID


class CallWatch:
    """Sees every attempt of a run; trips after ``limit`` blocking failures in a row (``0``: never).

    Args:
        limit: Blocking failures in a row that stop the run.
        judge: The judge's display name, for the messages.
    """

    def __init__(self, limit: int = DEFAULT_FAILURE_LIMIT, *, judge: str = "the judge") -> None:
        self.limit = limit
        self.judge = judge
        self.in_a_row = 0
        """Blocking failures since the last attempt that reached an answering server."""
        self.first: tuple[Verdict, Blocking] | None = None
        """The first failure of the current row (its reason is the server's)."""
        self.tripped = False
        """The run must stop."""
        self.reason: str | None = None
        """Why, as it was when the watcher tripped (later attempts in flight do not change it)."""

    def attempt(self, verdict: Verdict, *, attempt: int, label: str = "") -> None:
        """Count one finished attempt (``attempt`` is 1-based) and log it."""
        blocking = blocking_failure(verdict)
        if log.isEnabledFor(logging.INFO):
            log.info("call %s attempt %d: %s", label or "-", attempt, describe(verdict))
        if blocking is None:
            self.in_a_row = 0
            self.first = None
            return
        self.in_a_row += 1
        if self.first is None:
            self.first = (verdict, blocking)
        if self.limit and self.in_a_row >= self.limit and not self.tripped:
            self.tripped = True
            self.reason = self.message()
            log.warning("stopping: %s", self.reason)

    def retry(self, verdict: Verdict, *, attempt: int, wait_s: float, label: str = "") -> None:
        """Log that attempt ``attempt`` is retried after ``wait_s`` seconds."""
        if log.isEnabledFor(logging.INFO):
            log.info(
                "retry %s after attempt %d (%s) in %.2f s", label or "-", attempt, describe(verdict), wait_s
            )

    def message(self) -> str:
        """Why the run stopped, with the server's reason and what to check."""
        if self.first is None:
            return f"{self.judge} kept failing"
        verdict, blocking = self.first
        reason = redact_secrets(verdict.reason or "no reason given")
        return (
            f"stopped after {self.in_a_row} judge calls in a row failed ({blocking.what}): {reason} — "
            f"{blocking.hint}. Judge: {self.judge}. Finished draws are kept; fix the cause and rerun the "
            "same command to resume."
        )

    def error(self) -> JudgeUnusable:
        """The exception that stops the run."""
        return JudgeUnusable(self.reason or self.message())


def describe(verdict: Verdict) -> str:
    """One line about an attempt's verdict: its status, then the outcome or the error kind and reason."""
    if verdict.status is Status.JUDGED:
        text = f"judged {verdict.outcome}"
    elif verdict.status is Status.ERROR:
        text = f"error {verdict.error_kind}: {verdict.reason}"
    else:
        text = f"{verdict.status}: {verdict.reason}"
    if verdict.latency_s is not None:
        text += f" ({verdict.latency_s:.2f} s)"
    return redact_secrets(text)
