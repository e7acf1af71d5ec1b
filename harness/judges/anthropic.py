"""The ``anthropic`` backend: the Anthropic Messages API over httpx (no SDK needed).

Spec ``anthropic:MODEL[@BASE_URL]``. The key is read at call time from ``ANTHROPIC_API_KEY`` unless
``api_key_env`` names another variable, and sent as ``x-api-key`` with ``anthropic-version``. The base URL
defaults to ``https://api.anthropic.com`` (requests go to ``{base}/v1/messages``); tests point it at a
loopback server. ``max_tokens`` is required by the API and defaults to 1024.

A template's ``system`` (and ``developer``) messages travel in the top-level ``system`` field, the others
as ``messages``. The reply is read through the text contract of the mode's template; ``structured_output =
"on"``, ``seed``, ``logprobs``, ``reasoning_effort`` and ``max_completion_tokens`` have no counterpart in
this API and are refused when the judge is loaded (extended thinking goes in ``params``, e.g.
``params = { thinking = { type = "enabled", budget_tokens = 2048 } }``). Token usage is recorded with cache
reads and writes (``cache_read_input_tokens``, ``cache_creation_input_tokens``) counted into the input.
"""

from __future__ import annotations

import os
from typing import Any

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import ErrorKind, TokenUsage
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.http import HttpJudge, model_at_url_name, model_at_url_spec, reject_overlap
from judgeprobe.harness.judges.llm import AttemptFailed, Completion, read_api_key
from judgeprobe.harness.judges.registry import JudgeConfig, register_backend
from judgeprobe.harness.judges.templating import ChatMessage
from judgeprobe.harness.judges.transport import Transport

__all__ = ["AnthropicJudge"]

DEFAULT_BASE_URL = "https://api.anthropic.com"
DEFAULT_KEY_ENV = "ANTHROPIC_API_KEY"
API_VERSION = "2023-06-01"
DEFAULT_MAX_TOKENS = 1024


_UNSUPPORTED = {
    "seed": "the Messages API takes no seed",
    "logprobs": "the Messages API returns no log-probabilities",
    "top_logprobs": "the Messages API returns no log-probabilities",
    "reasoning_effort": 'use params.thinking = { type = "enabled", budget_tokens = N } instead',
    "max_completion_tokens": "use max_tokens (it includes thinking tokens)",
}


class AnthropicJudge(HttpJudge):
    """A judge served by the Anthropic Messages API."""

    batch_format = "anthropic"

    def __init__(self, config: JudgeConfig, *, transport: Transport | None = None) -> None:
        """Fill defaults (base URL, key variable, max tokens) into the configuration, then hash it.

        Raises:
            ConfigError: No model, or an option this API does not have (the message says what to use).
        """
        if not config.model:
            raise ConfigError("the anthropic backend needs a model: anthropic:MODEL[@BASE_URL]")
        for option, why in _UNSUPPORTED.items():
            if getattr(config, option) not in (None, False):
                raise ConfigError(f"the anthropic backend cannot send {option}: {why}")
        if config.structured_output == "on":
            raise ConfigError('structured_output = "on" needs an OpenAI-compatible server; use "off" here')
        reject_overlap(config, {"temperature": config.temperature})
        updates: dict[str, Any] = {}
        if not config.base_url:
            updates["base_url"] = DEFAULT_BASE_URL
        if not config.api_key_env:
            updates["api_key_env"] = DEFAULT_KEY_ENV
        if config.max_tokens is None:
            updates["max_tokens"] = DEFAULT_MAX_TOKENS
        super().__init__(config.model_copy(update=updates), transport=transport)
        assert self.config.base_url is not None
        base = self.config.base_url.rstrip("/")
        self.url = base + ("/messages" if base.endswith("/v1") else "/v1/messages")

    def _secret(self) -> str | None:
        env = self.config.api_key_env
        return os.environ.get(env) if env else None

    def credential_headers(self, *, masked: bool) -> dict[str, str]:
        """``anthropic-version`` (unless configured), and ``x-api-key`` when a key variable is configured."""
        headers = {} if "anthropic-version" in self.config.headers else {"anthropic-version": API_VERSION}
        key = "***" if masked else read_api_key(self.config.api_key_env)
        if key:
            headers["x-api-key"] = key
        return headers

    def build_body(self, request: JudgeRequest, messages: tuple[ChatMessage, ...]) -> dict[str, Any]:
        """The Messages API body: system messages in ``system``, the others in ``messages``."""
        system = [m.content for m in messages if m.role in ("system", "developer")]
        body: dict[str, Any] = {"model": self.config.model, "max_tokens": self.config.max_tokens}
        if system:
            body["system"] = "\n\n".join(system)
        body["messages"] = [m.to_dict() for m in messages if m.role not in ("system", "developer")]
        if self.config.temperature is not None:
            body["temperature"] = self.config.temperature
        body.update(self.config.params)
        return body

    def completion_from(self, data: dict[str, Any]) -> Completion:
        """Read a Message object (a live reply, or a batch result's ``message``)."""
        content = data.get("content")
        if not isinstance(content, list):
            raise AttemptFailed(ErrorKind.SERVER, "the reply has no content list", status=200)
        text = "".join(
            str(block.get("text", ""))
            for block in content
            if isinstance(block, dict) and block.get("type") == "text"
        )
        usage = _dict(data.get("usage"))
        fresh = _int(usage.get("input_tokens"))
        read = _int(usage.get("cache_read_input_tokens"))
        written = _int(usage.get("cache_creation_input_tokens"))
        total = None if fresh is None else fresh + (read or 0) + (written or 0)
        tokens = TokenUsage(
            input_tokens=total,
            output_tokens=_int(usage.get("output_tokens")),
            cached_input_tokens=read,
            cache_write_tokens=written,
        )
        stop = data.get("stop_reason")
        return Completion(
            text=text,
            input_tokens=tokens.input_tokens,
            output_tokens=tokens.output_tokens,
            truncated=stop == "max_tokens",
            meta={"stop_reason": stop},
            usage=tokens,
            refusal=(text or "the model stopped with stop_reason refusal") if stop == "refusal" else None,
        )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@register_backend(
    "anthropic",
    description="Anthropic Messages API over httpx",
    spec=model_at_url_spec,
    display_name=model_at_url_name,
)
def _factory(config: JudgeConfig) -> Judge:
    return AnthropicJudge(config)
