"""Provider features: seed, temperature, reasoning-model parameters, log-probabilities (a P(yes) confidence),
structured output on/auto/off, refusals, and token usage per draw (cached and reasoning tokens included).

Request building and reply reading are unit-tested through the in-process MockTransport; the end-to-end
claims run against the loopback fake server, through the runner and the SQLite store.
"""

from __future__ import annotations

import asyncio
import json
import math
from pathlib import Path
from typing import Any

import pytest
from fakeserver import FAKE_P_CHOSEN, FakeOpenAIServer, Faults

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import ErrorKind, Status, TokenUsage, Verdict
from judgeprobe.harness.judges.anthropic import AnthropicJudge
from judgeprobe.harness.judges.http import HttpJudge
from judgeprobe.harness.judges.logprobs import TokenLogprob, p_yes
from judgeprobe.harness.judges.openai import OpenAIJudge
from judgeprobe.harness.judges.registry import JudgeConfig, load_judge
from judgeprobe.harness.judges.transport import HttpReply, MockTransport
from judgeprobe.harness.run.runner import RunOptions, run
from judgeprobe.harness.store import RunStore
from judgeprobe.probes.variant import Relation, Slot, Variant

GRADE = JudgeRequest(
    mode=Mode.GRADE, question="What is 6 x 7?", reference="42", responses=("42",), response_ids=("r",)
)
GRADE_REPLY = "extracted_final_answer: 42\nreasoning: same number.\ncorrect: yes\nconfidence: 100"


def _chat(content: str, **extra: Any) -> HttpReply:
    choice: dict[str, Any] = {"message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
    choice.update(extra.pop("choice", {}))
    return HttpReply.json(
        {"choices": [choice], "usage": {"prompt_tokens": 20, "completion_tokens": 9}, **extra}
    )


def _judge(handler: Any, *, backend: str = "openai", **config: Any) -> tuple[HttpJudge, MockTransport]:
    transport = MockTransport(handler)
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


def _template(tmp_path: Path, text: str = "Q: {question}\nA: {response}\nRef: {correct_answer}\n") -> str:
    path = tmp_path / "prompt.txt"
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- request options (units) ------------------------------------------------------------------------


def test_typed_options_are_sent_only_when_set() -> None:
    judge, transport = _judge(
        lambda r: _chat(GRADE_REPLY), temperature=0.0, seed=11, reasoning_effort="low",
        max_completion_tokens=2048, logprobs=True,
    )  # fmt: skip
    _run(judge, GRADE)
    body = transport.requests[0].json()
    assert (body["temperature"], body["seed"], body["reasoning_effort"]) == (0.0, 11, "low")
    assert (body["max_completion_tokens"], body["logprobs"], body["top_logprobs"]) == (2048, True, 5)
    assert "max_tokens" not in body
    plain, sent = _judge(lambda r: _chat(GRADE_REPLY))
    _run(plain, GRADE)
    assert not {"temperature", "seed", "reasoning_effort", "max_completion_tokens", "logprobs"} & set(
        sent.requests[0].json()
    )


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"seed": 1, "params": {"seed": 2}}, "seed is set both as a judge option and in params"),
        ({"max_tokens": 10, "max_completion_tokens": 10}, "max_tokens or max_completion_tokens, not both"),
        ({"structured_output": "on", "params": {"response_format": {"type": "text"}}}, "replaces it"),
    ],
)
def test_conflicting_options_are_refused_when_the_judge_is_loaded(
    config: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        _judge(lambda r: _chat(""), **config)


@pytest.mark.parametrize(
    ("option", "value"),
    [("seed", 1), ("logprobs", True), ("reasoning_effort", "high"), ("max_completion_tokens", 5)],
)
def test_the_anthropic_backend_refuses_options_its_api_lacks(option: str, value: Any) -> None:
    with pytest.raises(ConfigError, match=f"cannot send {option}"):
        _judge(lambda r: _chat(""), backend="anthropic", api_key_env=None, **{option: value})


def test_new_options_leave_old_configuration_hashes_alone() -> None:
    plain = JudgeConfig(backend="openai", model="m", base_url="http://x/v1")
    assert (
        plain.content_hash()
        == JudgeConfig(backend="openai", model="m", base_url="http://x/v1").content_hash()
    )
    assert "seed" not in json.dumps(plain.model_dump(mode="json", exclude_none=True))
    hashes = {
        plain.content_hash(),
        plain.model_copy(update={"seed": 1}).content_hash(),
        plain.model_copy(update={"harden": True}).content_hash(),
        plain.model_copy(update={"harden": False}).content_hash(),
        plain.model_copy(update={"mode": Mode.GRADE}).content_hash(),
    }
    assert len(hashes) == 5


# --- structured output --------------------------------------------------------------------------------


def test_structured_output_defaults_auto_for_shipped_templates_and_off_for_a_users(tmp_path: Path) -> None:
    shipped, sent_shipped = _judge(lambda r: _chat(GRADE_REPLY))
    user, sent_user = _judge(lambda r: _chat(GRADE_REPLY), template=_template(tmp_path), mode="grade")
    forced, sent_forced = _judge(
        lambda r: _chat(GRADE_REPLY), template=_template(tmp_path), mode="grade", structured_output="on"
    )
    for judge in (shipped, user, forced):
        _run(judge, GRADE)
    assert sent_shipped.requests[0].json()["response_format"]["json_schema"]["name"] == "grade_verdict"
    assert (
        "response_format" not in sent_user.requests[0].json()
    )  # a production prompt is sent as production does
    assert sent_forced.requests[0].json()["response_format"]["json_schema"]["strict"] is True


def test_structured_output_on_does_not_fall_back_when_refused() -> None:
    refuse = HttpReply.json({"error": {"message": "json_schema unsupported"}}, status=400)
    judge, transport = _judge(lambda r: refuse, structured_output="on")
    (verdict,) = _run(judge, GRADE)
    assert (verdict.status, verdict.error_kind) == (Status.ERROR, ErrorKind.CLIENT)
    assert len(transport.requests) == 1 and judge.structured is True
    auto, sent = _judge(lambda r: refuse if "response_format" in r.json() else _chat(GRADE_REPLY))
    assert _run(auto, GRADE)[0].outcome == "correct" and len(sent.requests) == 2


# --- refusals, usage, log-probabilities (units) ---------------------------------------------------------


def test_a_refusal_is_unscored_with_the_models_words() -> None:
    refusal = {"message": {"role": "assistant", "content": None, "refusal": "I can't assist with that."}}
    judge, _ = _judge(lambda r: _chat("", choice=refusal))
    (verdict,) = _run(judge, GRADE)
    assert verdict.status is Status.UNSCORED
    assert verdict.reason == "the model refused to judge: I can't assist with that."
    assert verdict.meta["refusal"] is True and verdict.raw_reply == "I can't assist with that."


def test_usage_details_are_recorded_typed() -> None:
    usage = {
        "prompt_tokens": 1200, "completion_tokens": 300,
        "prompt_tokens_details": {"cached_tokens": 1024},
        "completion_tokens_details": {"reasoning_tokens": 256},
    }  # fmt: skip
    judge, _ = _judge(lambda r: _chat(GRADE_REPLY, usage=usage))
    (verdict,) = _run(judge, GRADE)
    assert verdict.usage == TokenUsage(
        input_tokens=1200, output_tokens=300, cached_input_tokens=1024, reasoning_tokens=256
    )
    assert (verdict.input_tokens, verdict.output_tokens) == (1200, 300)
    assert Verdict.from_dict(json.loads(json.dumps(verdict.to_dict()))).usage == verdict.usage


def test_anthropic_system_messages_cache_tokens_and_refusal_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    chat = tmp_path / "judge.yaml"
    chat.write_text(
        "mode: grade\nmessages:\n  - {role: system, content: You grade.}\n"
        "  - {role: developer, content: Be strict.}\n  - {role: user, content: '{answer} vs {target}'}\n",
        encoding="utf-8",
    )
    message = {
        "content": [{"type": "text", "text": GRADE_REPLY}], "stop_reason": "end_turn",
        "usage": {"input_tokens": 10, "output_tokens": 7, "cache_read_input_tokens": 900,
                  "cache_creation_input_tokens": 50},
    }  # fmt: skip
    judge, transport = _judge(lambda r: HttpReply.json(message), backend="anthropic", template=str(chat))
    (verdict,) = _run(judge, GRADE)
    body = transport.requests[0].json()
    assert body["system"] == "You grade.\n\nBe strict."
    assert body["messages"] == [{"role": "user", "content": "42 vs 42"}]
    assert verdict.usage == TokenUsage(
        input_tokens=960, output_tokens=7, cached_input_tokens=900, cache_write_tokens=50
    )
    refused = {"content": [], "stop_reason": "refusal", "usage": {"input_tokens": 3, "output_tokens": 0}}
    no, _ = _judge(lambda r: HttpReply.json(refused), backend="anthropic")
    (verdict,) = _run(no, GRADE)
    assert verdict.status is Status.UNSCORED and "refused" in (verdict.reason or "")


def _tokens(text: str, yes: float) -> tuple[TokenLogprob, ...]:
    """Tokens of ``text`` split at spaces, with ``yes``/``no`` alternatives where the word is yes or no."""
    out = []
    for index, piece in enumerate(text.split(" ")):
        token = piece if index == 0 else " " + piece
        word = piece.strip('"*:,').lower()
        if word in ("yes", "no"):
            top = (
                (token.replace(word, "yes"), math.log(yes)),
                (token.replace(word, "no"), math.log(1 - yes)),
            )
            chosen = dict(top)[token]
            out.append(TokenLogprob(token, chosen, top))
        else:
            out.append(TokenLogprob(token, 0.0, ((token, 0.0),)))
    return tuple(out)


def test_p_yes_reads_the_final_verdict_token_only() -> None:
    text = (
        'The response says "correct: yes". extracted_final_answer: 4 reasoning: no.\n'
        "correct: no confidence: 90"
    )
    tokens = _tokens(text.replace("\n", " "), yes=0.3)
    # the verdict word is the value of the last 'correct:' field at a line start; offsets are in bytes
    flat = text.replace("\n", " ")
    assert p_yes(flat, tokens) is None  # no line-start field in the flattened text
    line_tokens = tuple(
        TokenLogprob(t.token.replace(" correct:", "\ncorrect:"), t.logprob, t.top) for t in tokens
    )
    assert "".join(t.token for t in line_tokens) == text
    assert p_yes(text, line_tokens) == pytest.approx(0.3)
    json_reply = '{"extracted_final_answer": "4", "reasoning": "no", "correct": "yes", "confidence": 90}'
    assert p_yes(json_reply, _tokens(json_reply, yes=0.8)) == pytest.approx(0.8)
    unicode_reply = "extracted_final_answer: ∑ü\ncorrect: yes"
    pieces = [TokenLogprob("extracted_final_answer: ", 0.0), TokenLogprob("∑", 0.0, raw="∑".encode()),
              TokenLogprob("ü\ncorrect:", 0.0), TokenLogprob(" yes", math.log(0.6),
              ((" yes", math.log(0.6)), (" Yes", math.log(0.1)), (" no", math.log(0.3))))]  # fmt: skip
    assert p_yes(unicode_reply, tuple(pieces)) == pytest.approx(0.7)
    assert p_yes("no verdict here", ()) is None
    thinking = "<think>\ncorrect: no\n</think>\ncorrect: yes"
    think_tokens = (
        TokenLogprob("<think>\ncorrect:", 0.0),
        TokenLogprob(" no", math.log(0.9), ((" no", math.log(0.9)), (" yes", math.log(0.1)))),
        TokenLogprob("\n</think>\ncorrect:", 0.0),
        TokenLogprob(" yes", math.log(0.6), ((" yes", math.log(0.6)), (" no", math.log(0.4)))),
    )
    assert p_yes(thinking, think_tokens) == pytest.approx(0.6)  # the draft in the thinking is no verdict
    assert p_yes("<think>\ncorrect: no", think_tokens[:2]) is None  # all thinking


# --- end to end against the loopback server -------------------------------------------------------------


def _variant() -> Variant:
    return Variant(
        case_id="six-by-seven", unit_id="r", mode=Mode.GRADE, question="What is 6 x 7?", reference="42",
        answer_kind="number", choices=None, slots=(Slot("r", "42"),), chain=(), seed=0,
        relation=Relation.BASE, label="correct", final_answer="42",
    )  # fmt: skip


def test_options_logprobs_and_usage_end_to_end(tmp_path: Path) -> None:
    toml = tmp_path / "judge.toml"
    usage_extra = {
        "prompt_tokens_details": {"cached_tokens": 64},
        "completion_tokens_details": {"reasoning_tokens": 12},
    }
    with FakeOpenAIServer(usage_extra=usage_extra) as server:
        toml.write_text(
            f'[judge]\nbackend = "openai"\nmodel = "o-mini"\nbase_url = "{server.base_url}"\n'
            'temperature = 0.0\nseed = 7\nreasoning_effort = "medium"\nmax_completion_tokens = 4096\n'
            'logprobs = true\ntop_logprobs = 3\nstructured_output = "off"\n',
            encoding="utf-8",
        )
        judge = load_judge(str(toml))
        with RunStore(tmp_path / "store.sqlite") as store:
            stats = run(judge, [_variant()], store, options=RunOptions(repeats=1), show_progress=False)
            assert stats.judged == 2 and server.calls == 2
            body = server.requests[0]
            verdict = store.lookup(next(iter(store.finished_keys(judge.config_hash))))
    assert (body["temperature"], body["seed"], body["reasoning_effort"]) == (0.0, 7, "medium")
    assert (body["max_completion_tokens"], body["logprobs"], body["top_logprobs"]) == (4096, True, 3)
    assert "response_format" not in body
    assert verdict is not None and verdict.outcome == "correct"
    assert verdict.meta["p_yes"] == pytest.approx(FAKE_P_CHOSEN)  # read from the stored verdict
    assert verdict.usage.cached_input_tokens == 64 and verdict.usage.reasoning_tokens == 12
    assert verdict.usage.input_tokens == verdict.input_tokens and verdict.input_tokens


def test_anthropic_cache_usage_end_to_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JP_TEST_ANTHROPIC", "sk-ant-secret")
    extra = {"cache_read_input_tokens": 100, "cache_creation_input_tokens": 20}
    with FakeOpenAIServer(usage_extra=extra, faults=Faults()) as server:
        judge = load_judge(
            JudgeConfig(
                backend="anthropic", model="c", base_url=server.root_url, api_key_env="JP_TEST_ANTHROPIC"
            )
        )
        assert isinstance(judge, AnthropicJudge)
        (verdict,) = _run(judge, GRADE)
        assert server.auth_headers == ["sk-ant-secret"]
    reported = verdict.usage
    assert verdict.outcome == "correct"
    assert reported.cached_input_tokens == 100 and reported.cache_write_tokens == 20
    assert reported.input_tokens is not None and reported.input_tokens > 120  # fresh + cache reads + writes
