"""The ``command`` backend: JSON on stdin/stdout, no shell, and every way a judge program can fail."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from cases.models import Mode
from harness.errors import ConfigError
from harness.judges.base import ErrorKind, JudgeRequest, Status, Verdict
from harness.judges.command import CommandJudge
from harness.judges.contract import request_payload
from harness.judges.registry import JudgeConfig, load_judge

ROOT = Path(__file__).resolve().parents[2]
JUDGE_JS = ROOT / "examples" / "judges" / "judge.js"

SCRIPT = textwrap.dedent(
    """
    import json, os, sys, time
    request = json.loads(sys.stdin.read())
    how = request["question"]
    if how == "record":
        with open(sys.argv[1], "w") as f:
            json.dump({"request": request, "argv": sys.argv[1:]}, f)
        print(json.dumps({"outcome": "yes", "confidence": 40, "extracted_answer": "7", "reasoning": "r"}))
    elif how == "crash":
        print("partial", flush=True)
        sys.stderr.write("Traceback: something broke\\n")
        sys.exit(3)
    elif how == "garbage":
        print("I think it is correct")
    elif how == "silent":
        pass
    elif how == "slow":
        with open(sys.argv[1], "w") as f:
            f.write(str(os.getpid()))
        time.sleep(30)
    elif how == "logs":
        print("loading model...")
        print(json.dumps({"outcome": "incorrect"}))
    elif how == "reply":
        print(json.dumps({"reply": "extracted_final_answer: 7\\ncorrect: yes\\nconfidence: 100"}))
    elif how == "declines":
        print(json.dumps({"status": "unscored", "reason": "two answers given"}))
    elif how == "upstream":
        print(json.dumps({"status": "error", "error_kind": "rate_limit", "reason": "429 upstream"}))
    elif how == "odd":
        print(json.dumps({"outcome": "maybe"}))
    """
)


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "judge_script.py"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


def _request(question: str, mode: Mode = Mode.GRADE, responses: tuple[str, ...] = ("7",)) -> JudgeRequest:
    ids = tuple(f"id-{i}" for i in range(len(responses)))
    return JudgeRequest(mode=mode, question=question, reference="7", responses=responses, response_ids=ids)


def _judge(*words: str, timeout_s: float = 30.0) -> CommandJudge:
    judge = load_judge(JudgeConfig(backend="command", target=shlex.join(words), timeout_s=timeout_s))
    assert isinstance(judge, CommandJudge)
    return judge


def _run(judge: CommandJudge, *requests: JudgeRequest) -> list[Verdict]:
    async def go() -> list[Verdict]:
        return list(await asyncio.gather(*(judge.judge(r) for r in requests)))

    return asyncio.run(go())


def test_request_on_stdin_verdict_on_stdout_and_no_shell(script: Path, tmp_path: Path) -> None:
    record = tmp_path / "record.json"
    marker = tmp_path / "PWNED"
    judge = _judge(sys.executable, str(script), str(record), f"; touch {marker}", "$(touch x)")
    request = _request("record", responses=(f"`touch {marker}` $(rm -rf /) 7",))
    (verdict,) = _run(judge, request)
    assert (verdict.status, verdict.outcome, verdict.confidence, verdict.extracted_answer) == (
        Status.JUDGED,
        "correct",
        40.0,
        "7",
    )
    seen = json.loads(record.read_text(encoding="utf-8"))
    assert seen["request"] == request_payload(request)
    assert seen["argv"][1:] == [f"; touch {marker}", "$(touch x)"]  # words reach the program literally
    assert not marker.exists()


@pytest.mark.parametrize(
    ("question", "status", "outcome", "reason"),
    [
        ("logs", Status.JUDGED, "incorrect", None),
        ("reply", Status.JUDGED, "correct", None),
        ("declines", Status.UNSCORED, None, "two answers given"),
        ("garbage", Status.UNSCORED, None, "stdout is not a JSON object"),
        ("silent", Status.UNSCORED, None, "wrote nothing on stdout"),
        ("odd", Status.UNSCORED, None, "'maybe' is not correct/incorrect"),
    ],
)
def test_answers_and_unreadable_answers(
    script: Path, question: str, status: Status, outcome: str | None, reason: str | None
) -> None:
    (verdict,) = _run(_judge(sys.executable, str(script)), _request(question))
    assert (verdict.status, verdict.outcome) == (status, outcome)
    if reason:
        assert reason in (verdict.reason or "")
    assert verdict.raw_reply is not None


def test_nonzero_exit_is_a_crash_with_stderr(script: Path) -> None:
    (verdict,) = _run(_judge(sys.executable, str(script)), _request("crash"))
    assert verdict.status is Status.ERROR and verdict.error_kind is ErrorKind.CRASH
    assert "status 3" in (verdict.reason or "") and "something broke" in (verdict.reason or "")
    assert verdict.raw_reply == "partial\n"


def test_program_reported_error_kind(script: Path) -> None:
    (verdict,) = _run(_judge(sys.executable, str(script)), _request("upstream"))
    assert (verdict.status, verdict.error_kind, verdict.reason) == (
        Status.ERROR,
        ErrorKind.RATE_LIMIT,
        "429 upstream",
    )


def test_slow_program_is_killed(script: Path, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    (verdict,) = _run(_judge(sys.executable, str(script), str(pid_file), timeout_s=1.0), _request("slow"))
    assert verdict.error_kind is ErrorKind.TIMEOUT
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_bad_specs_fail_before_the_run(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="'no-such-judge-program' was not found"):
        load_judge("command:no-such-judge-program --flag")
    with pytest.raises(ConfigError, match="needs a program"):
        load_judge("command:")
    with pytest.raises(ConfigError, match="cannot be split"):
        load_judge("command:python 'unclosed")
    with pytest.raises(ConfigError, match="not found"):
        load_judge(f"command:{tmp_path / 'missing.sh'}")
    plain = tmp_path / "judge.py"
    plain.write_text("print('{}')\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="is not executable; chmod"):
        load_judge(f"command:{plain}")


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_example_javascript_judge() -> None:
    judge = _judge("node", str(JUDGE_JS))
    pair = _request("q", Mode.PAIRWISE, ("wrong", "$7$"))
    swapped = JudgeRequest(
        mode=Mode.PAIRWISE,
        question="q",
        reference="7",
        responses=("$7$", "wrong"),
        response_ids=("id-1", "id-0"),
    )
    right, wrong, first, second, score = _run(
        judge,
        _request("q", responses=(" 7. ",)),
        _request("q", responses=("8",)),
        pair,
        swapped,
        _request("q", Mode.SCORE),
    )
    assert (right.outcome, right.extracted_answer, wrong.outcome) == ("correct", "7.", "incorrect")
    assert first.outcome == second.outcome == "id-1"  # the same response wins in both orders
    assert score.outcome == "10"
