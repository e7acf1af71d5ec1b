"""The shared base of chat-model judges: render the template, make one attempt, parse the reply.

A subclass implements :meth:`LLMJudge.complete` (one HTTP call, one subprocess, one scripted reply) and
raises :class:`AttemptFailed` when the attempt produced no reply. Everything else — choosing the template
for the request's mode, rendering it, timing, parsing the reply through
:mod:`judgeprobe.harness.judges.parsing`,
attaching the prompt, raw reply and token usage — happens here, identically for every backend.

**One attempt per call.** Retries, backoff, concurrency limits and ``Retry-After`` belong to the runner
(:mod:`judgeprobe.harness.run.runner`, :mod:`judgeprobe.harness.run.retry`). A failed attempt comes back as
``Verdict.error(kind, reason, meta={"retry_after": seconds or None, "status": http_status or None})``.
Which kinds are worth another attempt::

    ErrorKind      retryable   raised for
    RATE_LIMIT     yes         HTTP 429 (meta["retry_after"] from Retry-After: seconds or an HTTP-date)
    SERVER         yes         HTTP 5xx, or a 2xx whose body is not the API's JSON
    CONNECTION     yes         connect/read/write failures, connection closed without a reply
    TIMEOUT        yes         no reply within the configured timeout (also HTTP 408)
    CLIENT         no          other 4xx: bad request, unauthorised, unknown model
    CRASH          no          the backend itself failed (a bug, a crashed judge program)

:func:`retryable` answers the same question in code (it is :data:`judgeprobe.harness.core.verdict.RETRYABLE`).

**Templates and the configuration hash.** A judge configured with ``template`` uses that template for its
mode only (other modes are skipped); without one it uses the shipped template of each mode. The text of the
template(s) in use is written into ``JudgeConfig.template_text`` before the configuration is hashed, so
editing a prompt makes a new judge.

**Secrets.** An API key is read from the environment variable named by ``api_key_env`` at call time and
never stored on the judge; any error text that echoes it is scrubbed before it reaches a verdict.
"""

from __future__ import annotations

import json
import os
import time
from abc import abstractmethod
from dataclasses import dataclass, field, replace
from typing import Any

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.retry_after import parse_retry_after
from judgeprobe.harness.core.verdict import RETRYABLE, ErrorKind, Verdict
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.parsing import parse_reply
from judgeprobe.harness.judges.registry import JudgeConfig
from judgeprobe.harness.judges.templating import SHIPPED_TEMPLATES, Template

__all__ = ["AttemptFailed", "Completion", "LLMJudge", "kind_for_status", "read_api_key", "retryable", "scrub"]


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
    """Prompt tokens the backend reported."""
    output_tokens: int | None = None
    """Reply tokens the backend reported."""
    cached_input_tokens: int | None = None
    """Of ``input_tokens``: those the backend reports as read from its prompt cache."""
    truncated: bool = False
    """The reply was cut at the token limit."""
    meta: dict[str, Any] = field(default_factory=dict)
    """Extras recorded in ``Verdict.meta`` (JSON-serialisable)."""


class AttemptFailed(Exception):
    """Raised by :meth:`LLMJudge.complete` when an attempt produced no reply."""

    def __init__(
        self, kind: ErrorKind, reason: str, *, status: int | None = None, retry_after: float | None = None
    ):
        """Describe the failure; ``retry_after`` in seconds."""
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.status = status
        self.retry_after = retry_after

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


class LLMJudge(Judge):
    """Base of judges that send a rendered prompt to a chat model and parse its reply."""

    def __init__(self, config: JudgeConfig) -> None:
        """Resolve the template(s), fill ``template_text`` into the configuration and hash it."""
        if config.template:
            template = Template.load(config.template)
            self.templates: dict[Mode, Template] = {template.mode: template}
            text = template.text
        else:
            self.templates = {mode: Template.for_mode(mode) for mode in SHIPPED_TEMPLATES}
            text = "".join(f"=== {t.name} ===\n{t.text}" for t in self.templates.values())
        self.config = config.model_copy(update={"template_text": text})
        self.config_hash = self.config.content_hash()
        self.name = self.config.display_name()

    def preflight(self) -> None:
        """Fail before the first call when the API key variable is configured but not set."""
        read_api_key(self.config.api_key_env)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, config_hash={self.config_hash!r})"

    def supports(self, mode: Mode) -> bool:
        """Whether a template is configured for ``mode``."""
        return mode in self.templates

    def render(self, request: JudgeRequest) -> str:
        """The prompt for ``request`` (its mode must be supported)."""
        return self.templates[request.mode].render(request)

    def messages(self, prompt: str) -> list[dict[str, str]]:
        """Chat messages carrying ``prompt`` (one user message, as the HLE judge sends)."""
        return [{"role": "user", "content": prompt}]

    @abstractmethod
    async def complete(self, request: JudgeRequest, prompt: str) -> Completion:
        """Make one attempt; raise :class:`AttemptFailed` when it produces no reply."""

    def _secret(self) -> str | None:
        """The secret to scrub from error text (``None`` when the backend has none)."""
        return None

    async def judge(self, request: JudgeRequest) -> Verdict:
        """Render, make one attempt, parse. Judge-side failures come back as verdicts, never raised."""
        if not self.supports(request.mode):
            modes = ", ".join(str(m) for m in self.templates)
            return Verdict.skipped(f"judge {self.name} has a template for {modes} only, not {request.mode}")
        prompt = self.render(request)
        started = time.perf_counter()
        try:
            completion = await self.complete(request, prompt)
        except AttemptFailed as exc:
            secret = self._secret()
            meta = {"retry_after": exc.retry_after, "status": exc.status}
            return Verdict.error(
                exc.kind,
                scrub(exc.reason, secret),
                prompt=prompt,
                latency_s=time.perf_counter() - started,
                meta=meta,
            )
        latency = time.perf_counter() - started
        verdict = parse_reply(request.mode, completion.text, request)
        meta = {**verdict.meta, **completion.meta}
        reason = verdict.reason
        if completion.truncated:
            meta["truncated"] = True
            if reason is not None:
                reason = f"{reason} (the reply was cut at the token limit)"
        return replace(
            verdict,
            reason=reason,
            prompt=prompt,
            latency_s=latency,
            input_tokens=completion.input_tokens,
            output_tokens=completion.output_tokens,
            cached_input_tokens=completion.cached_input_tokens,
            meta=meta,
        )
