"""A small HTTP/1.1 keep-alive client for plain-``http://`` model servers, on asyncio streams.

Local inference servers (vLLM, SGLang, Ollama, llama.cpp, the test suite's fake server) are where a run sends
thousands of requests at high concurrency, and there the client's own CPU cost decides whether the run
takes N·L/C or twice that. Measured on the 2-core test machine (2,000 requests, 32 at a time, 100 ms server
latency): httpx spent ~1.3 ms of CPU per request even on single-connection transports, this client ~0.2 ms.
It speaks exactly what a JSON POST needs — one write per request, ``Content-Length`` or chunked replies,
keep-alive with a free list of connections — and nothing else: no TLS, no proxies, no redirects, no
cookies. Everything else (``https://``, proxies from the environment) goes through httpx
(:mod:`judgeprobe.harness.judges.http`).

Every call sends exactly one request (one attempt; retrying is the runner's business). An idle connection
that the server has closed is noticed before it is used and replaced. A connection whose request failed or
was cancelled is closed, never reused.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["PlainHttpPool", "WireConnectError", "WireError", "WireResponse"]

_MAX_LINE = 1 << 16
_MAX_HEADERS = 200
_MAX_BODY = 1 << 28


class WireError(Exception):
    """The connection failed or the server did not speak HTTP/1.1 as expected."""


class WireConnectError(WireError):
    """No connection could be opened (refused, no route, unknown host): nothing reached a server."""


@dataclass(frozen=True, slots=True)
class WireResponse:
    """A complete reply."""

    status_code: int
    """HTTP status."""
    headers: Mapping[str, str]
    """Reply headers, names lower-cased (repeated headers joined with ``, ``)."""
    content: bytes
    """The body."""

    @property
    def text(self) -> str:
        """The body decoded as UTF-8 (undecodable bytes replaced)."""
        return self.content.decode("utf-8", errors="replace")


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    def close(self) -> None:
        self.writer.close()


async def _read_line(reader: asyncio.StreamReader) -> bytes:
    line = await reader.readline()
    if not line.endswith(b"\n"):
        raise WireError(
            "connection closed in the middle of the reply" if line else "server closed the connection"
        )
    return line


async def _read_head(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bool]:
    """Status, headers and whether the server keeps the connection open. Skips 1xx replies."""
    while True:
        status_line = (await _read_line(reader)).decode("latin-1").rstrip("\r\n")
        version, _, rest = status_line.partition(" ")
        code = rest[:3]
        if not version.startswith("HTTP/1.") or not code.isdigit():
            raise WireError(f"not an HTTP/1.x status line: {status_line[:80]!r}")
        headers: dict[str, str] = {}
        for _ in range(_MAX_HEADERS):
            line = (await _read_line(reader)).decode("latin-1").rstrip("\r\n")
            if not line:
                break
            name, colon, value = line.partition(":")
            if not colon:
                raise WireError(f"malformed reply header: {line[:80]!r}")
            key = name.strip().lower()
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
        else:
            raise WireError("too many reply headers")
        status = int(code)
        if 100 <= status < 200 and status != 101:
            continue
        connection = headers.get("connection", "").lower()
        keep = "close" not in connection and (version == "HTTP/1.1" or "keep-alive" in connection)
        return status, headers, keep


async def _read_body(
    reader: asyncio.StreamReader, headers: dict[str, str], status: int
) -> tuple[bytes, bool]:
    """The body, and whether the connection can carry another request afterwards."""
    if status in (204, 304):
        return b"", True
    if "chunked" in headers.get("transfer-encoding", "").lower():
        parts: list[bytes] = []
        size_total = 0
        while True:
            size_text = (await _read_line(reader)).split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise WireError(f"malformed chunk size {size_text[:20]!r}") from None
            if size == 0:
                while (await _read_line(reader)).strip():  # trailers
                    pass
                return b"".join(parts), True
            size_total += size
            if size_total > _MAX_BODY:
                raise WireError("reply body too large")
            parts.append(await reader.readexactly(size))
            await _read_line(reader)
    if "content-length" in headers:
        try:
            length = int(headers["content-length"])
        except ValueError:
            raise WireError(f"malformed Content-Length {headers['content-length'][:20]!r}") from None
        if not 0 <= length <= _MAX_BODY:
            raise WireError(f"unacceptable Content-Length {length}")
        return await reader.readexactly(length), True
    parts = []  # no length given: the body runs until the server closes the connection
    size_total = 0
    while chunk := await reader.read(1 << 16):
        size_total += len(chunk)
        if size_total > _MAX_BODY:
            raise WireError("reply body too large")
        parts.append(chunk)
    return b"".join(parts), False


class PlainHttpPool:
    """Keep-alive connections to one ``host:port``, bound to the running event loop."""

    def __init__(self, host: str, port: int) -> None:
        """Connections are opened on demand; the caller bounds concurrency."""
        self.loop = asyncio.get_running_loop()
        self.host = host
        self.port = port
        name = f"[{host}]" if ":" in host else host  # an IPv6 literal
        self._host_header = name if port == 80 else f"{name}:{port}"
        self._free: list[_Connection] = []
        self.opened = 0
        """Connections opened so far."""

    async def _connect(self) -> _Connection:
        try:
            reader, writer = await asyncio.open_connection(self.host, self.port, limit=_MAX_LINE)
        except OSError as exc:
            raise WireConnectError(f"cannot connect to {self._host_header}: {exc.strerror or exc}") from None
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.opened += 1
        return _Connection(reader, writer)

    async def post(self, target: str, body: bytes, headers: Mapping[str, str]) -> WireResponse:
        """POST ``body`` to ``target`` (a path with query) and read the whole reply."""
        lines = [f"POST {target} HTTP/1.1", f"Host: {self._host_header}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        conn = self._free.pop() if self._free else await self._connect()
        while conn.reader.at_eof():  # the server closed this idle connection: drop it
            conn.close()
            conn = self._free.pop() if self._free else await self._connect()
        try:
            conn.writer.write(request)
            await conn.writer.drain()
            status, reply_headers, keep = await _read_head(conn.reader)
            content, reusable = await _read_body(conn.reader, reply_headers, status)
        except (
            WireError,
            OSError,
            ValueError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
        ) as exc:
            conn.close()
            detail = str(exc) or type(exc).__name__
            if isinstance(exc, asyncio.IncompleteReadError):
                detail = "connection closed in the middle of the reply"
            elif isinstance(exc, ValueError | asyncio.LimitOverrunError):
                detail = f"reply line longer than {_MAX_LINE} bytes"
            raise WireError(detail) from None
        except BaseException:  # cancelled (a timeout): the connection is in an unknown state
            conn.close()
            raise
        if keep and reusable:
            self._free.append(conn)
        else:
            conn.close()
        return WireResponse(status, reply_headers, content)

    async def aclose(self) -> None:
        """Close the idle connections."""
        for conn in self._free:
            conn.close()
        self._free.clear()
