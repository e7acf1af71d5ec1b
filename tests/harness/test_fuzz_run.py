"""A fuzz test of the whole run path (issue 10, finding 6): generated case files and judge replies (random
bytes, huge bodies, deeply nested JSON, wrong types, invalid UTF-8) end either in a completed run whose
counts add up, or in exit status 2 with one ``Error:`` line; never a traceback.

The judge is ``openai:m@URL`` against a small HTTP server on loopback that answers every request with the
next of the generated bodies. Example counts are small (the run path is the whole program).
"""

from __future__ import annotations

import json
import re
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from judgeprobe.harness.cli.main import main

BASE_CASE = """\
cases:
  - id: fuzz-case
    question: "What is 6 x 7?"
    source: hand-written
    tags: [fuzz]
    reference: "42"
    answer_kind: number
    equivalents: ["42.0"]
    non_equivalents: ["41"]
    responses:
      - {id: right, text: "Answer: 42", label: correct, why: the product}
      - {id: wrong, text: "Answer: 41", label: incorrect, why: one short}
"""
FIELDS = ("question", "reference", "answer_kind", "equivalents", "tags", "source", "id")


class _Replies(BaseHTTPRequestHandler):
    bodies: ClassVar[list[bytes]] = [b"{}"]
    calls = 0
    lock = threading.Lock()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.lock:
            body = self.bodies[type(self).calls % len(self.bodies)]
            type(self).calls += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Replies)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def _chat(content: Any) -> bytes:
    return json.dumps({"choices": [{"message": {"content": content}, "finish_reason": "stop"}]}).encode()


def _nested(depth: int) -> bytes:
    return _chat(None).replace(b"null", b"[" * depth + b"]" * depth)


replies = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(_chat),
    st.sampled_from(
        [
            "extracted_final_answer: 42\nreasoning: ok\ncorrect: yes\nconfidence: 90",
            '{"extracted_final_answer": "41", "reasoning": "r", "correct": "no", "confidence": 80}',
            "",
            "   \n",
        ]
    ).map(_chat),
    st.integers(100_000, 600_000).map(lambda n: _chat("correct: yes " * (n // 13))),
    st.integers(500, 50_000).map(_nested),
    st.integers(500, 20_000).map(lambda d: b"[" * d + b"]" * d),
    st.sampled_from(
        [
            b"null",
            b"[]",
            b'{"choices": 5}',
            b'{"choices": [5]}',
            b'{"choices": [{"message": null}]}',
            _chat(5),
            _chat({"a": [1, 2]}),
            _chat(["x"]),
            b'{"choices": [{"message": {"content": "\xff\xfe"}}]}',
            b"\xef\xbb\xbf" + _chat("correct: yes"),
            "é".encode("latin-1"),
        ]
    ),
)


@st.composite
def case_files(draw: st.DrawFn) -> bytes:
    """A case file: the base case, or the base with one field replaced by something of the wrong shape, or
    random bytes. Shrinks towards the unchanged base case."""
    how = draw(st.sampled_from(["base", "base", "base", "field", "bytes", "deep", "huge"]))
    if how == "base":
        return BASE_CASE.encode()
    if how == "bytes":
        return draw(st.binary(max_size=400))
    field = draw(st.sampled_from(FIELDS))
    if how == "deep":
        depth = draw(st.integers(50, 3000))
        value = "[" * depth + "]" * depth
    elif how == "huge":
        value = json.dumps("7" * draw(st.integers(10_000, 400_000)))
    else:
        value = draw(
            st.sampled_from(["5", "null", "[1, 2]", "{a: 1}", "true", '"\\x00"', "''", "!!binary aGk="])
        )
    pattern = re.compile(rf"^(\s+{field}: ).*$", re.M)
    text = pattern.sub(lambda m: m.group(1) + value, BASE_CASE, count=1).encode()
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + b"\xff\xfe" + text[cut:]
    return text


def _run_args(server: str, cases: Path, out: Path) -> list[str]:
    return [
        "run", "--judge", f"openai:m@{server}", "--cases", str(cases), "--no-builtin-cases",
        "--probes", "none", "--max-retries", "0", "--timeout", "10", "--out", str(out), "--no-progress",
    ]  # fmt: skip


_ENDED = re.compile(
    r"(\d+) of (\d+) draws ended \(.*?\): (\d+) judged, (\d+) unscored, (\d+) errors, (\d+) skipped", re.S
)


@pytest.mark.slow
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(case_file=case_files(), bodies=st.lists(replies, min_size=1, max_size=4))
@example(case_file=BASE_CASE.encode(), bodies=[_chat("```\n{" * 150_000)])  # took hours: quadratic parse
@example(case_file=BASE_CASE.encode(), bodies=[_nested(20_000), b"\xff" * 100])
@example(case_file=BASE_CASE.encode().replace(b"6 x 7", b"6 \xd7 7"), bodies=[b"{}"])  # Latin-1 case file
def test_a_run_completes_with_counts_that_add_up_or_ends_in_exit_2(
    server: str, capsys: pytest.CaptureFixture[str], case_file: bytes, bodies: list[bytes]
) -> None:
    _Replies.bodies = bodies
    with tempfile.TemporaryDirectory() as folder:
        cases = Path(folder) / "cases"
        cases.mkdir()
        (cases / "fuzz.yaml").write_bytes(case_file)
        out = Path(folder) / "out"
        with pytest.raises(SystemExit) as exited:
            main(_run_args(server, cases, out))
        text = "".join(capsys.readouterr())
        assert "Traceback" not in text
        event(f"exit {exited.value.code}")
        if exited.value.code == 2:
            assert len([line for line in text.splitlines() if line.startswith("Error:")]) == 1, text
            return
        assert exited.value.code in (0, 1, None), text
        if exited.value.code == 1:  # a judge that errors or answers garbage is unreliable, and says so
            assert "Judge: UNRELIABLE" in text and "Exit status 1: the judge is unreliable" in text, text
        ended = _ENDED.search(" ".join(text.split()))
        assert ended is not None, text
        done, planned, judged, unscored, errors, skipped = map(int, ended.groups())
        assert done == planned == judged + unscored + errors + skipped > 0
        rows = (out / "results.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(rows) == planned
