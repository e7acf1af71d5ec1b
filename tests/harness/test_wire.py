"""The lean HTTP/1.1 client against a raw loopback server that answers with scripted bytes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

from judgeprobe.harness.judges.wire import PlainHttpPool, WireError, WireResponse

T = TypeVar("T")

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, int], Awaitable[None]]


async def _read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
    )
    return head + await reader.readexactly(length)


def _serve(handler: Handler, call: Callable[[PlainHttpPool], Awaitable[T]]) -> tuple[T, int]:
    """Run ``call`` against a server whose connection ``n`` (from 1) is handled by ``handler``; return its
    result and the number of connections the server accepted."""
    connections = 0

    async def main() -> T:
        async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal connections
            connections += 1
            try:
                await handler(reader, writer, connections)
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            finally:
                writer.close()

        server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        pool = PlainHttpPool("127.0.0.1", port)
        try:
            return await call(pool)
        finally:
            await pool.aclose()
            server.close()
            await server.wait_closed()

    result = asyncio.run(main())
    return result, connections


def _ok(body: bytes, extra: bytes = b"") -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n%s" % (len(body), extra, body)


def test_keep_alive_request_is_one_write_with_host_and_length() -> None:
    requests: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        for _ in range(3):
            requests.append(await _read_request(reader))
            writer.write(_ok(b'{"ok": 1}', b"Retry-After: 2\r\nX-A: 1\r\nx-a: 2\r\n"))
            await writer.drain()

    async def call(pool: PlainHttpPool) -> list[WireResponse]:
        return [await pool.post("/v1/chat?x=1", b'{"q": 1}', {"X-Team": "t"}) for _ in range(3)]

    replies, connections = _serve(handler, call)
    assert connections == 1
    first = replies[0]
    assert first.status_code == 200 and first.content == b'{"ok": 1}'
    assert first.headers["retry-after"] == "2" and first.headers["x-a"] == "1, 2"
    assert requests[0].startswith(b"POST /v1/chat?x=1 HTTP/1.1\r\nHost: 127.0.0.1:")
    assert b"Content-Length: 8\r\n" in requests[0] and b"X-Team: t\r\n" in requests[0]
    assert requests[0].endswith(b'\r\n\r\n{"q": 1}')


def test_chunked_reply_and_informational_reply() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        writer.write(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            b'4;ext=1\r\n{"a"\r\n3\r\n: 1\r\n1\r\n}\r\n0\r\nX-T: 1\r\n\r\n'
        )
        await writer.drain()
        await _read_request(reader)  # the connection is still usable
        writer.write(_ok(b"{}"))
        await writer.drain()

    async def call(pool: PlainHttpPool) -> tuple[WireResponse, WireResponse]:
        return await pool.post("/", b"{}", {}), await pool.post("/", b"{}", {})

    (first, second), connections = _serve(handler, call)
    assert first.content == b'{"a": 1}' and second.content == b"{}"
    assert connections == 1


def test_close_delimited_reply_and_connection_close() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await _read_request(reader)
        if n == 1:
            writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nno length here")
        else:
            writer.write(_ok(b"second", b"Connection: close\r\n"))
        await writer.drain()

    async def call(pool: PlainHttpPool) -> tuple[WireResponse, WireResponse]:
        return await pool.post("/", b"", {}), await pool.post("/", b"", {})

    (first, second), connections = _serve(handler, call)
    assert first.text == "no length here" and second.text == "second"
    assert connections == 2


def test_idle_connection_closed_by_the_server_is_replaced_before_use() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await _read_request(reader)
        writer.write(_ok(b"one" if n == 1 else b"two"))
        await writer.drain()  # then close the idle connection (keep-alive timeout)

    async def call(pool: PlainHttpPool) -> tuple[WireResponse, WireResponse]:
        first = await pool.post("/", b"", {})
        await asyncio.sleep(0.1)  # the server's close reaches the client
        return first, await pool.post("/", b"", {})

    (first, second), connections = _serve(handler, call)
    assert (first.text, second.text, connections) == ("one", "two", 2)


def test_a_request_dropped_after_sending_is_not_sent_again() -> None:
    requests = 0

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        nonlocal requests
        await _read_request(reader)
        requests += 1
        if n == 1:
            writer.write(_ok(b"one"))
            await writer.drain()
            await _read_request(reader)  # the second request arrives on the kept-alive connection...
            requests += 1  # ...and is dropped without a reply

    async def call(pool: PlainHttpPool) -> str:
        await pool.post("/", b"", {})
        with pytest.raises(WireError) as info:
            await pool.post("/", b"", {})
        return str(info.value)

    message, connections = _serve(handler, call)
    assert "server closed the connection" in message
    assert (requests, connections) == (2, 1)  # one attempt per call: retrying is the runner's job


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"SMTP ready\r\n\r\n", "not an HTTP/1.x status line"),
        (b"HTTP/1.1 200 OK\r\nbroken header\r\n\r\n", "malformed reply header"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n", "malformed Content-Length"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", "closed in the middle of the reply"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "malformed chunk size"),
        (b"", "server closed the connection"),
        (b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70000 + b"\r\n\r\n", "reply line longer than"),
    ],
)
def test_broken_replies_raise_wire_errors(raw: bytes, message: str) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await _read_request(reader)
        writer.write(raw)
        await writer.drain()

    async def call(pool: PlainHttpPool) -> str:
        with pytest.raises(WireError) as info:
            await pool.post("/", b"", {})
        return str(info.value)

    text, _ = _serve(handler, call)
    assert message in text


def test_cancelled_request_closes_its_connection() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await _read_request(reader)
        if n == 1:
            await asyncio.sleep(5)
        writer.write(_ok(b"late" if n == 1 else b"fresh"))
        await writer.drain()

    async def call(pool: PlainHttpPool) -> WireResponse:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.2):
                await pool.post("/", b"", {})
        return await pool.post("/", b"", {})

    reply, connections = _serve(handler, call)
    assert reply.text == "fresh" and connections == 2


def test_refused_connection() -> None:
    async def call() -> str:
        pool = PlainHttpPool("127.0.0.1", 9)
        with pytest.raises(WireError) as info:
            await pool.post("/", b"", {})
        return str(info.value)

    assert "cannot connect to 127.0.0.1:9" in asyncio.run(call())
