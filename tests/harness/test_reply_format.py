"""A production prompt's own reply format (``[judge.reply]``): presets and patterns read the judge's last
verdict, unknown values and cut replies are unscored, bad tables are refused with the file named, the table is
part of the judge's identity, and a real run on loopback reads inspect_ai-style ``GRADE: C`` replies."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fakeserver import FakeOpenAIServer
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from judgeprobe.cases.models import AnswerKind, Mode
from judgeprobe.harness.cli.main import cli
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.judges.registry import load_judge, parse_spec
from judgeprobe.harness.judges.reply_format import ReplyFormat, read_reply
from judgeprobe.harness.store import RunStore, store_path

GRADE = JudgeRequest(
    mode=Mode.GRADE,
    question="2 + 2?",
    responses=("4",),
    response_ids=("r",),
    reference="4",
    answer_kind=AnswerKind.NUMBER,
)
PAIR = JudgeRequest(
    mode=Mode.PAIRWISE, question="q", reference=None, responses=("x", "y"), response_ids=("left", "right")
)
SCORE = JudgeRequest(mode=Mode.SCORE, question="q", reference=None, responses=("x",), response_ids=("r",))
INSPECT = ReplyFormat(preset="inspect")


def outcome(form: ReplyFormat, reply: str, request: JudgeRequest = GRADE, **kw: Any) -> str | None:
    verdict = read_reply(form, request.mode, reply, request, **kw)
    return verdict.outcome if verdict.status == "judged" else None


def test_the_inspect_preset_reads_the_last_grade() -> None:
    assert outcome(INSPECT, "The submission matches.\n\nGRADE: C") == "correct"
    assert outcome(INSPECT, "GRADE: I") == "incorrect"
    assert outcome(INSPECT, "grade: c") == "correct"  # without regard to case
    # the instructions quoted back ("GRADE: C" as the format), then the judge's own verdict
    quoted = "You asked me to end with GRADE: C or GRADE: I.\nIt is wrong.\nGRADE: I"
    assert outcome(INSPECT, quoted) == "incorrect"
    partial = read_reply(INSPECT, Mode.GRADE, "GRADE: P", GRADE)
    assert partial.status == "unscored" and "'P'" in (partial.reason or "")
    none = read_reply(INSPECT, Mode.GRADE, "I think it is right.", GRADE)
    assert none.status == "unscored" and "inspect" in (none.reason or "")
    cut = read_reply(INSPECT, Mode.GRADE, "GRADE: C", GRADE, truncated=True)
    assert cut.status == "unscored" and "token limit" in (cut.reason or "")
    assert read_reply(INSPECT, Mode.GRADE, "  \n", GRADE).reason == "empty reply"


def test_the_simpleqa_preset_reads_a_bare_letter_on_its_own_line() -> None:
    form = ReplyFormat(preset="simpleqa")
    assert outcome(form, "A") == "correct"
    assert outcome(form, "B") == "incorrect"
    assert outcome(form, "**C**") == "incorrect"  # not attempted is not correct
    assert outcome(form, "The answer is A because it matches") is None  # a letter inside prose is no verdict
    assert outcome(form, "Reasoning: the gold target is 4.\nA") == "correct"


def test_the_yes_no_preset_takes_the_last_word() -> None:
    form = ReplyFormat(preset="yes-no")
    assert outcome(form, "Is it right? Yes.") == "correct"
    assert outcome(form, "At first glance yes, but the sign is wrong: no") == "incorrect"
    assert outcome(form, "Maybe.") is None
    # a "no" inside a sentence is no verdict
    assert outcome(form, "Yes. There is no error in the response.") == "correct"
    assert outcome(form, "Yes, the response matches; no discrepancy.") == "correct"
    assert outcome(form, "I have no doubt the response is correct.") is None
    assert outcome(form, "No-one would call this right.") is None
    assert outcome(form, "Answer: **No**") == "incorrect"
    assert outcome(form, "The response gives 5 as the reference does, so yes") == "correct"


def test_a_pattern_with_values_reads_any_format() -> None:
    form = ReplyFormat(
        pattern=r"Final verdict:\s*(\w+)",
        values={"right": "correct", "wrong": "incorrect", "unsure": "unscored"},
    )
    assert outcome(form, "Some thoughts.\nFinal verdict: RIGHT") == "correct"
    assert outcome(form, "Final verdict: wrong.") == "incorrect"
    unsure = read_reply(form, Mode.GRADE, "Final verdict: unsure", GRADE)
    assert unsure.status == "unscored" and "'unsure'" in (unsure.reason or "")
    other = read_reply(form, Mode.GRADE, "Final verdict: maybe", GRADE)
    assert (
        other.status == "unscored" and "'maybe'" in (other.reason or "") and "right" in (other.reason or "")
    )
    judged = read_reply(form, Mode.GRADE, "It checks out.\nFinal verdict: right", GRADE)
    assert judged.reasoning == "It checks out." and judged.raw_reply is not None


def test_a_pattern_reads_only_what_follows_the_judges_thinking() -> None:
    form = ReplyFormat(pattern=r"Final verdict:\s*(\w+)", values={"right": "correct", "wrong": "incorrect"})
    reply = "<think>Final verdict: wrong? No, I misread.</think>\nFinal verdict: right"
    verdict = read_reply(form, Mode.GRADE, reply, GRADE)
    assert verdict.outcome == "correct" and verdict.raw_reply == reply
    assert outcome(form, "<think>Final verdict: wrong</think>\nIt is fine.") is None
    assert outcome(form, "<think>Final verdict: wrong, surely") is None
    assert outcome(ReplyFormat(preset="inspect"), "GRADE: I\n</think>\nGRADE: C") == "correct"


def test_pairwise_values_name_the_slots_and_score_patterns_capture_the_rating() -> None:
    pair = ReplyFormat(pattern=r"Winner:\s*(\w+)", values={"first": "A", "second": "B", "neither": "tie"})
    assert outcome(pair, "Winner: first", PAIR) == "left"
    assert outcome(pair, "Winner: second", PAIR) == "right"
    assert outcome(pair, "Winner: neither", PAIR) == "tie"
    score = ReplyFormat(pattern=r"\[RESULT\]\s*(\S+)", scale=(1, 5))
    assert outcome(score, "Feedback: solid.\n[RESULT] 4", SCORE) == "4"
    assert read_reply(score, Mode.SCORE, "[RESULT] 7", SCORE).status == "unscored"  # outside 1-5
    assert read_reply(score, Mode.SCORE, "[RESULT] great", SCORE).status == "unscored"


@given(
    st.lists(st.sampled_from(["C", "I"]), min_size=1, max_size=6),
    st.lists(st.text(alphabet="abc xyz.\n", max_size=20), min_size=1, max_size=6),
)
def test_the_last_of_any_number_of_grades_counts(grades: list[str], prose: list[str]) -> None:
    reply = "".join(f"{text}\nGRADE: {grade}\n" for text, grade in zip(prose, grades, strict=False))
    used = grades[: min(len(grades), len(prose))]
    assert outcome(INSPECT, reply) == ("correct" if used[-1] == "C" else "incorrect")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"preset": "inspect", "pattern": "x(y)"}, "not both"),
        ({}, "give preset"),
        ({"pattern": "GRADE: [CI]"}, "exactly one capture group"),
        ({"pattern": "(a)(b)"}, "exactly one capture group"),
        ({"pattern": "([unclosed"}, "not a valid regular expression"),
        ({"pattern": "(x)", "values": {"y": "correct", "Y": "incorrect"}}, "distinct"),
        ({"pattern": "(x)", "values": {"y": "maybe"}}, "values"),
        ({"preset": "inspect-ai"}, "preset"),
        ({"pattern": r"\[RESULT\] (\d)", "scale": [5, 1]}, "lowest < highest"),
    ],
)
def test_bad_tables_are_refused(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        ReplyFormat(**table)


def _judge_file(folder: Path, url: str, reply: str, *, template: str | None = "prompt.txt") -> Path:
    (folder / "prompt.txt").write_text(
        "Grade the submission against the criterion.\n[Question]: {question}\n[Submission]: {answer}\n"
        "[Criterion]: {criterion}\nEnd with GRADE: C if it meets the criterion, else GRADE: I.\n",
        encoding="utf-8",
    )
    lines = ["[judge]", 'backend = "openai"', 'model = "grader"', f'base_url = "{url}"', 'mode = "grade"']
    if template:
        lines.append(f'template = "{template}"')
    path = folder / "judge.toml"
    path.write_text("\n".join(lines) + "\n\n" + reply, encoding="utf-8")
    return path


def test_the_table_is_part_of_the_judge_identity_and_checked_against_its_mode(tmp_path: Path) -> None:
    url = "http://127.0.0.1:9/v1"
    plain = load_judge(str(_judge_file(tmp_path, url, "")))
    inspect = load_judge(str(_judge_file(tmp_path, url, '[judge.reply]\npreset = "inspect"\n')))
    yes_no = load_judge(str(_judge_file(tmp_path, url, '[judge.reply]\npreset = "yes-no"\n')))
    assert len({plain.config_hash, inspect.config_hash, yes_no.config_hash}) == 3
    # judges without a reply table keep the hash they had before the table existed (judgeprobe 7f45bcc)
    assert parse_spec("openai:m@http://127.0.0.1:9/v1").content_hash() == "5b44810e8e83a8b5"
    pair = _judge_file(tmp_path, url, '[judge.reply]\npattern = "(x)"\nvalues = {x = "A"}\n')
    with pytest.raises(ConfigError, match=r"\[judge.reply\]: a grade judge's values"):
        load_judge(str(pair))
    bad = _judge_file(tmp_path, url, '[judge.reply]\npattern = "GRADE: [CI]"\n')
    with pytest.raises(ConfigError, match=r"judge\.toml.*reply.*capture group"):
        load_judge(str(bad))
    result = CliRunner().invoke(cli, ["run", "--judge", str(bad), "--case", "hle-tc0-notation"])
    assert result.exit_code == 2 and "capture group" in result.output and "Traceback" not in result.output
    shipped = _judge_file(tmp_path, url, '[judge.reply]\npreset = "inspect"\n', template=None)
    with pytest.raises(ConfigError, match="needs that prompt as the judge's template"):
        load_judge(str(shipped))


def _inspect_reply(body: dict[str, Any]) -> str:
    """A grader speaking inspect_ai's format: correct iff the submission equals the criterion."""
    text = body["messages"][-1]["content"]
    submission = text.split("[Submission]: ", 1)[1].split("\n[Criterion]: ", 1)[0].strip()
    criterion = text.split("[Criterion]: ", 1)[1].split("\nEnd with", 1)[0].strip()
    verdict = "C" if submission == criterion else "I"
    return f"The instructions ask for GRADE: C or GRADE: I.\nComparing the two.\n\nGRADE: {verdict}"


def test_a_real_run_reads_inspect_style_replies_on_loopback(tmp_path: Path) -> None:
    with FakeOpenAIServer(reply=_inspect_reply) as server:
        without = _judge_file(tmp_path, server.base_url, "")
        out_plain = tmp_path / "plain"
        args = ["--case", "hle-tc0-notation", "--probes", "formatting", "--fail-on", "never", "--no-progress"]
        result = CliRunner().invoke(cli, ["run", "--judge", str(without), *args, "--out", str(out_plain)])
        assert result.exit_code == 0, result.output
        with RunStore(store_path(out_plain)) as store:
            plain = list(store.iter_records())
        assert plain and all(
            r.verdict.status == "unscored" for r in plain
        )  # the built-in contract reads none

        (tmp_path / "with").mkdir()
        judge = _judge_file(tmp_path / "with", server.base_url, '[judge.reply]\npreset = "inspect"\n')
        out = tmp_path / "read"
        result = CliRunner().invoke(cli, ["run", "--judge", str(judge), *args, "--out", str(out)])
        assert result.exit_code == 0, result.output
    with RunStore(store_path(out)) as store:
        records = list(store.iter_records())
    assert records and all(r.verdict.status == "judged" for r in records)
    outcomes = {r.verdict.outcome for r in records}
    assert outcomes == {"correct", "incorrect"}
    exact = [r for r in records if r.verdict.outcome == "correct"]
    assert all("GRADE: C" in (r.verdict.raw_reply or "") for r in exact)
