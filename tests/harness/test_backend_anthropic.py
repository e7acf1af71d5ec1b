"""The ``anthropic`` backend against the loopback fake server's ``/v1/messages`` route."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from fakeserver import FakeOpenAIServer, Faults

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import ErrorKind, Status, Verdict
from judgeprobe.harness.judges.anthropic import API_VERSION, AnthropicJudge
from judgeprobe.harness.judges.http import HttpJudge
from judgeprobe.harness.judges.registry import JudgeConfig, load_judge

GRADE = JudgeRequest(
    mode=Mode.GRADE, question="q", reference="TC^0", responses=("TC^0",), response_ids=("r",)
)
PAIR = JudgeRequest(
    mode=Mode.PAIRWISE, question="q", reference=None, responses=("x", "y"), response_ids=("a", "b")
)
SECRET = "sk-ant-test-9876543210-SECRET"


def _judge(url: str, **config: Any) -> AnthropicJudge:
    judge = load_judge(
        JudgeConfig(
            backend="anthropic", model="claude-fake", base_url=url, api_key_env="JP_ANTHROPIC_KEY", **config
        )
    )
    assert isinstance(judge, AnthropicJudge)
    return judge


def _run(judge: AnthropicJudge, *requests: JudgeRequest) -> list[Verdict]:
    async def go() -> list[Verdict]:
        try:
            return [await judge.judge(request) for request in requests]
        finally:
            await judge.aclose()

    return asyncio.run(go())


@pytest.fixture(autouse=True, params=["lean-http", "httpx"])
def _key(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JP_ANTHROPIC_KEY", SECRET)
    monkeypatch.setattr(HttpJudge, "use_plain_http", request.param == "lean-http")


def test_messages_api_request_and_verdicts() -> None:
    with FakeOpenAIServer() as server:
        graded, paired = _run(_judge(server.root_url, temperature=0.0), GRADE, PAIR)
        body, headers = server.requests[0], server.headers[0]
        assert server.auth_headers == [SECRET, SECRET]
    assert (graded.status, graded.outcome) == (Status.JUDGED, "correct")
    assert paired.outcome == "a"
    assert graded.input_tokens and graded.output_tokens
    assert body["model"] == "claude-fake" and body["max_tokens"] == 1024 and body["temperature"] == 0.0
    assert body["messages"] == [{"role": "user", "content": graded.prompt}]
    assert "response_format" not in body
    assert headers["anthropic-version"] == API_VERSION


def test_base_url_with_or_without_v1() -> None:
    assert _judge("http://127.0.0.1:9").url == "http://127.0.0.1:9/v1/messages"
    assert _judge("http://127.0.0.1:9/v1/").url == "http://127.0.0.1:9/v1/messages"
    default = load_judge("anthropic:claude-x")
    assert isinstance(default, AnthropicJudge)
    assert default.url == "https://api.anthropic.com/v1/messages"
    assert default.config.api_key_env == "ANTHROPIC_API_KEY"


def test_errors_and_truncation() -> None:
    faults = Faults(status_sequence=[429, 529, 401, "truncated"], retry_after="3")
    with FakeOpenAIServer(faults=faults) as server:
        limited, overloaded, refused, cut = _run(_judge(server.root_url), GRADE, GRADE, GRADE, GRADE)
    assert (limited.error_kind, limited.meta["retry_after"]) == (ErrorKind.RATE_LIMIT, 3.0)
    assert overloaded.error_kind is ErrorKind.SERVER
    assert refused.error_kind is ErrorKind.CLIENT
    assert cut.status is Status.UNSCORED and cut.meta["truncated"] is True
    for verdict in (limited, overloaded, refused, cut):
        assert SECRET not in json.dumps(verdict.to_dict())


def test_missing_key_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JP_ANTHROPIC_KEY")
    with pytest.raises(ConfigError, match="JP_ANTHROPIC_KEY"):
        _run(_judge("http://127.0.0.1:9"), GRADE)
