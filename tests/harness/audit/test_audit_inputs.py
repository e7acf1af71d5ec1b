"""Judged-results files as other tools write them: line ends, characters and cells the readers must keep."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from judgeprobe.harness.audit import AuditInputError
from judgeprobe.harness.audit.readers import read_results
from judgeprobe.harness.cli.main import cli


def test_jsonl_lines_end_at_newlines_only(tmp_path: Path) -> None:
    """JSON written with ``ensure_ascii=False`` keeps U+2028 and U+0085 raw inside strings: no line end."""
    rows = [
        {
            "id": "q1",
            "model": "m",
            "response": "first\u2028second: 5",
            "correct_answer": "5",
            "correct": "yes",
        },
        {"id": "q2", "model": "m", "response": "a\x85b 6", "correct_answer": "6", "correct": "no"},
        {"id": "q3", "model": "m", "response": "7", "correct_answer": "7", "correct": "yes"},
    ]
    path = tmp_path / "raw.jsonl"
    path.write_bytes("".join(json.dumps(r, ensure_ascii=False) + "\r\n" for r in rows).encode("utf-8"))
    result = read_results(path)
    assert not result.unusable
    assert [(r.id, r.line, r.response) for r in result.rows] == [
        ("q1", 1, "first\u2028second: 5"),
        ("q2", 2, "a\x85b 6"),
        ("q3", 3, "7"),
    ]


def test_csv_records_end_at_newlines_only(tmp_path: Path) -> None:
    path = tmp_path / "raw.csv"
    path.write_bytes(
        "id,model,response,correct_answer,correct\r\n"
        "q1,m,a\u2028b 5,5,yes\r\nq2,m,c\x85d,6,no\r\nq3,m,7,7,1\r\n".encode()
    )
    result = read_results(path)
    assert not result.unusable
    assert [(r.id, r.line, r.response) for r in result.rows] == [
        ("q1", 2, "a\u2028b 5"),
        ("q2", 3, "c\x85d"),
        ("q3", 4, "7"),
    ]


HLE_REPLY = (
    "extracted_final_answer: {answer}\n\n[correct_answer]: 9\n\nreasoning: {why}\nSecond line.\n\n"
    "correct: {verdict}\n\nconfidence: {confidence}"
)


def test_a_judge_response_in_hles_text_format_is_read_field_by_field(tmp_path: Path) -> None:
    replies = [
        ("q1", HLE_REPLY.format(answer="9", why="It matches.", verdict="yes", confidence="90")),
        ("q2", HLE_REPLY.format(answer="8", why="8 is incorrect.", verdict="no", confidence="85%")),
        ("q3", HLE_REPLY.format(answer="None", why="No answer.", verdict="**no**", confidence="100")),
        # the format quoted first, the judge's own verdict last
        (
            "q4",
            "correct: Answer 'yes' if it matches, 'no' otherwise.\n"
            + HLE_REPLY.format(answer="7", why="Wrong.", verdict="No.", confidence=""),
        ),
        (
            "q5",
            HLE_REPLY.format(answer="9", why="Fine.", verdict="incorrect", confidence="70/100 (fairly sure)"),
        ),
        ("q6", HLE_REPLY.format(answer="9", why="Hmm.", verdict="no, but close", confidence="70")),
        ("q7", "The response is correct."),
    ]
    path = tmp_path / "hle-text.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": qid, "model": "m", "response": "r", "judge_response": reply}) + "\n"
            for qid, reply in replies
        ),
        encoding="utf-8",
    )
    result = read_results(path)
    read = {r.id: (r.correct, r.extracted, r.reference, r.confidence, r.explanation) for r in result.rows}
    assert read == {
        "q1": (True, "9", "9", 90.0, "It matches.\nSecond line."),
        "q2": (False, "8", "9", 85.0, "8 is incorrect.\nSecond line."),
        "q3": (False, None, "9", 100.0, "No answer.\nSecond line."),
        "q4": (False, "7", "9", None, "Wrong.\nSecond line."),
        "q5": (False, "9", "9", 70.0, "Fine.\nSecond line."),
    }
    assert sorted((u.id, u.field) for u in result.unusable) == [("q6", "correct"), ("q7", "correct")]


def test_a_reasoning_line_that_mentions_the_correct_answer_is_no_field(tmp_path: Path) -> None:
    reply = (
        "extracted_final_answer: 8\nreasoning: Wrong.\nCorrect answer: 9, not 8.\ncorrect: no\nconfidence: 90"
    )
    path = tmp_path / "r.jsonl"
    path.write_text(
        json.dumps({"id": "q", "response": "8", "judge_response": reply}) + "\n", encoding="utf-8"
    )
    with pytest.raises(AuditInputError, match="no row has a 'correct_answer' field"):
        read_results(path)  # the reasoning's "Correct answer:" line is not the reference
    path.write_text(
        json.dumps({"id": "q", "response": "8", "correct_answer": "9", "judge_response": reply}) + "\n",
        encoding="utf-8",
    )
    (row,) = read_results(path).rows
    assert (row.reference, row.correct, row.explanation) == ("9", False, "Wrong.\nCorrect answer: 9, not 8.")


def test_json_nested_too_deeply_is_a_bad_row_or_a_file_error_never_a_crash(tmp_path: Path) -> None:
    row = json.dumps({"id": "q1", "model": "m", "response": "5", "correct_answer": "5", "correct": "yes"})
    deep = "[" * 100_000 + "]" * 100_000
    lines = tmp_path / "deep.jsonl"
    lines.write_text(f"{row}\n{deep}\n", encoding="utf-8")
    result = read_results(lines)
    assert [r.id for r in result.rows] == ["q1"]
    (bad,) = result.unusable
    assert (bad.line, bad.field) == (2, "row") and "nested too deeply" in bad.reason
    for name, text in [("list.json", f"[{row},\n{deep}]"), ("hle.json", f'{{"q1": {row},\n"q2": {deep}}}')]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(AuditInputError, match=rf"{name}:2: file: invalid JSON: nested too deeply"):
            read_results(path)


def test_a_lone_surrogate_escape_becomes_a_replacement_character_and_outputs_are_written(
    tmp_path: Path,
) -> None:
    path = tmp_path / "lone.jsonl"
    path.write_text(
        '{"id": "q\\ud800", "model": "m", "response": "5 \\udfff", "correct_answer": "5", "correct": "yes"}\n'
        '{"id": "q2", "model": "m", "response": "\\ud83d\\ude00 6", '
        '"correct_answer": "6", "correct": "no"}\n',
        encoding="utf-8",
    )
    result = read_results(path)
    assert [(r.id, r.response) for r in result.rows] == [("q\ufffd", "5 \ufffd"), ("q2", "\U0001f600 6")]
    assert any("lone surrogate" in w for w in result.warnings)
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["audit", str(path), "--out", str(out)]).exit_code == 0
    assert "q\ufffd" in (out / "rows.csv").read_text(encoding="utf-8")


def test_a_csv_separated_by_semicolons_or_tabs_is_read_with_a_warning(tmp_path: Path) -> None:
    for separator in (";", "\t"):
        path = tmp_path / "semi.csv"
        header = separator.join(["Question ID", "Model Name", "Response", "Correct Answer", "Is Correct"])
        row = separator.join(["q1", "m", "3,5", "3.5", "yes"])  # a decimal comma stays inside its cell
        path.write_text(f"{header}\n{row}\n", encoding="utf-8")
        result = read_results(path)
        assert [(r.id, r.team, r.response, r.correct) for r in result.rows] == [("q1", "m", "3,5", True)]
        assert any(f"{separator!r} between its columns" in w for w in result.warnings)
    plain = tmp_path / "plain.csv"
    plain.write_text("id,team,response,correct_answer,correct\nq1,m,a;b,5,no\n", encoding="utf-8")
    result = read_results(plain)
    assert [r.response for r in result.rows] == ["a;b"] and not result.warnings


def test_a_verdict_column_written_as_floats_is_read(tmp_path: Path) -> None:
    """pandas writes a 0/1 column with a gap as 1.0 / 0.0 (and the gap as an empty cell)."""
    path = tmp_path / "pandas.csv"
    path.write_text(
        "id,model,response,correct_answer,correct\nq1,m,5,5,1.0\nq2,m,6,5,0.0\nq3,m,7,7,\n", encoding="utf-8"
    )
    result = read_results(path)
    assert [(r.id, r.correct) for r in result.rows] == [("q1", True), ("q2", False)]
    assert [(u.id, u.field) for u in result.unusable] == [("q3", "correct")]
    bad = tmp_path / "bad.csv"
    bad.write_text("id,model,response,correct_answer,correct\nq1,m,5,5,0.5\nq2,m,5,5,10\n", encoding="utf-8")
    assert [u.field for u in read_results(bad).unusable] == ["correct", "correct"]


def test_a_question_or_output_logged_as_chat_messages_is_read_as_its_last_message(tmp_path: Path) -> None:
    rows = [
        {
            "id": "q1",
            "model": "m",
            "prompt": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "2 + 3?"}],
            "output": [{"role": "assistant", "content": [{"type": "text", "text": "Answer: 5"}]}],
            "correct_answer": "5",
            "correct": "yes",
        },
        {"id": "q2", "model": "m", "prompt": [1, 2], "output": "5", "correct_answer": "5", "correct": "yes"},
    ]
    path = tmp_path / "chat.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = read_results(path)
    assert [(r.id, r.question, r.response) for r in result.rows] == [("q1", "2 + 3?", "Answer: 5")]
    assert [(u.id, u.field) for u in result.unusable] == [("q2", "question")]


def _inspect_log(epochs: int, scorers: tuple[str, ...]) -> dict[str, object]:
    samples = []
    for epoch in range(1, epochs + 1):
        for sid, target, completion, value in [
            (1, ["4"], "ANSWER: 4", "C"),
            ("q2", "Paris", "Lyon", "I"),
            ("q3", "5", "I cannot say", "N"),
            ("q4", "7", "7ish", "P"),
        ]:
            samples.append(
                {
                    "id": sid,
                    "epoch": epoch,
                    "input": [{"role": "user", "content": f"question {sid}"}],
                    "target": target,
                    "output": {"model": "gpt-4o", "completion": completion},
                    "scores": {
                        name: {"value": value, "answer": completion, "explanation": f"GRADE: {value}"}
                        for name in scorers
                    },
                }
            )
    samples.append({"id": "q5", "epoch": 1, "input": "x", "target": "1", "output": {}, "error": "failed"})
    return {
        "version": 2,
        "status": "success",
        "eval": {"task": "t", "model": "openai/gpt-4o"},
        "samples": samples,
    }


def test_an_inspect_eval_log_is_read_as_its_samples(tmp_path: Path) -> None:
    path = tmp_path / "log.json"
    path.write_text(json.dumps(_inspect_log(1, ("model_graded_fact",)), indent=2), encoding="utf-8")
    result = read_results(path)
    assert result.shape == "inspect"
    read = {r.id: (r.team, r.question, r.reference, r.response, r.correct, r.judge) for r in result.rows}
    assert read == {
        "1": ("openai/gpt-4o", "question 1", "4", "ANSWER: 4", True, "model_graded_fact"),
        "q2": ("openai/gpt-4o", "question q2", "Paris", "Lyon", False, "model_graded_fact"),
        "q3": ("openai/gpt-4o", "question q3", "5", "I cannot say", False, "model_graded_fact"),
    }
    assert all(r.phase is None and r.explanation and r.explanation.startswith("GRADE:") for r in result.rows)
    unusable = {u.id: (u.field, u.reason) for u in result.unusable}
    assert unusable["q4"][0] == "correct" and "partial credit" in unusable["q4"][1]
    assert unusable["q5"][0] == "correct"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert all(lines[r.line - 1].strip() == "{" for r in result.rows)  # each sample's own line


def test_an_inspect_log_with_several_scorers_or_epochs(tmp_path: Path) -> None:
    path = tmp_path / "log.json"
    path.write_text(json.dumps(_inspect_log(2, ("model_graded_fact", "match"))), encoding="utf-8")
    with pytest.raises(
        AuditInputError, match=r"several scorers \(model_graded_fact, match\).*--field correct="
    ):
        read_results(path)
    with pytest.raises(AuditInputError, match="no scorer 'nope'"):
        read_results(path, fields={"correct": "nope"})
    result = read_results(path, fields={"correct": "match"})
    assert sorted((r.phase, r.id) for r in result.rows) == [
        (f"epoch {e}", i) for e in (1, 2) for i in ("1", "q2", "q3")
    ]
    assert {r.judge for r in result.rows} == {"match"}


def test_a_zip_archive_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "log.eval"
    path.write_bytes(b"PK\x03\x04" + bytes(64))
    with pytest.raises(AuditInputError, match=r"zip archive.*inspect log dump"):
        read_results(path)


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("Yes.", True),
        ("**no**", False),
        ('"yes"', True),
        ("No!", False),
        ("`incorrect`", False),
        ("'1'", True),
    ],
)
def test_a_verdict_with_a_full_stop_quotes_or_emphasis_is_read(
    tmp_path: Path, written: str, read: bool
) -> None:
    path = tmp_path / "v.jsonl"
    row = {"id": "q1", "model": "m", "response": "5", "correct_answer": "5", "correct": written}
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert [r.correct for r in read_results(path).rows] == [read]


@pytest.mark.parametrize("written", ["not", "no way", "yes and no", "maybe", "**", "correct: no"])
def test_a_verdict_that_is_no_yes_or_no_stays_unusable(tmp_path: Path, written: str) -> None:
    path = tmp_path / "v.jsonl"
    row = {"id": "q1", "model": "m", "response": "5", "correct_answer": "5", "correct": written}
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    result = read_results(path)
    assert not result.rows and [u.field for u in result.unusable] == ["correct"]


def test_jsonl_saved_as_json_is_read_as_jsonl_with_a_warning(tmp_path: Path) -> None:
    rows = [
        {"id": "q1", "model": "m", "response": "5", "correct_answer": "5", "correct": "yes"},
        {"id": "q2", "model": "m", "response": "6", "correct_answer": "5", "correct": "no"},
    ]
    path = tmp_path / "rows.json"
    path.write_text("".join(json.dumps(r) + "\r\n" for r in rows), encoding="utf-8")
    result = read_results(path)
    assert result.shape == "jsonl" and [(r.id, r.line) for r in result.rows] == [("q1", 1), ("q2", 2)]
    assert any("one JSON object per line" in w for w in result.warnings)
    broken = tmp_path / "broken.json"
    broken.write_text('{"q1": {"id": 1,\n "x": 2}}\n\n{"b": 2}', encoding="utf-8")
    with pytest.raises(AuditInputError, match=r"broken.json:4: file: extra data after the JSON object"):
        read_results(broken)


def test_html_in_a_results_file_is_text_in_audit_md(tmp_path: Path) -> None:
    row = {
        "id": "<img src=x onerror=alert(1)>",
        "model": "<script>alert(2)</script>",
        "response": "5 | 6",
        "correct_answer": "7",
        "extracted_final_answer": "<b>5</b> & 6",
        "correct": "yes",
    }
    path = tmp_path / "html.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["audit", str(path), "--out", str(out)]).exit_code == 0
    md = (out / "audit.md").read_text(encoding="utf-8")
    assert "<script" not in md and "<img" not in md and "<b>" not in md
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in md and "&lt;b&gt;5&lt;/b&gt; &amp; 6" in md
