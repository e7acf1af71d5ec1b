"""The ``openai`` backend: any OpenAI-compatible chat-completions endpoint.

Works with OpenAI, vLLM, SGLang, Ollama, llama.cpp server, LM Studio and gateways (``docs/servers.md`` has
a quickstart for the local servers). Spec ``openai:MODEL@BASE_URL``; without a base URL the official
endpoint ``https://api.openai.com/v1`` is used and the key is read from ``OPENAI_API_KEY`` unless
``api_key_env`` names another variable. A base URL without ``api_key_env`` sends no key (local servers).

Request options, each sent only when set: ``temperature``, ``seed``, ``max_tokens`` or (reasoning models)
``max_completion_tokens``, ``reasoning_effort``, ``logprobs``/``top_logprobs`` (a grade verdict then carries
``meta["p_yes"]``), and anything in ``params``, sent as-is. Setting an option both ways is refused.

Structured output (``structured_output``): ``on`` sends ``response_format: {"type": "json_schema", ...}``
with the mode's strict schema (:func:`judgeprobe.harness.judges.parsing.response_schema`) on every call;
``auto`` sends it first and, if the server rejects it with 400 or 422, asks again in the same attempt
without it and sends plain text for the rest of the judge's life (the reply is then read through the text
contract); ``off`` never sends it. Unset, it is ``auto`` with the shipped templates and ``off`` with a user's
template — a production prompt is probed as production sends it. A ``response_format`` in ``params``
replaces ours (HLE's judge, for instance, names its schema ``ExtractedAnswer``).

The reply's token usage (cached prompt tokens and reasoning tokens included), its refusal, its
``finish_reason`` and its log-probabilities are read by :meth:`OpenAIJudge.completion_from`, for live calls
and batch results alike.
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
from judgeprobe.harness.judges.logprobs import TokenLogprob
from judgeprobe.harness.judges.parsing import response_schema
from judgeprobe.harness.judges.registry import JudgeConfig, register_backend
from judgeprobe.harness.judges.templating import ChatMessage
from judgeprobe.harness.judges.transport import Transport

__all__ = ["OpenAIJudge"]

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_KEY_ENV = "OPENAI_API_KEY"


class OpenAIJudge(HttpJudge):
    """A judge served by an OpenAI-compatible ``/chat/completions`` endpoint."""

    batch_format = "openai"

    def __init__(self, config: JudgeConfig, *, transport: Transport | None = None) -> None:
        """Fill defaults (base URL, key variable) into the configuration, then resolve templates and hash.

        Raises:
            ConfigError: No model, an option set twice, ``structured_output = "on"`` with a
                ``response_format`` in ``params``, or ``max_tokens`` with ``max_completion_tokens``.
        """
        if not config.model:
            raise ConfigError(
                "the openai backend needs a model: openai:MODEL[@BASE_URL] or model = '...' in TOML"
            )
        reject_overlap(config, _typed_options(config))
        if config.max_tokens is not None and config.max_completion_tokens is not None:
            raise ConfigError(
                "set max_tokens or max_completion_tokens, not both (reasoning models take "
                "max_completion_tokens)"
            )
        if config.structured_output == "on" and "response_format" in config.params:
            raise ConfigError('structured_output = "on" sends our schema; params.response_format replaces it')
        updates: dict[str, Any] = {}
        if not config.base_url:
            updates["base_url"] = DEFAULT_BASE_URL
            if not config.api_key_env:
                updates["api_key_env"] = DEFAULT_KEY_ENV
        super().__init__(config.model_copy(update=updates) if updates else config, transport=transport)
        assert self.config.base_url is not None
        self.url = self.config.base_url.rstrip("/") + "/chat/completions"
        default = "auto" if all(t.shipped for t in self.templates.values()) else "off"
        self.structured_mode = self.config.structured_output or default
        """``on``, ``auto`` or ``off`` (see the module docstring)."""
        self.structured = self.structured_mode != "off" and "response_format" not in self.config.params
        """Whether requests ask for JSON-schema structured output now (``auto`` turns it off on refusal)."""

    def _secret(self) -> str | None:
        env = self.config.api_key_env
        return os.environ.get(env) if env else None

    def credential_headers(self, *, masked: bool) -> dict[str, str]:
        """``Authorization: Bearer KEY`` when a key variable is configured."""
        if not self.config.api_key_env:
            return {}
        key = "***" if masked else read_api_key(self.config.api_key_env)
        return {"Authorization": f"Bearer {key}"} if key else {}

    def build_body(
        self, request: JudgeRequest, messages: tuple[ChatMessage, ...], *, structured: bool | None = None
    ) -> dict[str, Any]:
        """The chat-completions body (``structured=None``: as the judge currently asks)."""
        body: dict[str, Any] = {"model": self.config.model, "messages": [m.to_dict() for m in messages]}
        if self.config.max_tokens is not None:
            body["max_tokens"] = self.config.max_tokens
        options = _typed_options(self.config)
        if options["logprobs"] and options["top_logprobs"] is None:
            options["top_logprobs"] = DEFAULT_TOP_LOGPROBS
        body.update({key: value for key, value in options.items() if value is not None})
        body.update(self.config.params)
        if self.structured if structured is None else structured:
            body["response_format"] = {"type": "json_schema", "json_schema": response_schema(request.mode)}
        return body

    async def complete(self, request: JudgeRequest, messages: tuple[ChatMessage, ...]) -> Completion:
        """One chat-completions call (plus the one-off structured-output fallback of ``auto``)."""
        headers = self.headers()
        structured = self.structured
        try:
            data = await self.post_json(self.url, self.build_body(request, messages), headers)
        except AttemptFailed as exc:
            if not (structured and self.structured_mode == "auto" and exc.status in (400, 422)):
                raise
            body = self.build_body(request, messages, structured=False)
            data = await self.post_json(self.url, body, headers)
            self.structured = False
            structured = False
        return _completion(data, structured=structured)

    def completion_from(self, data: dict[str, Any]) -> Completion:
        """Read a chat-completion object (a live reply or a batch result body)."""
        return _completion(data, structured=self.structured)


DEFAULT_TOP_LOGPROBS = 5
"""Alternatives per token asked for when ``logprobs`` is on and ``top_logprobs`` is not set."""


def _typed_options(config: JudgeConfig) -> dict[str, Any]:
    """The typed request options in body order (``None`` where unset)."""
    return {
        "temperature": config.temperature,
        "max_completion_tokens": config.max_completion_tokens,
        "seed": config.seed,
        "reasoning_effort": config.reasoning_effort,
        "logprobs": config.logprobs,
        "top_logprobs": config.top_logprobs if config.logprobs else None,
    }


def _text_parts(content: Any) -> str:
    """The text of a message content written as a list of parts (``[{"type": "text", "text": …}]``, as some
    OpenAI-compatible servers write it; a reasoning model's ``thinking`` parts are left out)."""
    if not isinstance(content, list):
        return ""
    return "".join(
        part["text"]
        for part in content
        if isinstance(part, dict)
        and part.get("type") in ("text", "output_text")
        and isinstance(part.get("text"), str)
    )


def _completion(data: dict[str, Any], *, structured: bool) -> Completion:
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise AttemptFailed(ErrorKind.SERVER, "the reply has no choices", status=200)
    choice = choices[0]
    message = _dict(choice.get("message"))
    content = message.get("content")
    refusal = message.get("refusal")
    text = content if isinstance(content, str) else _text_parts(content)
    if not text and isinstance(refusal, str) and refusal:
        text = refusal
    finish = choice.get("finish_reason")
    usage = _dict(data.get("usage"))
    tokens = TokenUsage(
        input_tokens=_int(usage.get("prompt_tokens")),
        output_tokens=_int(usage.get("completion_tokens")),
        cached_input_tokens=_int(_dict(usage.get("prompt_tokens_details")).get("cached_tokens")),
        reasoning_tokens=_int(_dict(usage.get("completion_tokens_details")).get("reasoning_tokens")),
    )
    return Completion(
        text=text,
        input_tokens=tokens.input_tokens,
        output_tokens=tokens.output_tokens,
        truncated=finish == "length",
        meta={"structured": structured, "finish_reason": finish},
        usage=tokens,
        logprobs=_logprobs(choice.get("logprobs")),
        refusal=refusal if isinstance(refusal, str) and refusal else None,
    )


def _logprobs(data: Any) -> tuple[TokenLogprob, ...] | None:
    """The ``choices[0].logprobs.content`` list, read leniently (``None`` when absent)."""
    content = _dict(data).get("content")
    if not isinstance(content, list):
        return None
    tokens = []
    for item in content:
        if not isinstance(item, dict) or not isinstance(item.get("token"), str):
            return None
        top = tuple(
            (str(alt["token"]), float(alt["logprob"]))
            for alt in item.get("top_logprobs") or ()
            if isinstance(alt, dict) and isinstance(alt.get("logprob"), int | float) and "token" in alt
        )
        raw = item.get("bytes")
        raw_bytes = (
            bytes(raw)
            if isinstance(raw, list) and all(isinstance(b, int) and 0 <= b < 256 for b in raw)
            else None
        )
        logprob = item.get("logprob")
        tokens.append(
            TokenLogprob(
                item["token"], float(logprob) if isinstance(logprob, int | float) else 0.0, top, raw_bytes
            )
        )
    return tuple(tokens)


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
