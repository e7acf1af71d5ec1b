"""The ``python`` backend: sync and async callables, every accepted return type, crashes as verdicts."""

from __future__ import annotations

import asyncio
import importlib
import textwrap
from pathlib import Path

import pytest

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import ErrorKind, Status, Verdict
from judgeprobe.harness.judges.python import PythonJudge
from judgeprobe.harness.judges.registry import load_judge

MODULE = textwrap.dedent(
    """
    from __future__ import annotations

    import asyncio
    from typing import Any, Mapping

    from judgeprobe.harness.core.request import JudgeRequest
    from judgeprobe.harness.core.verdict import Verdict

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


    def with_prompt(request: JudgeRequest, prompt: str | None = None) -> str:
        seen.append(prompt)
        return "incorrect" if prompt and "STRICT" in prompt else "correct"


    async def with_kwargs(request: JudgeRequest, **extra: Any) -> str:
        seen.append(extra)
        return "correct"


    def dict_prompt(request: Mapping[str, Any]) -> str:
        seen.append(request)
        return "correct"
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


TEMPLATE = "{{#mode grade}}\nGrade it. {{response}}\n{{reference}}\n"


def _configured(module: str, function: str, folder: Path, template: str | None) -> PythonJudge:
    """A judge.toml in ``folder`` naming ``module:function`` and, if given, a prompt.txt with ``template``."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["[judge]", 'backend = "python"', f'target = "{module}:{function}"']
    if template is not None:
        (folder / "prompt.txt").write_text(template, encoding="utf-8")
        lines.append('template = "prompt.txt"')
    (folder / "judge.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    judge = load_judge(str(folder / "judge.toml"))
    assert isinstance(judge, PythonJudge)
    return judge


def test_a_configured_template_reaches_a_prompt_parameter(module: str, tmp_path: Path) -> None:
    judge = _configured(module, "with_prompt", tmp_path / "fair", TEMPLATE)
    verdict = asyncio.run(judge.judge(GRADE))
    prompt = importlib.import_module(module).seen[-1]
    assert prompt == "Grade it. 7\n7\n"  # verbatim: a user's template is rendered as production would
    assert (verdict.outcome, verdict.prompt) == ("correct", prompt)
    strict = _configured(module, "with_prompt", tmp_path / "strict", "STRICT " + TEMPLATE)
    assert asyncio.run(strict.judge(GRADE)).outcome == "incorrect"  # the prompt text decides
    assert judge.config_hash != strict.config_hash  # and is part of the judge's identity
    assert judge.config.template_text == TEMPLATE


def test_the_prompt_reaches_kwargs_and_the_dict_form(module: str, tmp_path: Path) -> None:
    seen = importlib.import_module(module).seen
    asyncio.run(_configured(module, "with_kwargs", tmp_path / "kw", TEMPLATE).judge(GRADE))
    assert set(seen[-1]) == {"prompt"} and "Grade it." in seen[-1]["prompt"]
    asyncio.run(_configured(module, "dict_prompt", tmp_path / "dict", TEMPLATE).judge(GRADE))
    assert seen[-1]["prompt"].startswith("Grade it.") and seen[-1]["responses"] == ["7"]


def test_without_a_template_no_prompt_is_passed(module: str, tmp_path: Path) -> None:
    seen = importlib.import_module(module).seen
    judge = _configured(module, "with_prompt", tmp_path / "plain", None)
    verdict = asyncio.run(judge.judge(GRADE))
    assert seen[-1] is None and verdict.prompt is None and judge.config.template_text is None
    asyncio.run(_configured(module, "with_kwargs", tmp_path / "kw", None).judge(GRADE))
    assert seen[-1] == {}
    asyncio.run(_configured(module, "dict_prompt", tmp_path / "dict", None).judge(GRADE))
    payload = seen[-1]
    assert isinstance(payload, dict) and "prompt" not in payload
    assert judge.config_hash == load_judge(f"python:{module}:with_prompt").config_hash


def test_template_modes_and_callables_that_cannot_take_the_prompt(module: str, tmp_path: Path) -> None:
    judge = _configured(module, "with_prompt", tmp_path / "grade", TEMPLATE)
    skipped = asyncio.run(judge.judge(PAIR))
    assert skipped.status is Status.SKIPPED and "template for grade only" in (skipped.reason or "")
    with pytest.raises(ConfigError, match="cannot receive the prompt"):
        _configured(module, "exact", tmp_path / "exact", TEMPLATE)
