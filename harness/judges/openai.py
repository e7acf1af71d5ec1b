"""The ``openai`` backend: any OpenAI-compatible chat-completions endpoint, over httpx.

Works with OpenAI, vLLM, SGLang, Ollama, llama.cpp server, LM Studio and gateways. Spec
``openai:MODEL@BASE_URL``; without a base URL the official endpoint ``https://api.openai.com/v1`` is used
and the key is read from ``OPENAI_API_KEY`` unless ``api_key_env`` names another variable. A base URL
without ``api_key_env`` sends no key (local servers).

Structured output: the first request asks for ``response_format: {"type": "json_schema", ...}`` with the
mode's schema (:func:`judgeprobe.harness.judges.parsing.response_schema`). A server that rejects it with 400
or 422 is
asked again in the same attempt without it, and if that succeeds the judge sends plain text requests for the
rest of its life (the reply is then read through the text contract). A ``response_format`` in ``params``
replaces ours. ``params`` are sent as-is (``top_p``, ``seed``, ``reasoning_effort``, …).
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
from judgeprobe.harness.judges.parsing import response_schema
from judgeprobe.harness.judges.registry import JudgeConfig, register_backend
from judgeprobe.harness.judges.transport import Transport

__all__ = ["OpenAIJudge"]

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_KEY_ENV = "OPENAI_API_KEY"


class OpenAIJudge(HttpJudge):
    """A judge served by an OpenAI-compatible ``/chat/completions`` endpoint."""

    def __init__(self, config: JudgeConfig, *, transport: Transport | None = None) -> None:
        """Fill defaults (base URL, key variable) into the configuration, then resolve templates and hash."""
        if not config.model:
            raise ConfigError(
                "the openai backend needs a model: openai:MODEL[@BASE_URL] or model = '...' in TOML"
            )
        updates: dict[str, Any] = {}
        if not config.base_url:
            updates["base_url"] = DEFAULT_BASE_URL
            if not config.api_key_env:
                updates["api_key_env"] = DEFAULT_KEY_ENV
        super().__init__(config.model_copy(update=updates) if updates else config, transport=transport)
        assert self.config.base_url is not None
        self.url = self.config.base_url.rstrip("/") + "/chat/completions"
        self.structured = "response_format" not in self.config.params
        """Whether requests still ask for JSON-schema structured output (turned off by a server refusal)."""

    def _secret(self) -> str | None:
        env = self.config.api_key_env
        return os.environ.get(env) if env else None

    def _headers(self) -> dict[str, str]:
        headers = dict(self.config.headers)
        key = read_api_key(self.config.api_key_env)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return headers

    def _body(self, request: JudgeRequest, prompt: str, *, structured: bool) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.config.model, "messages": self.messages(prompt)}
        if self.config.temperature is not None:
            body["temperature"] = self.config.temperature
        if self.config.max_tokens is not None:
            body["max_tokens"] = self.config.max_tokens
        body.update(self.config.params)
        if structured:
            body["response_format"] = {"type": "json_schema", "json_schema": response_schema(request.mode)}
        return body

    async def complete(self, request: JudgeRequest, prompt: str) -> Completion:
        """One chat-completions call (plus the one-off structured-output fallback)."""
        headers = self._headers()
        structured = self.structured
        try:
            data = await self.post_json(self.url, self._body(request, prompt, structured=structured), headers)
        except AttemptFailed as exc:
            if not (structured and exc.status in (400, 422)):
                raise
            data = await self.post_json(self.url, self._body(request, prompt, structured=False), headers)
            self.structured = False
            structured = False
        return _completion(data, structured=structured)


def _completion(data: dict[str, Any], *, structured: bool) -> Completion:
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise AttemptFailed(ErrorKind.SERVER, "the reply has no choices", status=200)
    choice = choices[0]
    message = _dict(choice.get("message"))
    content = message.get("content")
    refusal = message.get("refusal")
    text = content if isinstance(content, str) else ""
    if not text and isinstance(refusal, str) and refusal:
        text = refusal
    usage = _dict(data.get("usage"))
    finish = choice.get("finish_reason")
    meta: dict[str, Any] = {"structured": structured, "finish_reason": finish}
    if refusal:
        meta["refusal"] = True
    return Completion(
        text=text,
        input_tokens=_int(usage.get("prompt_tokens")),
        output_tokens=_int(usage.get("completion_tokens")),
        cached_input_tokens=_int(_dict(usage.get("prompt_tokens_details")).get("cached_tokens")),
        truncated=finish == "length",
        meta=meta,
    )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@register_backend(
    "openai",
    description="OpenAI-compatible chat completions (OpenAI, vLLM, Ollama, …) over httpx",
    spec=model_at_url_spec,
    display_name=model_at_url_name,
)
def _factory(config: JudgeConfig) -> Judge:
    return OpenAIJudge(config)
