"""HTTP plumbing shared by the model-API judges: pooled keep-alive connections, failures mapped to kinds.

Connections are a free list of single-connection httpx transports, used directly rather than through one
``httpx.AsyncClient`` with a large pool. Two measured reasons (2,000 requests, 32 at a time, against the
loopback fake server on the 2-core test machine): httpcore's pool scans every connection and polls every
socket for each request it assigns, quadratically in the number of open connections (encode/httpcore#1035,
encode/httpx#3215), which cost ~9 ms of CPU per request at 32 connections; and the client layer on top
(request building, cookies, redirects, auth) costs as much as the transport again. One connection per
transport keeps the pool's scan constant; a request takes the most recently used transport (its connection
is warm); the runner alone bounds concurrency. All transports share one TLS context (building one reads the
whole CA bundle). Proxies come from the usual environment variables (``HTTPS_PROXY``, ``NO_PROXY``, …).
"""

from __future__ import annotations

import asyncio
import functools
import json
import ssl
import urllib.request
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from harness.errors import ConfigError
from harness.judges.base import ErrorKind
from harness.judges.llm import AttemptFailed, LLMJudge
from harness.judges.registry import JudgeConfig

__all__ = ["HttpJudge"]

_CREDENTIAL_HEADERS = frozenset({"authorization", "x-api-key", "api-key", "proxy-authorization"})
"""Headers that carry credentials; refused in ``JudgeConfig.headers``."""

_ONE_CONNECTION = httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=30.0)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every connection (building one reads the whole CA bundle)."""
    return httpx.create_ssl_context()


def _proxy_for(url: httpx.URL) -> str | None:
    """The proxy the environment asks for to reach ``url`` (``None``: connect directly)."""
    proxy = urllib.request.getproxies().get(url.scheme)
    if not proxy or urllib.request.proxy_bypass(url.host):
        return None
    return proxy


class _TransportPool:
    """A free list of single-connection transports, bound to one event loop."""

    def __init__(self, proxy: str | None) -> None:
        self.loop = asyncio.get_running_loop()
        self._proxy = proxy
        self._free: list[httpx.AsyncHTTPTransport] = []
        self._all: list[httpx.AsyncHTTPTransport] = []

    @asynccontextmanager
    async def transport(self) -> AsyncIterator[httpx.AsyncHTTPTransport]:
        transport = self._free.pop() if self._free else self._new()
        try:
            yield transport
        finally:
            self._free.append(transport)

    def _new(self) -> httpx.AsyncHTTPTransport:
        transport = httpx.AsyncHTTPTransport(limits=_ONE_CONNECTION, verify=_tls_context(), proxy=self._proxy)
        self._all.append(transport)
        return transport

    @property
    def size(self) -> int:
        """Connections opened so far: the peak concurrency seen."""
        return len(self._all)

    async def aclose(self) -> None:
        for transport in self._all:
            await transport.aclose()
        self._all.clear()
        self._free.clear()


class HttpJudge(LLMJudge):
    """An :class:`LLMJudge` that POSTs JSON to a model API over pooled keep-alive connections."""

    def __init__(self, config: JudgeConfig) -> None:
        """Configure; connections are opened on first use, inside the running event loop.

        Raises:
            ConfigError: The base URL is not http(s), or the URL or a header would carry a credential
                (keys belong in the environment variable named by ``api_key_env``, never in the
                configuration).
        """
        url = config.base_url or ""
        if not url.startswith(("http://", "https://")):
            raise ConfigError(
                f"base URL {url!r} must start with http:// or https://, e.g. http://127.0.0.1:8000/v1"
            )
        if httpx.URL(url).userinfo:
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
        super().__init__(config)
        self._pool: _TransportPool | None = None
        self._urls: dict[str, httpx.URL] = {}

    def _transports(self) -> _TransportPool:
        loop = asyncio.get_running_loop()
        if self._pool is None or self._pool.loop is not loop:
            # Connections belong to the loop that opened them; a new loop (a new asyncio.run) needs new ones.
            assert self.config.base_url is not None
            self._pool = _TransportPool(_proxy_for(httpx.URL(self.config.base_url)))
        return self._pool

    def _url(self, url: str) -> httpx.URL:
        parsed = self._urls.get(url)
        if parsed is None:
            parsed = self._urls[url] = httpx.URL(url)
        return parsed

    async def aclose(self) -> None:
        """Close every connection."""
        if self._pool is not None and self._pool.loop is asyncio.get_running_loop():
            await self._pool.aclose()
        self._pool = None

    async def post_json(self, url: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        """POST ``body``; the decoded JSON object of a 2xx reply, else :class:`AttemptFailed`."""
        request = httpx.Request(
            "POST",
            self._url(url),
            content=json.dumps(body).encode(),
            headers={"User-Agent": "judgeprobe", **headers, "Content-Type": "application/json"},
        )
        try:
            async with asyncio.timeout(self.config.timeout_s), self._transports().transport() as transport:
                response = await transport.handle_async_request(request)
                try:
                    await response.aread()
                finally:
                    await response.aclose()
        except (TimeoutError, httpx.TimeoutException):
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
