"""The model-API judges' common HTTP layer: request checks, a JSON POST, failures mapped to error kinds.

What goes over the network is a :class:`~judgeprobe.harness.judges.transport.Transport`'s business: by default
a :class:`~judgeprobe.harness.judges.transport.PooledTransport` (pooled keep-alive connections; see there why
two clients), in tests possibly a :class:`~judgeprobe.harness.judges.transport.MockTransport`. One deadline
(``timeout_s``) covers a whole request, and the runner alone bounds concurrency.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

import httpx

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.secrets import credential_query_names, redact_url
from judgeprobe.harness.core.verdict import ErrorKind
from judgeprobe.harness.judges.llm import AttemptFailed, LLMJudge
from judgeprobe.harness.judges.registry import JudgeConfig
from judgeprobe.harness.judges.transport import HttpRequest, PooledTransport, Transport, TransportFailure

__all__ = ["HttpJudge", "model_at_url_name", "model_at_url_spec"]

_CREDENTIAL_HEADERS = frozenset({"authorization", "x-api-key", "api-key", "proxy-authorization"})
"""Headers that carry credentials; refused in ``JudgeConfig.headers``."""


def model_at_url_spec(rest: str) -> dict[str, Any]:
    """Read ``MODEL[@BASE_URL]``, the spec form of the model-API backends."""
    model, at, url = rest.partition("@")
    if not model:
        raise ConfigError("no model named; expected BACKEND:MODEL[@BASE_URL]")
    if at and not url:
        raise ConfigError("'@' is followed by no base URL; expected BACKEND:MODEL@BASE_URL")
    return {"model": model, "base_url": url or None}


def model_at_url_name(config: JudgeConfig) -> str:
    """``backend:model@base_url`` (the base URL only when one is configured)."""
    where = f"@{config.base_url}" if config.base_url else ""
    return f"{config.backend}:{config.model}{where}"


class HttpJudge(LLMJudge):
    """An :class:`LLMJudge` that POSTs JSON to a model API over pooled keep-alive connections."""

    def __init__(self, config: JudgeConfig, *, transport: Transport | None = None) -> None:
        """Configure; connections are opened on first use, inside the running event loop.

        Args:
            config: The judge configuration.
            transport: What sends the requests (default: a :class:`PooledTransport` to the base URL,
                created on first use).

        Raises:
            ConfigError: The base URL is not http(s), or the URL or a header would carry a credential
                (keys belong in the environment variable named by ``api_key_env``, never in the
                configuration).
        """
        url = config.base_url or ""
        shown = redact_url(url)
        if not url.startswith(("http://", "https://")):
            raise ConfigError(
                f"base URL {shown!r} must start with http:// or https://, e.g. http://127.0.0.1:8000/v1"
            )
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise ConfigError(f"base URL {shown!r} is not a valid URL ({redact_url(str(exc))})") from None
        if not parsed.host:
            raise ConfigError(f"base URL {shown!r} names no host, e.g. http://127.0.0.1:8000/v1")
        if parsed.port is not None and not 0 < parsed.port < 65536:
            raise ConfigError(f"base URL {shown!r} has port {parsed.port}; a port is 1 to 65535")
        credentials = credential_query_names(url)
        if credentials:
            raise ConfigError(
                f"the base URL's query parameter {credentials[0]!r} looks like a credential, and the URL is "
                "written into the judge's name, its run folder and every report; export the key in an "
                "environment variable and set api_key_env to its name"
            )
        if parsed.userinfo:
            raise ConfigError(
                "the base URL carries a user name or password; export the key in an environment variable "
                "and set api_key_env to its name"
            )
        secret_headers = sorted(h for h in config.headers if h.lower() in _CREDENTIAL_HEADERS)
        if secret_headers:
            raise ConfigError(
                f"header {secret_headers[0]} would store a credential in the judge configuration; "
                "export the key in an environment variable and set api_key_env to its name"
            )
        for name, value in config.headers.items():
            if any(c in name + value for c in "\r\n\0"):
                raise ConfigError(f"header {name!r} contains a line break or NUL; header values are one line")
        super().__init__(config)
        self._transport = transport

    use_plain_http: bool = True
    """The default transport sends ``http://`` requests that need no proxy through the lean client of
    :mod:`judgeprobe.harness.judges.wire` (``False``: everything through httpx)."""

    @property
    def transport(self) -> Transport:
        """What sends this judge's requests (the default one is created on first use)."""
        if self._transport is None:
            assert self.config.base_url is not None
            self._transport = PooledTransport(self.config.base_url, plain_http=self.use_plain_http)
        return self._transport

    async def aclose(self) -> None:
        """Close every connection."""
        if self._transport is not None:
            await self._transport.aclose()

    async def post_json(self, url: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        """POST ``body``; the decoded JSON object of a 2xx reply, else :class:`AttemptFailed`."""
        data_out = json.dumps(body).encode()
        headers = {"User-Agent": "judgeprobe", **headers, "Content-Type": "application/json"}
        for name, value in headers.items():
            if any(c in value for c in "\r\n\0"):
                raise AttemptFailed(ErrorKind.CLIENT, f"header {name} contains a line break; not sent")
        try:
            async with asyncio.timeout(self.config.timeout_s):
                reply = await self.transport.send(HttpRequest(url=url, headers=headers, body=data_out))
        except TimeoutError:
            raise AttemptFailed(ErrorKind.TIMEOUT, f"no reply within {self.config.timeout_s:g} s") from None
        except TransportFailure as exc:
            raise AttemptFailed(ErrorKind.CONNECTION, f"connection failed: {exc}") from None
        status, reply_headers, content = reply.status, reply.headers, reply.content
        text = content.decode("utf-8", errors="replace")
        if status >= 400:
            raise AttemptFailed.from_status(status, text, _retry_after(reply_headers))
        try:
            data = json.loads(content)
        except ValueError:
            raise AttemptFailed(
                ErrorKind.SERVER, f"HTTP {status} with a body that is not JSON: {text[:120]!r}", status=status
            ) from None
        if not isinstance(data, dict):
            raise AttemptFailed(ErrorKind.SERVER, "the reply body is JSON but not an object", status=status)
        return data


def _retry_after(headers: Mapping[str, str]) -> str | None:
    """``Retry-After``, or OpenAI's millisecond variant converted to seconds (names lower-case)."""
    value = headers.get("retry-after")
    if value:
        return str(value)
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return str(float(millis) / 1000.0)
        except ValueError:
            return None
    return None
