"""A fake OpenAI-compatible (and Anthropic Messages) judge server on 127.0.0.1, for tests and benchmarks.

The server is real HTTP on loopback (a ``ThreadingHTTPServer`` with HTTP/1.1 keep-alive and one daemon thread
per connection), so backends and the runner are tested through their real transport, not a patched client.

Use it as a context manager::

    with FakeOpenAIServer(faults=Faults(latency_s=0.05, rate_limit_every=3, retry_after="1")) as server:
        judge = load_judge(f"openai:fake@{server.base_url}")
        ...
        assert server.calls == 10

or as a pytest fixture: ``from fakeserver import fake_server`` in a test module (``tests/harness`` is on
``sys.path`` under pytest's default import mode; ``tests.harness.fakeserver`` also imports from the
project root) and take ``fake_server`` as an argument.

Routes: ``POST /v1/chat/completions`` (OpenAI) and ``POST /v1/messages`` (Anthropic). ``GET /health``
answers ``ok``. An OpenAI request with ``logprobs: true`` gets ``choices[0].logprobs.content`` (see
:func:`fake_logprobs`); ``usage_extra=`` adds provider-specific usage fields (cached or reasoning tokens).
The default reply is a deterministic fake judge (see :func:`fake_judge_reply`) that reads the response and
the reference between the shipped templates' delimiters; pass ``reply=`` to script it.

Standalone, for benchmarks::

    python tests/harness/fakeserver.py --port 8765 --latency 0.1
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import re
import socket
import threading
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FakeOpenAIServer", "Faults", "fake_judge_reply", "fake_server", "normalise"]


@dataclass(frozen=True)
class Faults:
    """Faults the server injects. "every N" counts calls from 1 over all routes: call N, 2N, … misbehave."""

    latency_s: float = 0.0
    """Delay before every reply (also before faulty ones)."""
    status_sequence: Sequence[int | str | None] = ()
    """Per-call overrides for calls 1, 2, …: an HTTP status (``200`` normal, ``429`` with ``retry_after``,
    any other code an error body), a fault name (``reset``, ``timeout``, ``malformed``, ``empty``,
    ``truncated``) or ``None`` (no override). Calls beyond the sequence follow the ``*_every`` switches."""
    rate_limit_every: int | None = None
    """Every Nth call answers 429 (with ``Retry-After: retry_after`` when set)."""
    retry_after: str | None = None
    """``Retry-After`` header value on 429s: seconds (``"2"``) or an HTTP-date."""
    error_500_every: int | None = None
    """Every Nth call answers 500."""
    reset_every: int | None = None
    """Every Nth call closes the connection without any reply."""
    timeout_every: int | None = None
    """Every Nth call hangs ``hang_s`` seconds (longer than the client's timeout) before replying."""
    hang_s: float = 30.0
    """How long a ``timeout`` call hangs (cut short when the server stops)."""
    malformed_json_every: int | None = None
    """Every Nth call answers 200 with a body that is not valid JSON."""
    empty_content_every: int | None = None
    """Every Nth call answers 200 with an empty message content."""
    truncated_every: int | None = None
    """Every Nth call answers 200 with half of the reply and ``finish_reason: "length"``."""
    cached_tokens: int = 0
    """Report up to this many prompt tokens as read from a prompt cache (OpenAI
    ``prompt_tokens_details.cached_tokens``, Anthropic ``cache_read_input_tokens``); not a fault, a usage
    detail."""
    always_status: int | None = None
    """Every call beyond ``status_sequence`` answers this status (a refused key: 401; a model the server does
    not have: 404), whatever the ``*_every`` switches say."""
    error_message: str | None = None
    """The message of error replies (default ``fake status N``; a 401 echoes the refused credential)."""
    no_json_schema: bool = False
    """Reject requests carrying ``response_format: {"type": "json_schema"}`` with 400, like servers without
    structured output."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "status_sequence", tuple(self.status_sequence))

    def action(self, call: int) -> int | str | None:
        """The override for call number ``call`` (1-based): a status, a fault name or ``None``."""
        if call <= len(self.status_sequence):
            override = self.status_sequence[call - 1]
            if override is not None:
                return override
        if self.always_status is not None:
            return self.always_status
        every: list[tuple[int | None, int | str]] = [
            (self.rate_limit_every, 429),
            (self.error_500_every, 500),
            (self.reset_every, "reset"),
            (self.timeout_every, "timeout"),
            (self.malformed_json_every, "malformed"),
            (self.empty_content_every, "empty"),
            (self.truncated_every, "truncated"),
        ]
        for n, what in every:
            if n and call % n == 0:
                return what
        return None


# --- the deterministic fake judge ----------------------------------------------------------------------

_BLOCK = re.compile(r"<<<BEGIN ([A-Z_ ]+)>>>\n?(.*?)\n?<<<END \1>>>", re.S)


def normalise(text: str) -> str:
    """Loose normal form for the fake judge: NFKC, case-folded, no whitespace, no ``$``, no final period."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"\s+", "", text).replace("$", "")
    return text.rstrip(".")


def _blocks(body: dict[str, Any]) -> dict[str, str]:
    parts: list[str] = []
    system = body.get("system")
    if isinstance(system, str):
        parts.append(system)
    for message in body.get("messages") or []:
        content = message.get("content")
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts.extend(str(p.get("text", "")) for p in content if isinstance(p, dict))
    found: dict[str, str] = {}
    for match in _BLOCK.finditer("\n".join(parts)):
        found.setdefault(match.group(1).strip(), match.group(2))
    return found


def _mode(body: dict[str, Any], blocks: dict[str, str]) -> str:
    fmt = body.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        name = str((fmt.get("json_schema") or {}).get("name", ""))
        for mode in ("grade", "pairwise", "score"):
            if name.startswith(mode):
                return mode
    if "RESPONSE A" in blocks:
        return "pairwise"
    if "CORRECT ANSWER" in blocks:
        return "grade"
    return "score"


def wants_json(body: dict[str, Any]) -> bool:
    """Whether the request asked for JSON-schema structured output."""
    fmt = body.get("response_format")
    return isinstance(fmt, dict) and fmt.get("type") == "json_schema"


def fake_judge_reply(body: dict[str, Any]) -> str:
    """The default reply: grade says correct iff response and reference normalise equal; pairwise prefers
    slot A; score gives 7. Structured JSON when a JSON schema was requested, the text contract otherwise."""
    blocks = _blocks(body)
    mode = _mode(body, blocks)
    structured = wants_json(body)
    if mode == "grade":
        response = blocks.get("RESPONSE", "").strip()
        reference = blocks.get("CORRECT ANSWER", "").strip()
        same = bool(response) and normalise(response) == normalise(reference)
        reasoning = "The answers match after normalisation." if same else "The answers differ."
        if structured:
            return json.dumps(
                {
                    "extracted_final_answer": response or "None",
                    "reasoning": reasoning,
                    "correct": "yes" if same else "no",
                    "confidence": 100,
                }
            )
        extracted = response.replace("\n", " ") or "None"
        return (
            f"extracted_final_answer: {extracted}\n\nreasoning: {reasoning}\n\n"
            f"correct: {'yes' if same else 'no'}\n\nconfidence: 100"
        )
    if mode == "pairwise":
        if structured:
            return json.dumps({"reasoning": "Response A is better.", "verdict": "A"})
        return "Response A answers the question more directly.\n\n[[A]]"
    if structured:
        return json.dumps({"reasoning": "A reasonable response.", "rating": 7})
    return "A reasonable response.\n\nRating: [[7]]"


_TOKEN = re.compile(r"\s*[A-Za-z]+|\s*\d|\s*[^\sA-Za-z\d]|\s+")
FAKE_P_CHOSEN = 0.9
"""Probability the fake gives the token it chose where an alternative is obvious (yes/no)."""


def fake_logprobs(content: str, top: int) -> dict[str, Any]:
    """A ``logprobs`` object for ``content``: words, digits and symbols as tokens, each with its UTF-8 bytes;
    a ``yes``/``no`` token has probability :data:`FAKE_P_CHOSEN` and the other word the rest, every other
    token probability 1."""
    items = []
    for token in _TOKEN.findall(content):
        word = token.strip().lower()
        if word in ("yes", "no"):
            other = token.replace(token.strip(), "no" if word == "yes" else "yes")
            chosen, rest = math.log(FAKE_P_CHOSEN), math.log(1 - FAKE_P_CHOSEN)
            alternatives = [(token, chosen), (other, rest)]
        else:
            chosen, alternatives = 0.0, [(token, 0.0)]
        items.append(
            {
                "token": token,
                "logprob": chosen,
                "bytes": list(token.encode("utf-8")),
                "top_logprobs": [
                    {"token": t, "logprob": lp, "bytes": list(t.encode("utf-8"))}
                    for t, lp in alternatives[:top]
                ],
            }
        )
    return {"content": items}


# --- the server --------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 512
    owner: FakeOpenAIServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: without this, delayed ACKs add ~40 ms
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.owner._lock:
            self.server.owner.connections += 1

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request log."""

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/health"):
            self._send(200, b"ok", content_type="text/plain")
        else:
            self._send(404, b'{"error": {"message": "not found"}}')

    def do_POST(self) -> None:
        try:
            self._post()
        finally:
            if self._counted:
                self.server.owner._done()

    _counted = False

    def _post(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0].rstrip("/")
        anthropic = path.endswith("/messages")
        if not (anthropic or path.endswith("/chat/completions")):
            self._send(404, b'{"error": {"message": "no such route"}}')
            return
        auth = self.headers.get("x-api-key") if anthropic else self.headers.get("Authorization")
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            body = None
        call, faults, reply_fn, usage_extra = owner._record(
            body if isinstance(body, dict) else {}, auth or "", dict(self.headers)
        )
        self._counted = True
        if faults.latency_s:
            owner._stopping.wait(faults.latency_s)
        if not isinstance(body, dict):
            self._send(400, b'{"error": {"message": "request body is not a JSON object"}}')
            return
        action = faults.action(call)
        if action == "timeout":
            owner._stopping.wait(faults.hang_s)
            action = None
        if action == "reset":
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if isinstance(action, int) and action != 200:
            headers = {"Retry-After": faults.retry_after} if action == 429 and faults.retry_after else {}
            text = faults.error_message or f"fake status {action}"
            if action == 401 and faults.error_message is None:  # like real APIs, echo the refused credential
                text = f"Incorrect API key provided: {auth}"
            message = json.dumps({"error": {"message": text, "type": "fake"}})
            self._send(action, message.encode(), headers=headers)
            return
        if faults.no_json_schema and not anthropic and wants_json(body):
            self._send(400, b'{"error": {"message": "response_format json_schema is not supported"}}')
            return
        if action == "malformed":
            self._send(200, b'{"id": "x", "choices": [{"message": {"content": "corr')
            return
        content = reply_fn(body)
        finish = "stop"
        if action == "empty":
            content = ""
        elif action == "truncated":
            content = content[: len(content) // 2]
            finish = "length"
        prompt_tokens = sum(len(str(m.get("content", ""))) for m in body.get("messages") or []) // 4
        out_tokens = max(1, len(content) // 4)
        cached = min(faults.cached_tokens, prompt_tokens)
        model = str(body.get("model", "fake"))
        if anthropic:
            payload: dict[str, Any] = {
                "id": f"msg_{call}",
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": [{"type": "text", "text": content}] if content else [],
                "stop_reason": "max_tokens" if finish == "length" else "end_turn",
                "usage": {"input_tokens": prompt_tokens - cached, "output_tokens": out_tokens, **usage_extra},
            }
            if cached:
                payload["usage"]["cache_read_input_tokens"] = cached
        else:
            payload = {
                "id": f"chatcmpl-{call}",
                "object": "chat.completion",
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": finish,
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": out_tokens,
                    "total_tokens": prompt_tokens + out_tokens,
                    **usage_extra,
                },
            }
            if cached:
                payload["usage"]["prompt_tokens_details"] = {"cached_tokens": cached}
            if body.get("logprobs") is True:
                payload["choices"][0]["logprobs"] = fake_logprobs(content, int(body.get("top_logprobs") or 0))
        self._send(200, json.dumps(payload).encode())

    def _send(
        self,
        status: int,
        data: bytes,
        *,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True


class FakeOpenAIServer:
    """A loopback judge server with switchable faults; counts every HTTP request it receives."""

    def __init__(
        self,
        *,
        faults: Faults = Faults(),
        reply: Callable[[dict[str, Any]], str] | None = None,
        port: int = 0,
        usage_extra: dict[str, Any] | None = None,
    ) -> None:
        """Configure (not yet listening). ``port=0`` picks a free port on :meth:`start`; ``usage_extra`` is
        merged into every reply's ``usage`` object."""
        self._usage_extra = dict(usage_extra or {})
        self._faults = faults
        self._reply = reply or fake_judge_reply
        self._port = port
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self.calls = 0
        """Total POST requests received (thread-safe)."""
        self.requests: list[dict[str, Any]] = []
        """Request bodies, in arrival order."""
        self.auth_headers: list[str] = []
        """``Authorization`` (OpenAI) or ``x-api-key`` (Anthropic) header of every request."""
        self.headers: list[dict[str, str]] = []
        """All request headers, in arrival order."""
        self.connections = 0
        """TCP connections accepted (fewer than ``calls`` when clients keep connections alive)."""
        self.in_flight = 0
        """POST requests being handled right now."""
        self.max_in_flight = 0
        """The most POST requests handled at the same time (shows that connections overlap)."""

    def _record(
        self, body: dict[str, Any], auth: str, headers: dict[str, str]
    ) -> tuple[int, Faults, Callable[[dict[str, Any]], str], dict[str, Any]]:
        with self._lock:
            self.calls += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.requests.append(body)
            self.auth_headers.append(auth)
            self.headers.append(headers)
            return self.calls, self._faults, self._reply, self._usage_extra

    def _done(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def set_faults(self, faults: Faults) -> None:
        """Switch faults for the calls that arrive from now on (call numbering continues)."""
        with self._lock:
            self._faults = faults

    def set_reply(self, reply: Callable[[dict[str, Any]], str] | None) -> None:
        """Switch the reply function (``None``: the default fake judge)."""
        with self._lock:
            self._reply = reply or fake_judge_reply

    @property
    def port(self) -> int:
        """The listening port (after :meth:`start`)."""
        if self._httpd is None:
            raise RuntimeError("the fake server is not started")
        return int(self._httpd.server_address[1])

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT`` (the Anthropic base URL form)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1`` (the OpenAI base URL form)."""
        return f"{self.root_url}/v1"

    def start(self) -> FakeOpenAIServer:
        """Bind and serve in a background daemon thread."""
        if self._httpd is not None:
            return self
        self._stopping.clear()
        httpd = _Server(("127.0.0.1", self._port), _Handler)
        httpd.owner = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake hanging handlers and close the socket."""
        if self._httpd is None:
            return
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(
    faults: Faults = Faults(), reply: Callable[[dict[str, Any]], str] | None = None
) -> Iterator[FakeOpenAIServer]:
    """Generator form for fixtures: yields a started server and stops it afterwards."""
    server = FakeOpenAIServer(faults=faults, reply=reply)
    with server:
        yield server


try:  # the fixture, when pytest is around (the standalone benchmark mode does not need it)
    import pytest

    @pytest.fixture
    def fake_server() -> Iterator[FakeOpenAIServer]:
        """A started fake server without faults; change them with ``fake_server.set_faults(...)``."""
        yield from serve()

except ImportError:  # pragma: no cover - pytest is a test dependency
    pass


def main(argv: list[str] | None = None) -> None:
    """Standalone mode: serve until interrupted."""
    parser = argparse.ArgumentParser(description="Fake OpenAI-compatible judge server on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="port (0: a free one)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each reply")
    parser.add_argument("--rate-limit-every", type=int, default=None, help="every Nth call answers 429")
    parser.add_argument("--retry-after", default=None, help="Retry-After on 429s (seconds or HTTP-date)")
    parser.add_argument("--error-500-every", type=int, default=None, help="every Nth call answers 500")
    parser.add_argument("--reset-every", type=int, default=None, help="every Nth call drops the connection")
    parser.add_argument("--no-json-schema", action="store_true", help="refuse structured-output requests")
    parser.add_argument("--cached-tokens", type=int, default=0, help="prompt tokens reported as cached")
    args = parser.parse_args(argv)
    faults = Faults(
        latency_s=args.latency,
        rate_limit_every=args.rate_limit_every,
        retry_after=args.retry_after,
        error_500_every=args.error_500_every,
        reset_every=args.reset_every,
        no_json_schema=args.no_json_schema,
        cached_tokens=args.cached_tokens,
    )
    server = FakeOpenAIServer(faults=faults, port=args.port).start()
    print(server.base_url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
