"""A model call's outcome: the reply (:class:`Completion`) or why there was none (:class:`AttemptFailed`).

**One attempt per call.** Retries, backoff, concurrency limits and ``Retry-After`` belong to the runner
(:mod:`judgeprobe.harness.run.runner`, :mod:`judgeprobe.harness.run.retry`). A failed attempt comes back as
``Verdict.error(kind, reason, meta={"retry_after": seconds or None, "status": http_status or None})``, with
``meta["unreachable"] = True`` when no connection could be opened at all.
Which kinds are worth another attempt::

    ErrorKind      retryable   raised for
    RATE_LIMIT     yes         HTTP 429 (meta["retry_after"] from Retry-After: seconds or an HTTP-date)
    SERVER         yes         HTTP 5xx, or a 2xx whose body is not the API's JSON
    CONNECTION     yes         connect/read/write failures, connection closed without a reply
    TIMEOUT        yes         no reply within the configured timeout (also HTTP 408)
    CLIENT         no          other 4xx: bad request, unauthorised, unknown model
    CRASH          no          the backend itself failed (a bug, a crashed judge program)

:func:`retryable` answers the same question in code (it is :data:`judgeprobe.harness.core.verdict.RETRYABLE`).

**Secrets.** An API key is read from the environment variable named by ``api_key_env`` at call time and
never stored on the judge; any error text that echoes it is scrubbed (:func:`scrub`) before it reaches a
verdict.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.retry_after import parse_retry_after
from judgeprobe.harness.core.verdict import RETRYABLE, ErrorKind, TokenUsage
from judgeprobe.harness.judges.logprobs import TokenLogprob

__all__ = ["AttemptFailed", "Completion", "kind_for_status", "read_api_key", "retryable", "scrub"]


def retryable(kind: ErrorKind | None) -> bool:
    """Whether an error of ``kind`` may succeed on another attempt (see the module docstring's table)."""
    return kind in RETRYABLE


def kind_for_status(status: int) -> ErrorKind:
    """The error kind of a failed HTTP status."""
    if status == 429:
        return ErrorKind.RATE_LIMIT
    if status == 408:
        return ErrorKind.TIMEOUT
    if status >= 500:
        return ErrorKind.SERVER
    return ErrorKind.CLIENT


def scrub(text: str, secret: str | None) -> str:
    """``text`` with every occurrence of ``secret`` replaced by ``***``."""
    if secret and secret in text:
        return text.replace(secret, "***")
    return text


def read_api_key(env_name: str | None) -> str | None:
    """The API key from the environment variable ``env_name`` (``None`` when no variable is configured).

    Raises:
        ConfigError: The variable is configured but not set; the message names the variable, never a value.
    """
    if not env_name:
        return None
    value = os.environ.get(env_name, "").strip()
    if not value:
        raise ConfigError(
            f"the judge's API key variable {env_name} is not set; export {env_name}=... "
            "or set api_key_env to another variable"
        )
    return value


@dataclass(frozen=True, slots=True)
class Completion:
    """What one successful attempt returned."""

    text: str
    """The reply text (may be empty; the parser decides)."""
    input_tokens: int | None = None
    """Prompt tokens the backend reported (every prompt token, cached ones included)."""
    output_tokens: int | None = None
    """Reply tokens the backend reported."""
    truncated: bool = False
    """The reply was cut at the token limit."""
    meta: dict[str, Any] = field(default_factory=dict)
    """Extras recorded in ``Verdict.meta`` (JSON-serialisable)."""
    usage: TokenUsage | None = None
    """Detailed token usage (cache and reasoning tokens) where the backend reports it."""
    logprobs: tuple[TokenLogprob, ...] | None = None
    """Log-probabilities of the reply tokens, when they were asked for and returned."""
    refusal: str | None = None
    """The model's refusal message, when it refused instead of answering."""

    def token_usage(self) -> TokenUsage:
        """The usage to record: :attr:`usage`, or the two plain counts."""
        if self.usage is not None:
            return self.usage
        if self.input_tokens is None and self.output_tokens is None:
            return _NO_USAGE
        return TokenUsage(input_tokens=self.input_tokens, output_tokens=self.output_tokens)


_NO_USAGE = TokenUsage()


class AttemptFailed(Exception):
    """Raised by :meth:`LLMJudge.complete` when an attempt produced no reply."""

    def __init__(
        self,
        kind: ErrorKind,
        reason: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        unreachable: bool = False,
    ):
        """Describe the failure; ``retry_after`` in seconds; ``unreachable``: no connection could be opened
        at all (recorded as ``meta["unreachable"]``; a run stops when that happens call after call)."""
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.status = status
        self.retry_after = retry_after
        self.unreachable = unreachable

    @classmethod
    def from_status(cls, status: int, body: str, retry_after_header: str | None) -> AttemptFailed:
        """An HTTP error reply: kind from the status, reason from the body's error message."""
        return cls(
            kind_for_status(status),
            f"HTTP {status}: {_error_message(body)}",
            status=status,
            retry_after=parse_retry_after(retry_after_header),
        )


def _error_message(body: str) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return body.strip()[:300] or "(empty body)"
    if isinstance(data, dict):
        error = data.get("error", data)
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])[:300]
        if isinstance(error, str):
            return error[:300]
    return body.strip()[:300]
