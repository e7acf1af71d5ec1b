"""``judgeprobe audit`` as a user runs it: files written, the summary printed, bad input rejected cleanly."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from audit_fixtures import HAND, write_hand
from click.testing import CliRunner

from judgeprobe.harness.audit import load_audit
from judgeprobe.harness.cli.main import cli as main_cli


@dataclass
class Done:
    """What a command run left behind (the shape of ``subprocess.CompletedProcess``)."""

    returncode: int
    stdout: str
    stderr: str


def cli(*args: str | Path) -> Done:
    """Run ``judgeprobe audit ARGS`` in this process (click's runner: the same code path, without the
    interpreter start-up that a subprocess pays for sympy, pandas and scikit-learn)."""
    result = CliRunner().invoke(main_cli, ["audit", *map(str, args)], catch_exceptions=False)
    return Done(result.exit_code, result.stdout, result.stderr)


def subprocess_cli(*args: str | Path) -> Done:
    """Run ``judgeprobe audit ARGS`` as its own process, as a user does."""
    command = [sys.executable, "-c", "from judgeprobe.harness.cli.main import main; main()", "audit",
               *map(str, args)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    return Done(done.returncode, done.stdout, done.stderr)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_audit_writes_every_output_and_a_summary(tmp_path: Path) -> None:
    results = write_hand(tmp_path / "in")
    out = tmp_path / "out"
    done = subprocess_cli(*results, "--out", out, "--judge-name", "o3-mini")
    assert done.returncode == 0, done.stderr
    for name in (
        "audit.json",
        "audit.md",
        "audit.html",
        "disagreements.jsonl",
        "rows.csv",
        "teams.csv",
        "error_types.csv",
        "part_scores.csv",
        "mc.csv",
        "pairwise.csv",
        "keywords.csv",
        "unusable.csv",
    ):
        assert (out / name).is_file(), name  # fmt: skip
    report = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    for key in ("rows", "unusable", "teams", "disagreements", "keywords"):
        assert key in report
    for key in (
        "items",
        "judged_correct",
        "accuracy",
        "accuracy_ci",
        "calibration_error",
        "missing",
        "unique_correct",
        "error_types",
        "mean_part_score_by_error_type",
        "mc",
    ):
        assert key in report["teams"]["A"], key  # fmt: skip
    assert set(report["teams"]["A"]["mc"]) >= {"letter_only", "letter_and_text"}
    assert set(report["keywords"]) >= {"overall", "by_team"}
    for item in report["disagreements"]:
        assert set(item) >= {"id", "team", "phase", "judge", "grader", "kind", "reference", "extracted"}
    assert report["judge"] == ["o3-mini"]
    lines = (out / "disagreements.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == report["disagreements"]
    shown = flat(done.stdout)
    assert "second opinion, not ground truth" in shown
    assert "accepted_non_equivalent 1" in shown and "rejected_equivalent 1" in shown
    assert "│ B │ 100.0% (4/4)" in shown
    html = (out / "audit.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert 'class="plot plot-accuracy"' in html and 'class="plot plot-mc"' in html
    md = (out / "audit.md").read_text(encoding="utf-8")
    assert "## Judge against the second opinion" in md and "not ground truth" in md


def test_pandas_loader_reads_the_tables(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cli(*write_hand(tmp_path / "in"), "--out", out, "--workers", "1").returncode == 0
    rows = load_audit(out)
    assert len(rows) == len(HAND)
    assert set(rows.columns) >= {"id", "team", "judge", "grader", "disagreement", "error_type", "mc_form"}
    assert rows["id"].dtype == "string" and sorted(rows["team"].unique()) == ["A", "B", "C"]
    assert (rows["disagreement"].dropna() != "").sum() == 2
    teams = load_audit(out, "teams")
    assert teams.set_index(["team", "phase"]).loc[("B", "all"), "accuracy"] == 1.0
    with pytest.raises(ValueError, match="unknown audit table"):
        load_audit(out, "nope")


def test_field_mapping_team_of_and_filters(tmp_path: Path) -> None:
    rows = [{**row, "submitter": row["team"]} for row in HAND]
    for row in rows:
        del row["team"]
    path = tmp_path / "renamed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    assert cli(path, "--out", out, "--field", "team=submitter", "--team", "A", "--team", "C").returncode == 0
    report = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert sorted(report["teams"]) == ["A", "C"]
    assert report["teams"]["A"]["judged_correct"] == 2
    out2 = tmp_path / "out2"
    single = tmp_path / "single.jsonl"
    single.write_text("".join(json.dumps(r) + "\n" for r in rows if r["submitter"] == "B"), encoding="utf-8")
    assert cli(single, "--out", out2, "--team-of", f"{single}=bravo").returncode == 0
    assert list(json.loads((out2 / "audit.json").read_text(encoding="utf-8"))["teams"]) == ["bravo"]


def test_team_of_names_a_results_file_and_filters_that_match_nothing_are_warned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "single.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in HAND if r["team"] == "B"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    assert cli("single.jsonl", "--out", out, "--team-of", "./single.jsonl=bravo").returncode == 0
    assert list(json.loads((out / "audit.json").read_text(encoding="utf-8"))["teams"]) == ["bravo"]
    typo = cli("single.jsonl", "--out", out, "--team-of", "singel.jsonl=bravo")
    assert typo.returncode == 2
    assert (
        flat(typo.stderr) == "Error: singel.jsonl: --team-of: names none of the results files (single.jsonl)"
    )
    done = cli("single.jsonl", "--out", out, "--team", "nobody", "--phase", "zz")
    assert done.returncode == 0
    warnings = json.loads((out / "audit.json").read_text(encoding="utf-8"))["warnings"]
    assert "--team 'nobody' matches no row; the teams are: B" in warnings
    assert any(w.startswith("--phase 'zz' matches no row") for w in warnings)


def _write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


GOOD = json.dumps(HAND[0])

BAD_FILES = [
    ("missing.jsonl", None, "missing.jsonl: file: cannot read the file"),
    ("empty.jsonl", "\n\n", "empty.jsonl:1: file: the file is empty"),
    ("latin.jsonl", b'{"id": "caf\xe9"}\n', "latin.jsonl: file: not UTF-8 text"),
    ("broken.json", '{"q1": {"model": "m",\n "response": }', "broken.json:2: file: invalid JSON"),
    ("nocorrect.jsonl", json.dumps({"id": "q1", "response": "1", "correct_answer": "1"}),
     "nocorrect.jsonl:1: correct: missing column"),
    ("noid.csv", "team,response,correct_answer,correct\nA,1,1,yes\n", "noid.csv:2: id: missing column"),
    ("twice.csv", "id,team,team,correct\nq1,A,B,yes\n", "twice.csv:1: team: this column appears twice"),
    ("noanswer.jsonl", json.dumps({"id": "q1", "correct_answer": "1", "correct": "yes"}),
     "noanswer.jsonl:1: response: missing column"),
    ("garbage.jsonl", "not json\nstill not\n", "garbage.jsonl:1: file: no readable row"),
    ("prose.txt", "hello there\n", "prose.txt:1: file: not JSON, JSONL or CSV"),
    ("emptylist.json", "[ ]", "emptylist.json:1: file: the JSON list is empty"),
    ("scalar.json", '{"q1": 5}', "scalar.json:1: file: no readable row"),
    ("header.csv", "id,team\n", "header.csv:2: file: no rows after the header"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_unreadable_files_exit_2_with_file_line_field(
    tmp_path: Path, name: str, content: str | bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        _write(path, content)
    done = cli(path, "--out", tmp_path / "out")
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"Error: {tmp_path}/{message}" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out" / "audit.json").exists()


BAD_OPTIONS = [
    (["--field", "nosuch=x"], "unknown field 'nosuch'"),
    (["--field", "team"], "expected --field NAME=COLUMN"),
    (["--team-of", "justateam"], "expected --team-of FILE=TEAM"),
    (["--rejudge", "all"], "--rejudge needs --judge"),
    (["--judge", "nosuchbackend:x"], "nosuchbackend"),
]


@pytest.mark.parametrize(("args", "message"), BAD_OPTIONS, ids=[" ".join(a) for a, _ in BAD_OPTIONS])
def test_bad_options_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    done = cli(*write_hand(tmp_path / "in"), "--out", tmp_path / "out", *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr


def test_bad_questions_and_taxonomy_files_exit_2(tmp_path: Path) -> None:
    results = write_hand(tmp_path / "in")
    questions = _write(tmp_path / "q.jsonl", '{"question": "no id here"}\n')
    done = cli(*results, "--out", tmp_path / "out", "--questions", questions)
    assert done.returncode == 2 and f"{questions}:1: id: missing column" in done.stderr
    taxonomy = _write(tmp_path / "t.yaml", "rules:\n  - id: a\n    match: {none: [x]}\n")
    done = cli(*results, "--out", tmp_path / "out", "--taxonomy", taxonomy)
    assert done.returncode == 2 and f"{taxonomy}:3: rules[0].match: expected a keyword" in done.stderr


UNUSABLE = [
    ('{"id": "q1", "team": "A", "correct": "yes"', "row", "not valid JSON"),
    ('["a", "list"]', "row", "expected a JSON object per line"),
    (json.dumps({"id": "q2", "team": "A", "response": "1", "correct_answer": "1", "correct": "maybe"}),
     "correct", "expected yes/no, true/false or 1/0, got 'maybe'"),
    (json.dumps({"id": "q3", "team": "A", "response": "1", "correct_answer": "1", "correct": "yes",
                 "confidence": "high"}), "confidence", "expected a number, got 'high'"),
    (json.dumps({"id": "q4", "team": "A", "response": "1", "correct_answer": "1", "correct": "yes",
                 "confidence": 150}), "confidence", "between 0 and 100"),
    (json.dumps({"id": "q5", "team": "A", "response": "1", "correct_answer": "1", "correct": "no",
                 "part_score": "x"}), "part_score", "expected a number"),
    (json.dumps({"id": "q6", "team": "A", "response": "1", "correct": "no"}), "correct_answer",
     "missing the reference"),
    (json.dumps({"team": "A", "response": "1", "correct_answer": "1", "correct": "no"}), "id",
     "missing the question id"),
    (json.dumps({"id": "q7", "team": "A", "correct_answer": "1", "correct": "no"}), "response",
     "neither a response nor an extracted answer"),
    (json.dumps({"id": "q8", "team": "A", "response": "1", "correct_answer": "1"}), "correct",
     "missing the judge's verdict"),
    (json.dumps({"id": "q9", "team": "A", "response": {"nested": 1}, "correct_answer": "1", "correct": "no"}),
     "response", "expected text"),
    (json.dumps({**HAND[0], "response": "again"}), "id", "duplicate row"),
]  # fmt: skip


def test_unusable_rows_are_counted_and_listed_with_reasons(tmp_path: Path) -> None:
    lines = [json.dumps(row) for row in HAND] + [line for line, _, _ in UNUSABLE]
    path = _write(tmp_path / "mixed.jsonl", "\n".join(lines) + "\n")
    out = tmp_path / "out"
    done = cli(path, "--out", out)
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert report["rows"] == len(HAND)
    unusable = {item["line"]: item for item in report["unusable"]["items"]}
    assert report["unusable"]["count"] == len(UNUSABLE) == len(unusable)
    for offset, (_, field, reason) in enumerate(UNUSABLE, start=len(HAND) + 1):
        item = unusable[offset]
        assert item["field"] == field and reason in item["reason"], (offset, item)
        assert item["source"] == str(path)
    assert f"{len(UNUSABLE)} unusable" in done.stdout
    csv_text = (out / "unusable.csv").read_text(encoding="utf-8")
    assert csv_text.count("\n") == len(UNUSABLE) + 1


def test_hle_items_without_judge_response_are_unjudged_and_count_as_missing(tmp_path: Path) -> None:
    items = {
        "q1": {"model": "m", "response": "42",
               "judge_response": {"correct_answer": "42", "model_answer": "42", "reasoning": "ok",
                                  "correct": "yes", "confidence": 90}},
        "q2": {"model": "m", "response": "7"},
    }  # fmt: skip
    path = _write(tmp_path / "hle_m.json", json.dumps(items, indent=2))
    questions = _write(
        tmp_path / "q.jsonl", "".join(json.dumps({"id": f"q{i}", "answer": "42"}) + "\n" for i in (1, 2, 3))
    )
    out = tmp_path / "out"
    assert cli(path, "--out", out, "--questions", questions).returncode == 0
    report = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    team = report["teams"]["m"]
    assert (team["items"], team["answered"], team["missing"], team["judged_correct"]) == (3, 1, 2, 1)
    (item,) = report["unusable"]["items"]
    line = path.read_text(encoding="utf-8").splitlines().index('  "q2": {') + 1
    assert item["line"] == line and item["id"] == "q2" and "not judged" in item["reason"]


def test_every_key_of_audit_json_is_documented(tmp_path: Path) -> None:
    from judgeprobe.harness.audit import run_audit

    report = run_audit(write_hand(tmp_path)).report
    doc = (Path(__file__).resolve().parents[3] / "docs" / "audit-schema.md").read_text(encoding="utf-8")
    keys = set(report) | set(report["teams"]["A"]) | set(report["disagreements"][0])
    keys |= set(report["pairwise"][0]) | set(report["solves"][""]) | set(report["mc"]["within_questions"])
    keys |= set(report["mc"]["by_team"]["A"]) | set(report["agreement"]) | set(report["unusable"])
    missing = sorted(key for key in keys if f"`{key}`" not in doc)
    assert missing == []
