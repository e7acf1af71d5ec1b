"""The seam between the HTTP judges and the network: one POST in, one reply out.

:class:`HttpJudge <judgeprobe.harness.judges.http.HttpJudge>` builds the request (URL, headers, JSON body)
and reads the reply; a :class:`Transport` moves the bytes. Two are shipped:

* :class:`PooledTransport` (the default): pooled keep-alive connections, the lean client of
  :mod:`judgeprobe.harness.judges.wire` for plain ``http://`` without a proxy, httpx for the rest;
* :class:`MockTransport`: a handler function answers every request in-process, the way ``httpx.MockTransport``
  does, so a backend's request building and reply reading are tested without sockets. The wire layer itself is
  still tested against real loopback servers.

A transport raises :class:`TransportFailure` when no reply came (connection refused, reset, protocol
error) and ``TimeoutError`` is raised by the caller's deadline; every reply, whatever its status, is returned.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import ssl
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from judgeprobe.harness.judges.wire import PlainHttpPool, WireConnectError, WireError

__all__ = ["HttpReply", "HttpRequest", "MockTransport", "PooledTransport", "Transport", "TransportFailure"]


class TransportFailure(Exception):
    """No reply: the connection could not be made or broke before a complete reply arrived."""

    def __init__(self, message: str, *, connect: bool = False) -> None:
        """``connect``: no connection could be opened at all (refused, unknown host), as opposed to one that
        broke; a run stops early when that happens call after call."""
        super().__init__(message)
        self.connect = connect


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One POST as the judge built it."""

    url: str
    """Absolute URL."""
    headers: Mapping[str, str]
    """Request headers (credentials included: a transport must not log them)."""
    body: bytes
    """The request body."""

    def json(self) -> Any:
        """The body decoded as JSON."""
        return json.loads(self.body)


@dataclass(frozen=True, slots=True)
class HttpReply:
    """A complete reply."""

    status: int
    """HTTP status."""
    content: bytes = b""
    """The body."""
    headers: Mapping[str, str] = field(default_factory=dict)
    """Reply headers; names lower-cased."""

    @classmethod
    def json(cls, data: Any, *, status: int = 200, headers: Mapping[str, str] | None = None) -> HttpReply:
        """A reply whose body is ``data`` as JSON."""
        return cls(status=status, content=json.dumps(data).encode(), headers=dict(headers or {}))


class Transport(Protocol):
    """Moves one request to the server and its reply back."""

    async def send(self, request: HttpRequest) -> HttpReply:
        """Send ``request``; return the reply whatever its status, or raise :class:`TransportFailure`."""
        ...

    async def aclose(self) -> None:
        """Release connections (called once at the end of a run; the transport may be used again after)."""
        ...


Handler = Callable[[HttpRequest], HttpReply | Awaitable[HttpReply]]


class MockTransport:
    """Answers every request with ``handler(request)`` (sync or async), in-process; keeps the requests seen.

    The handler may raise :class:`TransportFailure` (or ``ConnectionError``) to act as an unreachable server.
    """

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self.requests: list[HttpRequest] = []
        """Every request sent, in order."""

    async def send(self, request: HttpRequest) -> HttpReply:
        """Record the request and return the handler's reply."""
        self.requests.append(request)
        try:
            reply = self._handler(request)
            if inspect.isawaitable(reply):
                reply = await reply
        except ConnectionError as exc:
            refused = isinstance(exc, ConnectionRefusedError)
            raise TransportFailure(str(exc) or type(exc).__name__, connect=refused) from None
        if not isinstance(reply, HttpReply):
            raise TypeError(f"the mock handler returned {type(reply).__name__}, not HttpReply")
        return reply

    async def aclose(self) -> None:
        """Nothing to release."""


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


class _HttpxPool:
    """A free list of single-connection httpx transports, bound to one event loop."""

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


class PooledTransport:
    """Pooled keep-alive connections to one server, chosen once per event loop from the base URL.

    Plain ``http://`` without a proxy (local inference servers, where a run sends thousands of requests at
    high concurrency) goes through the lean client of :mod:`judgeprobe.harness.judges.wire`; everything else
    (``https://`` APIs, proxies from ``HTTPS_PROXY``/``NO_PROXY``…) through httpx, used as a free list of
    single-connection transports rather than one ``httpx.AsyncClient`` with a large pool.

    Why (measured on the 2-core test machine, 2,000 requests, 32 at a time, 100 ms server latency): httpcore's
    pool scans every connection and polls every socket for each request it assigns, quadratically in the
    number of open connections (encode/httpcore#1035, encode/httpx#3215) — ~9 ms of CPU per request at 32
    connections; and single-connection httpx transports still spent ~1.3 ms per request where the lean client
    spends ~0.2 ms. All httpx transports share one TLS context (building one reads the whole CA bundle).

    Args:
        base_url: The server's base URL (every request goes to this host).
        plain_http: Use the lean client for ``http://`` URLs that need no proxy (``False``: always httpx).
    """

    def __init__(self, base_url: str, *, plain_http: bool = True) -> None:
        self._base = httpx.URL(base_url)
        self._plain_http = plain_http
        self._pool: _HttpxPool | PlainHttpPool | None = None
        self._urls: dict[str, httpx.URL] = {}

    @property
    def pool(self) -> _HttpxPool | PlainHttpPool | None:
        """The connections of the current event loop (``None`` before the first request)."""
        return self._pool

    def _connections(self) -> _HttpxPool | PlainHttpPool:
        loop = asyncio.get_running_loop()
        if self._pool is None or self._pool.loop is not loop:
            # Connections belong to the loop that opened them; a new loop (a new asyncio.run) needs new ones.
            proxy = _proxy_for(self._base)
            if self._plain_http and self._base.scheme == "http" and proxy is None:
                self._pool = PlainHttpPool(self._base.host, self._base.port or 80)
            else:
                self._pool = _HttpxPool(proxy)
        return self._pool

    def _url(self, url: str) -> httpx.URL:
        parsed = self._urls.get(url)
        if parsed is None:
            parsed = self._urls[url] = httpx.URL(url)
        return parsed

    async def send(self, request: HttpRequest) -> HttpReply:
        """One POST through the pool of this loop."""
        parsed = self._url(request.url)
        pool = self._connections()
        try:
            if isinstance(pool, PlainHttpPool):
                reply = await pool.post(parsed.raw_path.decode("ascii"), request.body, request.headers)
                return HttpReply(status=reply.status_code, content=reply.content, headers=reply.headers)
            outgoing = httpx.Request("POST", parsed, content=request.body, headers=dict(request.headers))
            async with pool.transport() as transport:
                response = await transport.handle_async_request(outgoing)
                try:
                    await response.aread()
                finally:
                    await response.aclose()
        except httpx.TimeoutException:
            raise TimeoutError from None
        except (httpx.TransportError, WireError) as exc:
            connect = isinstance(exc, httpx.ConnectError | WireConnectError)
            raise TransportFailure(str(exc) or type(exc).__name__, connect=connect) from None
        headers = {name.lower(): value for name, value in response.headers.items()}
        return HttpReply(status=response.status_code, content=response.content, headers=headers)

    async def aclose(self) -> None:
        """Close every connection of the current loop's pool."""
        if self._pool is not None and self._pool.loop is asyncio.get_running_loop():
            await self._pool.aclose()
        self._pool = None
