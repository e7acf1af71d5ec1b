"""MT-Bench's pairwise protocol (judge option ``both_orders``): every pair judged as (A, B) and as (B, A), a
disagreement counted as a tie — through the scripted mock, the loopback server, and the runner."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fakeserver import FakeOpenAIServer, Faults

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import ErrorKind, Status, Verdict
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.reading import SWAPPED_ORDER
from judgeprobe.harness.judges.registry import JudgeConfig, load_judge
from judgeprobe.harness.run.runner import RunOptions
from judgeprobe.harness.session import Selection, plan_suite, run_suite

PAIR = JudgeRequest(
    mode=Mode.PAIRWISE, question="Capital of France?", reference="Paris", responses=("Paris", "Lyon"),
    response_ids=("right", "wrong"),
)  # fmt: skip
CASES = Path(__file__).resolve().parents[2] / "examples" / "ci" / "cases"


def _judge(judge: Judge, request: JudgeRequest = PAIR) -> Verdict:
    async def go() -> Verdict:
        try:
            return await judge.judge(request)
        finally:
            await judge.aclose()

    return asyncio.run(go())


def test_a_slot_biased_judge_ties_and_a_fair_one_keeps_its_verdict() -> None:
    first = _judge(load_judge(JudgeConfig(backend="mock", target="first", both_orders=True)))
    assert (first.status, first.outcome) == (Status.JUDGED, "tie")
    assert first.meta["consistent"] is False
    assert [(o["order"], o["outcome"], o["slot"]) for o in first.meta["orders"]] == [
        ("original", "right", "A"),
        ("swapped", "wrong", "A"),
    ]
    assert first.prompt is not None and first.prompt.count(SWAPPED_ORDER) == 1
    original, swapped = first.prompt.split(SWAPPED_ORDER)
    assert "<<<BEGIN RESPONSE A>>>\nParis\n" in original and "<<<BEGIN RESPONSE A>>>\nLyon\n" in swapped
    fair = _judge(load_judge(JudgeConfig(backend="mock", target="fair", both_orders=True)))
    assert (fair.outcome, fair.meta["consistent"]) == ("right", True)
    once = _judge(load_judge("mock:first"))
    assert once.outcome == "right" and "orders" not in once.meta  # without the option: one order


def test_over_http_both_calls_are_made_and_counted() -> None:
    with FakeOpenAIServer() as server:  # the fake judge always prefers slot A
        judge = load_judge(
            JudgeConfig(backend="openai", model="m", base_url=server.base_url, both_orders=True)
        )
        verdict = _judge(judge)
        first, second = (body["messages"][0]["content"] for body in server.requests)
    assert server.calls == 2 and verdict.outcome == "tie"
    assert "<<<BEGIN RESPONSE A>>>\nParis" in first and "<<<BEGIN RESPONSE A>>>\nLyon" in second
    assert verdict.usage.input_tokens == verdict.input_tokens and verdict.input_tokens
    assert verdict.raw_reply is not None and verdict.raw_reply.count(SWAPPED_ORDER) == 1


def test_a_failed_order_makes_the_draw_an_error_and_stops() -> None:
    with FakeOpenAIServer(faults=Faults(status_sequence=[200, 503])) as server:
        judge = load_judge(
            JudgeConfig(backend="openai", model="m", base_url=server.base_url, both_orders=True)
        )
        verdict = _judge(judge)
        assert server.calls == 2
    assert (verdict.status, verdict.error_kind) == (Status.ERROR, ErrorKind.SERVER)
    with FakeOpenAIServer(faults=Faults(status_sequence=[429])) as server:
        judge = load_judge(
            JudgeConfig(backend="openai", model="m", base_url=server.base_url, both_orders=True)
        )
        assert _judge(judge).error_kind is ErrorKind.RATE_LIMIT
        assert server.calls == 1  # the second order is not sent after the first failed


def test_grade_requests_are_judged_once() -> None:
    grade = JudgeRequest(mode=Mode.GRADE, question="q", reference="5", responses=("5",), response_ids=("r",))
    verdict = _judge(load_judge(JudgeConfig(backend="mock", target="fair", both_orders=True)), grade)
    assert verdict.outcome == "correct" and "orders" not in verdict.meta


def test_the_option_needs_a_pairwise_model_judge(tmp_path: Path) -> None:
    (tmp_path / "g.txt").write_text("{question} {response} {target}", encoding="utf-8")
    with pytest.raises(ConfigError, match="both_orders applies to pairwise judging"):
        template = str(tmp_path / "g.txt")
        load_judge(
            JudgeConfig(backend="mock", target="fair", both_orders=True, template=template, mode=Mode.GRADE)
        )
    with pytest.raises(ConfigError, match="both_orders is run by model judges"):
        load_judge(JudgeConfig(backend="command", target="python -c pass", both_orders=True))


def test_position_swaps_stop_flipping_for_a_slot_biased_judge(tmp_path: Path) -> None:
    plan = plan_suite(Selection(case_dirs=(CASES,), builtin_cases=False, probes="position.swap"))
    quiet = {"options": RunOptions(), "show_progress": False, "write_reports": False}
    once = run_suite(plan, judge="mock:first", out=tmp_path / "once", **quiet)
    both_judge = load_judge(JudgeConfig(backend="mock", target="first", both_orders=True))
    both = run_suite(plan, judge=both_judge, out=tmp_path / "both", **quiet)
    swaps_once = once.frame[once.frame["probe"] == "position.swap"]
    swaps_both = both.frame[both.frame["probe"] == "position.swap"]
    assert set(swaps_once["outcome"]) != {"tie"}  # the biased judge prefers whatever sits in slot A
    assert set(swaps_both["outcome"]) == {"tie"} and len(swaps_both) == len(swaps_once) == 4
