"""HTTP plumbing shared by the model-API judges: pooled keep-alive connections, failures mapped to kinds.

Two routes, chosen once per event loop from the base URL:

* ``http://`` without a proxy (local inference servers, where a run sends thousands of requests at high
  concurrency): the lean keep-alive client of :mod:`judgeprobe.harness.judges.wire`;
* everything else (``https://`` APIs, proxies from ``HTTPS_PROXY``/``NO_PROXY``…): httpx, used as a free
  list of single-connection transports rather than one ``httpx.AsyncClient`` with a large pool.

Why (measured on the 2-core test machine, 2,000 requests, 32 at a time, 100 ms server latency): httpcore's
pool scans every connection and polls every socket for each request it assigns, quadratically in the number
of open connections (encode/httpcore#1035, encode/httpx#3215) — ~9 ms of CPU per request at 32
connections; the client layer on top (request building, cookies, redirects) cost as much as the transport
again; and single-connection transports still spent ~1.3 ms per request where the lean client spends
~0.2 ms. All httpx transports share one TLS context (building one reads the whole CA bundle). Either way,
one deadline (``timeout_s``) covers a whole request, and the runner alone bounds concurrency.
"""

from __future__ import annotations

import asyncio
import functools
import json
import ssl
import urllib.request
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.verdict import ErrorKind
from judgeprobe.harness.judges.llm import AttemptFailed, LLMJudge
from judgeprobe.harness.judges.registry import JudgeConfig
from judgeprobe.harness.judges.wire import PlainHttpPool, WireError

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
        for name, value in config.headers.items():
            if any(c in name + value for c in "\r\n\0"):
                raise ConfigError(f"header {name!r} contains a line break or NUL; header values are one line")
        super().__init__(config)
        self._pool: _TransportPool | PlainHttpPool | None = None
        self._urls: dict[str, httpx.URL] = {}

    use_plain_http: bool = True
    """Send ``http://`` requests that need no proxy through the lean client of
    :mod:`judgeprobe.harness.judges.wire`
    (``False``: everything through httpx)."""

    def _connections(self) -> _TransportPool | PlainHttpPool:
        loop = asyncio.get_running_loop()
        if self._pool is None or self._pool.loop is not loop:
            # Connections belong to the loop that opened them; a new loop (a new asyncio.run) needs new ones.
            assert self.config.base_url is not None
            base = httpx.URL(self.config.base_url)
            proxy = _proxy_for(base)
            if self.use_plain_http and base.scheme == "http" and proxy is None:
                self._pool = PlainHttpPool(base.host, base.port or 80)
            else:
                self._pool = _TransportPool(proxy)
        return self._pool

    async def _send(
        self, url: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, Mapping[str, str], bytes]:
        """One POST through the pool of this loop: status, headers (case-insensitive lookup), body."""
        parsed = self._url(url)
        pool = self._connections()
        if isinstance(pool, PlainHttpPool):
            target = parsed.raw_path.decode("ascii")
            reply = await pool.post(target, body, headers)
            return reply.status_code, reply.headers, reply.content
        request = httpx.Request("POST", parsed, content=body, headers=headers)
        async with pool.transport() as transport:
            response = await transport.handle_async_request(request)
            try:
                await response.aread()
            finally:
                await response.aclose()
        return response.status_code, response.headers, response.content

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
        data_out = json.dumps(body).encode()
        headers = {"User-Agent": "judgeprobe", **headers, "Content-Type": "application/json"}
        for name, value in headers.items():
            if any(c in value for c in "\r\n\0"):
                raise AttemptFailed(ErrorKind.CLIENT, f"header {name} contains a line break; not sent")
        try:
            async with asyncio.timeout(self.config.timeout_s):
                status, reply_headers, content = await self._send(url, data_out, headers)
        except (TimeoutError, httpx.TimeoutException):
            raise AttemptFailed(ErrorKind.TIMEOUT, f"no reply within {self.config.timeout_s:g} s") from None
        except (httpx.TransportError, WireError) as exc:
            detail = str(exc) or type(exc).__name__
            raise AttemptFailed(ErrorKind.CONNECTION, f"connection failed: {detail}") from None
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
