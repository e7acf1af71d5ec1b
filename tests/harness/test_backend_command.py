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

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import ErrorKind, Status, Verdict
from judgeprobe.harness.judges.command import CommandJudge
from judgeprobe.harness.judges.contract import request_payload
from judgeprobe.harness.judges.registry import JudgeConfig, load_judge

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


@pytest.mark.slow
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


RECORDER = textwrap.dedent(
    """
    import json, sys
    request = json.loads(sys.stdin.read())
    with open(sys.argv[1], "w") as f:
        json.dump(request, f)
    print(json.dumps({"outcome": "correct" if "STRICT" not in request.get("prompt", "") else "incorrect"}))
    """
)

GRADE_TEMPLATE = "{{#mode grade}}\nIs this right? {{question}}\n{{response}}\n{{reference}}\n"


def _toml_judge(folder: Path, template: str | None, *, out: str | None = None) -> tuple[CommandJudge, Path]:
    """A judge.toml in ``folder`` running recorder.py (named relative to the TOML) with ``template``.

    The recorder writes the request it read to ``folder/seen.json`` (an absolute path: only files that
    exist next to the TOML are resolved there).
    """
    folder.mkdir(parents=True, exist_ok=True)
    seen = folder / "seen.json"
    (folder / "recorder.py").write_text(RECORDER, encoding="utf-8")
    lines = [
        "[judge]",
        'backend = "command"',
        f"target = {json.dumps(shlex.join([sys.executable, 'recorder.py', out or str(seen)]))}",
    ]
    if template is not None:
        (folder / "prompt.txt").write_text(template, encoding="utf-8")
        lines.append('template = "prompt.txt"')
    (folder / "judge.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    judge = load_judge(str(folder / "judge.toml"))
    assert isinstance(judge, CommandJudge)
    return judge, seen


def test_a_configured_template_renders_the_prompt_into_the_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    judge, _ = _toml_judge(tmp_path / "judge", GRADE_TEMPLATE)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # recorder.py and seen.json are found next to judge.toml, not in the cwd
    request = _request("What is 3 + 4?")
    (verdict,) = _run(judge, request)
    seen = json.loads((tmp_path / "judge" / "seen.json").read_text(encoding="utf-8"))
    # a user's template inserts the texts verbatim (hardening is the judge option harden = true)
    assert seen["prompt"] == "Is this right? What is 3 + 4?\n7\n7\n"
    assert seen["messages"] == [{"role": "user", "content": seen["prompt"]}]
    assert {k: v for k, v in seen.items() if k not in ("prompt", "messages")} == request_payload(request)
    assert (verdict.status, verdict.outcome, verdict.prompt) == (Status.JUDGED, "correct", seen["prompt"])
    assert judge.config.template_text == GRADE_TEMPLATE
    assert not list(elsewhere.iterdir())


def test_the_prompt_decides_the_verdict_and_its_text_the_hash(tmp_path: Path) -> None:
    fair, _ = _toml_judge(tmp_path / "fair", GRADE_TEMPLATE)
    strict, _ = _toml_judge(tmp_path / "strict", "STRICT " + GRADE_TEMPLATE)
    assert fair.config_hash != strict.config_hash  # an edited prompt is a new judge
    here, _ = _toml_judge(tmp_path / "here", GRADE_TEMPLATE, out="seen.json")
    moved, _ = _toml_judge(tmp_path / "moved" / "here", GRADE_TEMPLATE, out="seen.json")
    assert here.config_hash == moved.config_hash  # where the checkout sits is not part of the hash
    assert here.argv[1] == str(tmp_path / "here" / "recorder.py")
    ((fair_verdict,), (strict_verdict,)) = _run(fair, _request("q")), _run(strict, _request("q"))
    assert (fair_verdict.outcome, strict_verdict.outcome) == ("correct", "incorrect")


def test_without_a_template_there_is_no_prompt_field_and_the_hash_is_unchanged(tmp_path: Path) -> None:
    judge, seen_file = _toml_judge(tmp_path / "plain", None)
    (verdict,) = _run(judge, _request("q"))
    seen = json.loads(seen_file.read_text(encoding="utf-8"))
    assert "prompt" not in seen and verdict.prompt is None
    assert judge.config.template_text is None
    assert judge.config_hash == JudgeConfig(backend="command", target=judge.config.target).content_hash()


def test_other_modes_than_the_templates_are_skipped_without_running_the_program(tmp_path: Path) -> None:
    judge, seen_file = _toml_judge(tmp_path / "judge", GRADE_TEMPLATE)
    assert judge.supports(Mode.GRADE) and not judge.supports(Mode.PAIRWISE)
    (verdict,) = _run(judge, _request("q", Mode.PAIRWISE, ("a", "b")))
    assert verdict.status is Status.SKIPPED and "template for grade only" in (verdict.reason or "")
    assert not seen_file.exists()


def test_a_broken_template_fails_at_load(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown tag"):
        _toml_judge(tmp_path / "judge", "{{nonsense}}")
