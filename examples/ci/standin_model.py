"""A deterministic STAND-IN for a real judge model, served as an OpenAI-compatible endpoint on loopback.

This is not a language model. It exists so the CI example runs offline, for free, and the same every time.
judgeprobe's ``openai`` backend renders ``prompt.txt`` and sends it here exactly as it would send it to a
real model; the stand-in then reads that rendered prompt the way a (very literal) model would:

1. It takes the question, the correct answer and the two responses out of their ``<<<BEGIN …>>>`` blocks.
2. A response "states the correct answer" when the correct answer appears in it (case, spaces and
   punctuation ignored). If exactly one response does, that one is better.
3. Otherwise the two are equally good, and it answers a tie — unless the prompt's own instructions (the text
   outside the blocks, so a response cannot give them) tell it to prefer the first response, or response A,
   in that situation. Then it picks response A. That is a position bias, and it comes from the prompt text
   alone: the point of the example is that judgeprobe finds it.

It answers in the form the request asks for: the structured-output JSON object (``verdict`` A/B/tie) when
the request carries ``response_format``, otherwise text ending in ``[[A]]``, ``[[B]]`` or ``[[C]]``.

Run it with ``python standin_model.py --port 8765``; point a judge at ``http://127.0.0.1:8765/v1``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import threading
import unicodedata
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["StandInServer", "decide", "serve"]

_BLOCK = re.compile(r"<<<BEGIN ([A-Z ]+)>>>\n?(.*?)\n?<<<END \1>>>", re.S)
_PREFER_FIRST = re.compile(
    r"\b(?:prefer|choose|pick|favou?r|go with)\b[^.\n]{0,80}?\b(?:first|response a|\[\[a\]\])", re.I
)


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\W_]+", " ", folded).strip()


def decide(prompt: str) -> tuple[str, str]:
    """The verdict on a rendered pairwise prompt: ``(slot, reasoning)``, slot ``A``, ``B`` or ``tie``."""
    blocks = {label: body for label, body in _BLOCK.findall(prompt)}
    if "RESPONSE A" not in blocks or "RESPONSE B" not in blocks:
        return "", "This is not a pairwise comparison prompt."
    instructions = _BLOCK.sub(" ", prompt)
    reference = _plain(blocks.get("CORRECT ANSWER", ""))
    states = [
        bool(reference) and f" {reference} " in f" {_plain(blocks[s])} " for s in ("RESPONSE A", "RESPONSE B")
    ]
    if states[0] != states[1]:
        slot = "A" if states[0] else "B"
        return slot, f"Only response {slot} states the correct answer."
    if _PREFER_FIRST.search(instructions):
        return "A", "The responses are equally good; as instructed, the first one is preferred."
    return "tie", "Both responses are equally good."


def _reply(body: dict[str, Any]) -> dict[str, Any]:
    messages = body.get("messages") or [{}]
    prompt = str(messages[-1].get("content", ""))
    slot, reasoning = decide(prompt)
    if body.get("response_format", {}).get("type") == "json_schema":
        content = json.dumps({"reasoning": reasoning, "verdict": slot or "tie"})
    else:
        marker = {"A": "[[A]]", "B": "[[B]]", "tie": "[[C]]"}.get(slot, "")
        content = f"{reasoning}\n\n{marker}".strip()
    return {
        "id": "standin",
        "object": "chat.completion",
        "model": str(body.get("model", "standin")),
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": len(prompt.split()), "completion_tokens": len(content.split())},
    }


class _Handler(BaseHTTPRequestHandler):
    server: StandInServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            body = None
        if not self.path.endswith("/chat/completions") or not isinstance(body, dict):
            self.send_response(404 if isinstance(body, dict) else 400)
            self.end_headers()
            return
        with self.server.lock:
            self.server.calls += 1
        data = json.dumps(_reply(body)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: no line per request."""


class StandInServer(ThreadingHTTPServer):
    """The stand-in's HTTP server; ``calls`` counts the chat-completion requests it answered."""

    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__((host, port), _Handler)
        self.calls = 0
        self.lock = threading.Lock()

    @property
    def base_url(self) -> str:
        """The ``base_url`` a judge configuration should use."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/v1"


def serve(port: int = 0, *, host: str = "127.0.0.1") -> StandInServer:
    """Start the stand-in in a background thread (``port=0``: any free port); ``shutdown()`` stops it."""
    server = StandInServer(host, port)
    threading.Thread(target=server.serve_forever, name="standin-model", daemon=True).start()
    return server


def main() -> None:
    """Serve until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    server = StandInServer(args.host, args.port)
    print(
        f"stand-in judge model on {server.base_url} (not a real model; see the module docstring)", flush=True
    )
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
