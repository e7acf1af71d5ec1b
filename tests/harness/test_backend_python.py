"""The ``python`` backend: sync and async callables, every accepted return type, crashes as verdicts."""

from __future__ import annotations

import asyncio
import importlib
import textwrap
from pathlib import Path

import pytest

from cases.models import Mode
from harness.errors import ConfigError
from harness.judges.base import ErrorKind, JudgeRequest, Status, Verdict
from harness.judges.python import PythonJudge
from harness.judges.registry import load_judge

MODULE = textwrap.dedent(
    """
    from __future__ import annotations

    import asyncio
    from typing import Any, Mapping

    from harness.judges.base import JudgeRequest, Verdict

    seen: list[object] = []


    def exact(request: JudgeRequest) -> bool:
        seen.append(request)
        return request.responses[0].strip() == (request.reference or "").strip()


    async def slow_yes(request: JudgeRequest) -> dict[str, Any]:
        await asyncio.sleep(0)
        return {"outcome": "correct", "confidence": 70, "reasoning": "async"}


    def as_dict(request: Mapping[str, Any]) -> str:
        seen.append(request)
        return "incorrect"


    def verdict(request: JudgeRequest) -> Verdict:
        return Verdict.unscored("cannot tell", raw_reply="hmm")


    def pick_b(request: JudgeRequest) -> str:
        return "B"


    def score(request: JudgeRequest) -> int:
        return 8


    def boom(request: JudgeRequest) -> bool:
        raise RuntimeError("judge exploded")


    def vague(request: JudgeRequest) -> str:
        return "maybe"


    class Grader:
        @staticmethod
        def grade(request: JudgeRequest) -> str:
            return "yes"


    NOT_CALLABLE = 3


    def no_args() -> bool:
        return True
    """
)

GRADE = JudgeRequest(mode=Mode.GRADE, question="q", reference="7", responses=("7",), response_ids=("r",))
PAIR = JudgeRequest(
    mode=Mode.PAIRWISE, question="q", reference=None, responses=("x", "y"), response_ids=("a", "b")
)
SCORE = JudgeRequest(mode=Mode.SCORE, question="q", reference=None, responses=("x",), response_ids=("s",))


@pytest.fixture
def module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    name = "jp_test_python_judges"
    (tmp_path / f"{name}.py").write_text(MODULE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return name


def _one(spec: str, request: JudgeRequest = GRADE) -> Verdict:
    judge = load_judge(spec)
    assert isinstance(judge, PythonJudge)
    return asyncio.run(judge.judge(request))


def test_sync_function_gets_the_request(module: str) -> None:
    verdict = _one(f"python:{module}:exact")
    assert (verdict.status, verdict.outcome, verdict.raw_reply) == (Status.JUDGED, "correct", "True")
    assert verdict.latency_s is not None
    assert importlib.import_module(module).seen[-1] == GRADE


def test_async_function_and_contract_dict(module: str) -> None:
    verdict = _one(f"python:{module}:slow_yes")
    assert (verdict.outcome, verdict.confidence, verdict.reasoning) == ("correct", 70.0, "async")


def test_mapping_annotation_gets_the_json_form(module: str) -> None:
    verdict = _one(f"python:{module}:as_dict")
    assert verdict.outcome == "incorrect"
    seen = importlib.import_module(module).seen[-1]
    assert isinstance(seen, dict) and seen["mode"] == "grade" and seen["responses"] == ["7"]


def test_other_return_types(module: str) -> None:
    assert _one(f"python:{module}:verdict").reason == "cannot tell"
    assert _one(f"python:{module}:pick_b", PAIR).outcome == "b"
    assert _one(f"python:{module}:score", SCORE).score == 8.0
    assert _one(f"python:{module}:Grader.grade").outcome == "correct"
    vague = _one(f"python:{module}:vague")
    assert vague.status is Status.UNSCORED and "'maybe'" in (vague.reason or "")
    assert _one(f"python:{module}:exact", PAIR).status is Status.UNSCORED  # a bool is no pairwise verdict


def test_exceptions_become_crash_verdicts(module: str) -> None:
    verdict = _one(f"python:{module}:boom")
    assert (verdict.status, verdict.error_kind) == (Status.ERROR, ErrorKind.CRASH)
    assert verdict.reason == "RuntimeError: judge exploded"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("nomodule_here_jp:fn", "cannot import module 'nomodule_here_jp'"),
        ("{module}:missing", "has no attribute 'missing'"),
        ("{module}:NOT_CALLABLE", "not a callable"),
        ("{module}:no_args", "takes no argument"),
        ("justaname", "is not MODULE:FUNCTION"),
    ],
)
def test_bad_targets_fail_at_load(module: str, target: str, message: str) -> None:
    with pytest.raises(ConfigError, match="python judge") as info:
        load_judge("python:" + target.format(module=module))
    assert message in str(info.value)
