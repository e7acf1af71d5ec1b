"""HTTP plumbing shared by the model-API judges: one pooled httpx client, failures mapped to error kinds."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from harness.errors import ConfigError
from harness.judges.base import ErrorKind
from harness.judges.llm import AttemptFailed, LLMJudge
from harness.judges.registry import JudgeConfig

__all__ = ["HttpJudge"]

_CREDENTIAL_HEADERS = frozenset({"authorization", "x-api-key", "api-key", "proxy-authorization"})
"""Headers that carry credentials; refused in ``JudgeConfig.headers``."""

_POOL = httpx.Limits(max_connections=512, max_keepalive_connections=512, keepalive_expiry=30.0)
"""Generous pool limits: the runner, not the pool, bounds concurrency."""


class HttpJudge(LLMJudge):
    """An :class:`LLMJudge` that POSTs JSON to a model API over a pooled ``httpx.AsyncClient``."""

    def __init__(self, config: JudgeConfig) -> None:
        """Configure; the client is created on first use, inside the running event loop.

        Raises:
            ConfigError: The base URL is not http(s), or a header would carry a credential (keys belong
                in the environment variable named by ``api_key_env``, never in the configuration).
        """
        url = config.base_url or ""
        if not url.startswith(("http://", "https://")):
            raise ConfigError(
                f"base URL {url!r} must start with http:// or https://, e.g. http://127.0.0.1:8000/v1"
            )
        secret_headers = sorted(h for h in config.headers if h.lower() in _CREDENTIAL_HEADERS)
        if secret_headers:
            raise ConfigError(
                f"header {secret_headers[0]} would store a credential in the judge configuration; "
                "export the key in an environment variable and set api_key_env to its name"
            )
        super().__init__(config)
        self._client: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _http(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop or self._client.is_closed:
            # A client is bound to the loop it first ran on; a new loop (a new asyncio.run) needs a new one.
            self._client = httpx.AsyncClient(limits=_POOL, timeout=httpx.Timeout(self.config.timeout_s))
            self._loop = loop
        return self._client

    async def aclose(self) -> None:
        """Close the connection pool."""
        if self._client is not None and self._loop is asyncio.get_running_loop():
            await self._client.aclose()
        self._client = None
        self._loop = None

    async def post_json(self, url: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        """POST ``body``; the decoded JSON object of a 2xx reply, else :class:`AttemptFailed`."""
        try:
            response = await self._http().post(url, json=body, headers=headers)
        except httpx.TimeoutException:
            raise AttemptFailed(ErrorKind.TIMEOUT, f"no reply within {self.config.timeout_s:g} s") from None
        except httpx.TransportError as exc:
            detail = str(exc) or type(exc).__name__
            raise AttemptFailed(ErrorKind.CONNECTION, f"connection failed: {detail}") from None
        if response.status_code >= 400:
            raise AttemptFailed.from_status(response.status_code, response.text, _retry_after(response))
        try:
            data = json.loads(response.content)
        except ValueError:
            raise AttemptFailed(
                ErrorKind.SERVER,
                f"HTTP {response.status_code} with a body that is not JSON: {response.text[:120]!r}",
                status=response.status_code,
            ) from None
        if not isinstance(data, dict):
            raise AttemptFailed(
                ErrorKind.SERVER, "the reply body is JSON but not an object", status=response.status_code
            )
        return data


def _retry_after(response: httpx.Response) -> str | None:
    """``Retry-After``, or OpenAI's millisecond variant converted to seconds."""
    value = response.headers.get("retry-after")
    if value:
        return str(value)
    millis = response.headers.get("retry-after-ms")
    if millis:
        try:
            return str(float(millis) / 1000.0)
        except ValueError:
            return None
    return None
