"""The fake judge server itself: routes, the deterministic fake judge, every fault switch, concurrency."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import fakeserver
import httpx
import pytest
from fakeserver import FakeOpenAIServer, Faults, fake_judge_reply

fake_server = fakeserver.fake_server

GRADE_PROMPT = (
    "[response]:\n<<<BEGIN RESPONSE>>>\n $TC^0$ \n<<<END RESPONSE>>>\n"
    "[correct_answer]:\n<<<BEGIN CORRECT ANSWER>>>\ntc^0\n<<<END CORRECT ANSWER>>>\n"
)


def _chat(content: str, **extra: Any) -> dict[str, Any]:
    return {"model": "fake", "messages": [{"role": "user", "content": content}], **extra}


def _post(server: FakeOpenAIServer, body: dict[str, Any], *, timeout: float = 5.0) -> httpx.Response:
    return httpx.post(f"{server.base_url}/chat/completions", json=body, timeout=timeout)


def test_default_judge_grades_by_normalised_match(fake_server: FakeOpenAIServer) -> None:
    reply = _post(fake_server, _chat(GRADE_PROMPT), timeout=5).json()
    text = reply["choices"][0]["message"]["content"]
    assert text.rstrip().endswith("confidence: 100")
    assert "correct: yes" in text
    wrong = GRADE_PROMPT.replace("tc^0", "AC^0")
    assert "correct: no" in fake_judge_reply(_chat(wrong))
    assert reply["usage"]["completion_tokens"] > 0
    assert fake_server.calls == 1


def test_default_judge_structured_pairwise_and_score() -> None:
    schema = {"type": "json_schema", "json_schema": {"name": "grade_verdict", "schema": {}}}
    data = json.loads(fake_judge_reply(_chat(GRADE_PROMPT, response_format=schema)))
    assert data["correct"] == "yes"
    pair = "<<<BEGIN RESPONSE A>>>\nx\n<<<END RESPONSE A>>>\n<<<BEGIN RESPONSE B>>>\ny\n<<<END RESPONSE B>>>"
    assert fake_judge_reply(_chat(pair)).endswith("[[A]]")
    assert fake_judge_reply(_chat("<<<BEGIN RESPONSE>>>\nx\n<<<END RESPONSE>>>")).endswith("Rating: [[7]]")


def test_status_sequence_rate_limit_and_retry_after() -> None:
    faults = Faults(status_sequence=[429, 500, None, "empty"], retry_after="2")
    with FakeOpenAIServer(faults=faults) as server:
        first = _post(server, _chat(GRADE_PROMPT))
        assert first.status_code == 429 and first.headers["Retry-After"] == "2"
        assert _post(server, _chat(GRADE_PROMPT)).status_code == 500
        assert _post(server, _chat(GRADE_PROMPT)).status_code == 200
        assert _post(server, _chat(GRADE_PROMPT)).json()["choices"][0]["message"]["content"] == ""
        assert server.calls == 4


def test_every_n_faults() -> None:
    with FakeOpenAIServer(faults=Faults(malformed_json_every=2)) as server:
        assert _post(server, _chat(GRADE_PROMPT)).status_code == 200
        with pytest.raises(json.JSONDecodeError):
            json.loads(_post(server, _chat(GRADE_PROMPT)).text)
        server.set_faults(Faults(truncated_every=1))
        choice = _post(server, _chat(GRADE_PROMPT)).json()["choices"][0]
        assert choice["finish_reason"] == "length"
        assert "confidence" not in choice["message"]["content"]
        server.set_faults(Faults(reset_every=1))
        with pytest.raises(httpx.TransportError):
            _post(server, _chat(GRADE_PROMPT))
        server.set_faults(Faults(timeout_every=1, hang_s=5))
        with pytest.raises(httpx.TimeoutException):
            _post(server, _chat(GRADE_PROMPT), timeout=0.3)
        assert server.calls == 5


def test_no_json_schema_rejects_structured_requests() -> None:
    schema = {"type": "json_schema", "json_schema": {"name": "grade_verdict", "schema": {}}}
    with FakeOpenAIServer(faults=Faults(no_json_schema=True)) as server:
        assert _post(server, _chat(GRADE_PROMPT, response_format=schema)).status_code == 400
        assert _post(server, _chat(GRADE_PROMPT)).status_code == 200


def test_anthropic_route_and_auth_recording() -> None:
    with FakeOpenAIServer(reply=lambda body: "scripted") as server:
        reply = httpx.post(
            f"{server.root_url}/v1/messages",
            json={"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]},
            headers={"x-api-key": "k-1"},
        ).json()
        assert reply["content"] == [{"type": "text", "text": "scripted"}]
        httpx.post(
            f"{server.base_url}/chat/completions", json=_chat("x"), headers={"Authorization": "Bearer k-2"}
        )
        assert server.auth_headers == ["k-1", "Bearer k-2"]
        assert server.requests[0]["model"] == "m"


@pytest.mark.slow
def test_64_concurrent_connections_overlap() -> None:
    async def burst(url: str) -> list[int]:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        async with httpx.AsyncClient(limits=limits, timeout=30) as client:
            replies = await asyncio.gather(*(client.post(url, json=_chat(GRADE_PROMPT)) for _ in range(128)))
        return [r.status_code for r in replies]

    with FakeOpenAIServer(faults=Faults(latency_s=0.2)) as server:
        statuses = asyncio.run(burst(f"{server.base_url}/chat/completions"))
    assert statuses == [200] * 128
    assert server.calls == 128
    assert server.in_flight == 0
    # 64 client connections against a 0.2 s latency: many requests are served at the same time.
    assert server.max_in_flight >= 32


def test_standalone_mode_serves_with_faults_from_flags() -> None:
    script = Path(fakeserver.__file__)
    proc = subprocess.Popen(
        [sys.executable, str(script), "--rate-limit-every", "2", "--retry-after", "1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        first = httpx.post(f"{base_url}/chat/completions", json=_chat(GRADE_PROMPT), timeout=10)
        second = httpx.post(f"{base_url}/chat/completions", json=_chat(GRADE_PROMPT), timeout=10)
        assert (first.status_code, second.status_code, second.headers["Retry-After"]) == (200, 429, "1")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
