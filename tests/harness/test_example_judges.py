"""The judge files in ``examples/judges/`` (and docs/servers.md's quickstart) load, render and run: each local
server's TOML is pointed at the loopback fake server and judges a draw through the real HTTP path."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import fakeserver
import pytest
from click.testing import CliRunner

from judgeprobe.cases.models import Mode
from judgeprobe.harness.cli.main import cli
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Verdict
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.http import HttpJudge
from judgeprobe.harness.judges.registry import load_config, load_judge

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "judges"
GRADE = JudgeRequest(mode=Mode.GRADE, question="2+2?", reference="4", responses=("4",), response_ids=("r",))


@pytest.fixture(autouse=True)
def _keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-example")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-example")


def _judge(judge: Judge, request: JudgeRequest) -> Verdict:
    async def go() -> Verdict:
        try:
            return await judge.judge(request)
        finally:
            await judge.aclose()

    return asyncio.run(go())


@pytest.mark.parametrize(
    ("name", "port"), [("vllm.toml", 8000), ("ollama.toml", 11434), ("llamacpp.toml", 8080)]
)
def test_local_server_quickstarts_judge_through_an_openai_compatible_server(name: str, port: int) -> None:
    config = load_config(str(EXAMPLES / name))
    assert config.base_url == f"http://127.0.0.1:{port}/v1" and config.api_key_env is None
    with fakeserver.FakeOpenAIServer() as server:
        judge = load_judge(config.model_copy(update={"base_url": server.base_url}))
        verdict = _judge(judge, GRADE)
        body = server.requests[0]
    assert verdict.outcome == "correct"
    assert (body["model"], body["temperature"], body["seed"]) == (config.model, 0.0, 0)
    assert (
        body["response_format"]["type"] == "json_schema"
    )  # structured_output = "auto" tries the schema first
    if config.logprobs:
        assert body["logprobs"] is True and "p_yes" in verdict.meta


def test_protocol_examples_resolve_to_the_documented_modes() -> None:
    hle = load_judge(str(EXAMPLES / "hle-style.toml"))
    assert isinstance(hle, HttpJudge) and list(hle.templates) == [Mode.GRADE]
    assert hle.templates[Mode.GRADE].syntax == "format"
    (call,) = hle.http_calls(GRADE)
    assert call.body["response_format"]["json_schema"]["strict"] is True
    assert (call.body["reasoning_effort"], call.body["max_completion_tokens"]) == ("medium", 4096)
    assert "[response]: 4\n" in call.body["messages"][0]["content"]  # verbatim
    inspect = load_judge(str(EXAMPLES / "inspect-style.toml"))
    assert isinstance(inspect, HttpJudge) and list(inspect.templates) == [Mode.GRADE]
    assert inspect.reply is not None and inspect.reply.preset == "inspect"
    (inspect_call,) = inspect.http_calls(GRADE)
    assert "[Submission]: 4\n" in inspect_call.body["messages"][0]["content"]  # verbatim, {answer} filled
    assert "[Criterion]: 4\n" in inspect_call.body["messages"][0]["content"]  # {criterion}: the reference
    pair = load_judge(str(EXAMPLES / "mt-bench-pair.toml"))
    assert isinstance(pair, HttpJudge) and list(pair.templates) == [Mode.PAIRWISE]
    request = JudgeRequest(
        mode=Mode.PAIRWISE, question="q", reference=None, responses=("x", "y"), response_ids=("a", "b")
    )
    assert len(pair.http_calls(request)) == 2  # both orders
    single = load_judge(str(EXAMPLES / "mt-bench-single.toml"))
    assert isinstance(single, HttpJudge) and list(single.templates) == [Mode.SCORE]
    chat = load_judge(str(EXAMPLES / "pairwise-chat.toml"))
    assert isinstance(chat, HttpJudge)
    (chat_call,) = chat.http_calls(request)
    assert chat_call.body["system"].startswith("You are a careful, impartial reviewer.")
    assert (
        "[The Start of Assistant A's Answer]\nx\n[The End of Assistant A's Answer]"
        in chat_call.body["messages"][0]["content"]
    )
    assert chat_call.headers["x-api-key"] == "***"


def test_render_an_example_from_the_command_line() -> None:
    result = CliRunner().invoke(
        cli,
        [
            "judges",
            "render",
            str(EXAMPLES / "pairwise-chat.toml"),
            "--case",
            "pw-verbosity-binary-search",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    (call,) = json.loads(result.output)["calls"]
    assert [m["role"] for m in call["messages"]] == ["system", "user"]
    assert call["url"].endswith("/v1/messages") and "sk-ant-example" not in result.output


def test_the_quickstart_in_the_docs_shows_the_files_as_they_are() -> None:
    docs = (ROOT / "docs" / "servers.md").read_text(encoding="utf-8")
    for name in ("vllm.toml", "ollama.toml", "llamacpp.toml"):
        shown = docs.split(f"`examples/judges/{name}`:\n\n```toml\n", 1)[1].split("```", 1)[0]
        text = (EXAMPLES / name).read_text(encoding="utf-8")
        assert shown == text[text.index("[judge]") :], name
