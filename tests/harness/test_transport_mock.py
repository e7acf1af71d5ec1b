"""The model-API backends' request building and reply reading, through an in-process MockTransport.

These tests need no socket: a handler answers each request the way a server would. The wire layer (the lean
HTTP client, httpx, keep-alive, proxies) keeps its own tests against real loopback servers
(``test_wire.py``, ``test_backend_openai.py``, ``test_backend_anthropic.py``).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import ErrorKind, Status, Verdict
from judgeprobe.harness.judges.anthropic import AnthropicJudge
from judgeprobe.harness.judges.http import HttpJudge
from judgeprobe.harness.judges.openai import OpenAIJudge
from judgeprobe.harness.judges.registry import JudgeConfig, parse_spec
from judgeprobe.harness.judges.transport import HttpReply, HttpRequest, MockTransport, TransportFailure

GRADE = JudgeRequest(
    mode=Mode.GRADE, question="Which class?", reference="TC^0", responses=("TC0",), response_ids=("r1",)
)
PAIR = JudgeRequest(
    mode=Mode.PAIRWISE, question="q", reference=None, responses=("x", "y"), response_ids=("px", "py")
)


def _chat(content: str, *, finish: str = "stop", usage: dict[str, int] | None = None) -> HttpReply:
    return HttpReply.json(
        {
            "choices": [{"message": {"role": "assistant", "content": content}, "finish_reason": finish}],
            "usage": usage or {"prompt_tokens": 11, "completion_tokens": 5},
        }
    )


def _judge_with(handler: Any, **config: Any) -> tuple[HttpJudge, MockTransport]:
    transport = MockTransport(handler)
    backend = config.pop("backend", "openai")
    cls = OpenAIJudge if backend == "openai" else AnthropicJudge
    judge = cls(
        JudgeConfig(backend=backend, model="m", base_url="http://judge.invalid/v1", **config),
        transport=transport,
    )
    return judge, transport


def _run(judge: HttpJudge, *requests: JudgeRequest) -> list[Verdict]:
    async def go() -> list[Verdict]:
        try:
            return [await judge.judge(request) for request in requests]
        finally:
            await judge.aclose()

    return asyncio.run(go())


def test_openai_request_body_carries_every_configured_field() -> None:
    reply = {"extracted_final_answer": "TC0", "reasoning": "same", "correct": "yes", "confidence": 90}
    judge, transport = _judge_with(
        lambda request: _chat(json.dumps(reply)), temperature=0.0, max_tokens=64, params={"seed": 3}
    )
    (verdict,) = _run(judge, GRADE)
    assert (verdict.status, verdict.outcome, verdict.confidence) == (Status.JUDGED, "correct", 90.0)
    assert (verdict.input_tokens, verdict.output_tokens) == (11, 5)
    (sent,) = transport.requests
    assert sent.url == "http://judge.invalid/v1/chat/completions"
    body = sent.json()
    assert (body["model"], body["temperature"], body["max_tokens"], body["seed"]) == ("m", 0.0, 64, 3)
    assert body["response_format"]["type"] == "json_schema"
    assert body["messages"] == [{"role": "user", "content": verdict.prompt}]
    assert sent.headers["Content-Type"] == "application/json"


def test_openai_structured_output_refused_falls_back_to_text_once() -> None:
    def handler(request: HttpRequest) -> HttpReply:
        if "response_format" in request.json():
            return HttpReply.json({"error": {"message": "json_schema unsupported"}}, status=400)
        return _chat("extracted_final_answer: TC0\nreasoning: same\ncorrect: yes\nconfidence: 80")

    judge, transport = _judge_with(handler)
    first, second = _run(judge, GRADE, GRADE)
    assert first.outcome == second.outcome == "correct"
    assert ["response_format" in r.json() for r in transport.requests] == [True, False, False]


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (HttpReply.json({"error": {"message": "slow down"}}, status=429, headers={"retry-after": "3"}), "rl"),
        (HttpReply.json({"error": {"message": "Incorrect API key provided"}}, status=401), "client"),
        (HttpReply(status=502, content=b"bad gateway"), "server"),
        (HttpReply(status=200, content=b"not json"), "server"),
        (HttpReply.json({"no": "choices"}), "server"),
    ],
)
def test_openai_failed_replies_map_to_error_kinds(reply: HttpReply, kind: str) -> None:
    judge, _ = _judge_with(lambda request: reply)
    (verdict,) = _run(judge, GRADE)
    expected = {"rl": ErrorKind.RATE_LIMIT, "client": ErrorKind.CLIENT, "server": ErrorKind.SERVER}[kind]
    assert verdict.status is Status.ERROR and verdict.error_kind is expected
    if kind == "rl":
        assert verdict.meta["retry_after"] == 3.0
    if kind == "client":
        assert "Incorrect API key provided" in (verdict.reason or "")


def test_unreachable_server_is_a_connection_error() -> None:
    def handler(request: HttpRequest) -> HttpReply:
        raise ConnectionRefusedError("connection refused")

    judge, _ = _judge_with(handler)
    (verdict,) = _run(judge, GRADE)
    assert verdict.error_kind is ErrorKind.CONNECTION and "connection refused" in (verdict.reason or "")


def test_a_slow_handler_hits_the_timeout() -> None:
    async def handler(request: HttpRequest) -> HttpReply:
        await asyncio.sleep(5)
        return _chat("never")

    judge, _ = _judge_with(handler, timeout_s=0.05)
    (verdict,) = _run(judge, GRADE)
    assert verdict.error_kind is ErrorKind.TIMEOUT


def test_truncated_and_refused_replies_are_unscored() -> None:
    judge, _ = _judge_with(lambda request: _chat('{"extracted_final_answer": "TC', finish="length"))
    (verdict,) = _run(judge, GRADE)
    assert verdict.status is Status.UNSCORED and verdict.reason


def test_pairwise_slot_verdict_maps_back_to_the_response_identity() -> None:
    judge, _ = _judge_with(lambda request: _chat(json.dumps({"reasoning": "B is better", "verdict": "B"})))
    (verdict,) = _run(judge, PAIR)
    assert verdict.outcome == "py" and verdict.meta["slot"] == "B"


def test_anthropic_messages_request_and_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JP_MOCK_ANTHROPIC_KEY", "sk-ant-mock-123456789")

    def handler(request: HttpRequest) -> HttpReply:
        return HttpReply.json(
            {
                "content": [{"type": "text", "text": "reasoning: same\ncorrect: yes\nconfidence: 70"}],
                "usage": {"input_tokens": 20, "output_tokens": 4},
                "stop_reason": "end_turn",
            }
        )

    judge, transport = _judge_with(handler, backend="anthropic", api_key_env="JP_MOCK_ANTHROPIC_KEY")
    (verdict,) = _run(judge, GRADE)
    assert verdict.outcome == "correct" and (verdict.input_tokens, verdict.output_tokens) == (20, 4)
    (sent,) = transport.requests
    assert sent.url == "http://judge.invalid/v1/messages"
    assert sent.headers["x-api-key"] == "sk-ant-mock-123456789" and "anthropic-version" in sent.headers
    assert sent.json()["max_tokens"] == 1024
    assert "sk-ant-mock-123456789" not in json.dumps(verdict.to_dict())


def test_mock_transport_refuses_a_handler_that_returns_something_else() -> None:
    transport = MockTransport(lambda request: {"status": 200})
    with pytest.raises(TypeError, match="not HttpReply"):
        asyncio.run(transport.send(HttpRequest(url="http://x/", headers={}, body=b"{}")))


def test_mock_transport_turns_connection_errors_into_transport_failures() -> None:
    def handler(request: HttpRequest) -> HttpReply:
        raise ConnectionResetError

    with pytest.raises(TransportFailure, match="ConnectionResetError"):
        asyncio.run(MockTransport(handler).send(HttpRequest(url="http://x/", headers={}, body=b"{}")))


@pytest.mark.parametrize(
    ("spec", "fields"),
    [
        ("openai:gpt-4o-mini", {"model": "gpt-4o-mini", "base_url": None}),
        ("openai:m@http://127.0.0.1:8000/v1", {"model": "m", "base_url": "http://127.0.0.1:8000/v1"}),
        ("anthropic:claude@http://127.0.0.1:9/v1", {"model": "claude", "base_url": "http://127.0.0.1:9/v1"}),
        ("builtin:reference", {"target": "reference"}),
        ("command:node judge.js", {"target": "node judge.js"}),
    ],
)
def test_each_backend_reads_its_own_spec(spec: str, fields: dict[str, Any]) -> None:
    config = parse_spec(spec)
    assert {name: getattr(config, name) for name in fields} == fields
    assert config.display_name() == spec


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("openai:", "no model named"),
        ("openai:@http://127.0.0.1:8000/v1", "no model named"),
        ("anthropic:m@", "followed by no base URL"),
        ("nosuchbackend:x", "unknown judge backend 'nosuchbackend'"),
    ],
)
def test_bad_specs_say_what_is_expected(spec: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_spec(spec)
