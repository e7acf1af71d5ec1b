"""The ``anthropic`` backend: the Anthropic Messages API over httpx (no SDK needed).

Spec ``anthropic:MODEL[@BASE_URL]``. The key is read at call time from ``ANTHROPIC_API_KEY`` unless
``api_key_env`` names another variable, and sent as ``x-api-key`` with ``anthropic-version``. The base URL
defaults to ``https://api.anthropic.com`` (requests go to ``{base}/v1/messages``); tests point it at a
loopback server. The reply is read through the text contract of the mode's template. ``max_tokens`` is
required by the API and defaults to 1024.
"""

from __future__ import annotations

import os
from typing import Any

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import ErrorKind
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.http import HttpJudge, model_at_url_name, model_at_url_spec
from judgeprobe.harness.judges.llm import AttemptFailed, Completion, read_api_key
from judgeprobe.harness.judges.registry import JudgeConfig, register_backend
from judgeprobe.harness.judges.transport import Transport

__all__ = ["AnthropicJudge"]

DEFAULT_BASE_URL = "https://api.anthropic.com"
DEFAULT_KEY_ENV = "ANTHROPIC_API_KEY"
API_VERSION = "2023-06-01"
DEFAULT_MAX_TOKENS = 1024


class AnthropicJudge(HttpJudge):
    """A judge served by the Anthropic Messages API."""

    def __init__(self, config: JudgeConfig, *, transport: Transport | None = None) -> None:
        """Fill defaults (base URL, key variable, max tokens) into the configuration, then hash it."""
        if not config.model:
            raise ConfigError("the anthropic backend needs a model: anthropic:MODEL[@BASE_URL]")
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

    async def complete(self, request: JudgeRequest, prompt: str) -> Completion:
        """One Messages API call."""
        headers = dict(self.config.headers)
        headers.setdefault("anthropic-version", API_VERSION)
        key = read_api_key(self.config.api_key_env)
        if key:
            headers["x-api-key"] = key
        body: dict[str, Any] = {
            "model": self.config.model,
            "max_tokens": self.config.max_tokens,
            "messages": self.messages(prompt),
        }
        if self.config.temperature is not None:
            body["temperature"] = self.config.temperature
        body.update(self.config.params)
        data = await self.post_json(self.url, body, headers)
        content = data.get("content")
        if not isinstance(content, list):
            raise AttemptFailed(ErrorKind.SERVER, "the reply has no content list", status=200)
        text = "".join(
            str(block.get("text", ""))
            for block in content
            if isinstance(block, dict) and block.get("type") == "text"
        )
        usage = _dict(data.get("usage"))
        stop = data.get("stop_reason")
        cache_read = _int(usage.get("cache_read_input_tokens"))
        uncached = _int(usage.get("input_tokens"))
        # Anthropic counts cache reads and writes apart from input_tokens; ours counts every prompt token
        parts = (uncached, cache_read, _int(usage.get("cache_creation_input_tokens")))
        return Completion(
            text=text,
            input_tokens=None if uncached is None else sum(p or 0 for p in parts),
            output_tokens=_int(usage.get("output_tokens")),
            cached_input_tokens=cache_read,
            truncated=stop == "max_tokens",
            meta={"stop_reason": stop},
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
