"""``judgeprobe cases new``: a lint-clean case from flags, from a judge mistake in a run, or from an audit's
disagreement; never a broken file (issue 13, item 6)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from judgeprobe.cases.lint import Severity, lint_library
from judgeprobe.cases.loader import load_file, load_library
from judgeprobe.cases.models import GradeCase, ProvenanceKind, Review
from judgeprobe.harness.cli.main import cli


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], env={"COLUMNS": "200"})


def test_from_flags_the_case_is_lint_clean_and_filled_in(tmp_path: Path) -> None:
    out = tmp_path / "mine" / "cases.yaml"
    done = invoke(
        "cases", "new", "--out", out, "--question", "Which circuit class computes majority?",
        "--reference", "TC^0", "--kind", "complexity_class", "--correct", "TC0", "--correct", "$TC^0$",
        "--incorrect", "AC^0", "--tag", "named-object",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "added case which-circuit-class-computes-majority" in done.output
    (case,) = load_file(out)
    assert isinstance(case, GradeCase) and case.review is Review.UNREVIEWED
    by_text = {r.text: r for r in case.responses}
    assert by_text["TC0"].strict_label == "incorrect"  # another notation: wrong under strict
    assert by_text["$TC^0$"].strict_label is None  # the reference's notation in LaTeX: right either way
    assert case.non_equivalents == ("AC^0",) and case.provenance is not None
    issues = lint_library(load_library([out.parent], include_builtin=False))
    assert [i for i in issues if i.severity is Severity.ERROR] == []


def test_a_taken_id_or_a_case_that_does_not_lint_is_not_written(tmp_path: Path) -> None:
    out = tmp_path / "cases.yaml"
    base = ("cases", "new", "--out", out, "--question", "2 + 2?", "--reference", "4", "--kind", "number")
    assert invoke(*base, "--correct", "4.0").exit_code == 0
    before = out.read_text(encoding="utf-8")
    taken = invoke(*base, "--correct", "four")
    assert taken.exit_code == 1 and "is already used" in taken.output
    wrong = invoke(
        *base, "--id", "wrong", "--correct", "5", "--reviewed"
    )  # a reviewed label the grader denies
    assert wrong.exit_code == 1 and "does not lint, so it was not written" in wrong.output
    assert "labelled correct under the semantic policy, but the grader says incorrect" in wrong.output
    assert out.read_text(encoding="utf-8") == before
    clash = invoke(*base, "--id", "hle-tc0-notation", "--correct", "4.0")  # a shipped case's id
    assert clash.exit_code == 1 and "already used" in clash.output


def test_flags_are_checked() -> None:
    done = invoke("cases", "new", "--out", "x.yaml", "--question", "q")
    assert done.exit_code == 2 and "--reference, --kind" in done.output
    bad = invoke("cases", "new", "--out", "x.yaml", "--question", "q", "--reference", "A", "--kind",
                 "multiple_choice", "--choice", "A")  # fmt: skip
    assert bad.exit_code == 2 and "LETTER=TEXT" in bad.output


def test_from_a_run_the_judge_mistake_is_pinned(tmp_path: Path) -> None:
    run = tmp_path / "run"
    done = invoke("run", "--judge", "builtin:exact", "--case", "hle-tc0-notation", "--probes", "none",
                  "--out", run, "--no-progress")  # fmt: skip
    assert done.exit_code == 0, done.output
    listed = invoke("cases", "new", "--from-run", run, "--list")
    assert listed.exit_code == 0 and "hle-tc0-notation/tc0-plain  base  (said incorrect, label correct)" in (
        listed.output
    )
    lines = [line for line in listed.output.splitlines() if "tc0-plain" in line]
    pick = lines[0].split()[0]
    out = tmp_path / "pinned.yaml"
    done = invoke("cases", "new", "--from-run", run, "--pick", pick, "--out", out)
    assert done.exit_code == 0, done.output
    (case,) = load_file(out)
    assert isinstance(case, GradeCase) and case.reference == "$TC^0$"
    assert case.responses[0].text == "TC0" and case.responses[0].label == "correct"
    assert case.provenance is not None and case.provenance.kind is ProvenanceKind.MINED
    assert case.provenance.item_id is not None and case.provenance.item_id.startswith("hle-tc0-notation/")
    # linted with the shipped library: the pinned case duplicates its original only as a warning
    issues = lint_library(load_library([out]))
    assert [str(i) for i in issues if i.severity is Severity.ERROR] == []
    assert any("pinned from case 'hle-tc0-notation'" in i.message for i in issues)


def test_from_an_audit_disagreement(tmp_path: Path) -> None:
    line = {
        "id": "q7", "team": "alpha", "phase": "final", "judge": "correct", "grader": "incorrect",
        "kind": "accepted_non_equivalent", "reference": "Z+Z+Z+Z+Z", "extracted": "Z^4",
        "graded_answer": "Z^4", "answer_kind": "group", "grader_reason": "different groups",
        "judge_explanation": "same", "judge_model": "judge-x", "source": "results.jsonl", "line": 7,
    }  # fmt: skip
    path = tmp_path / "disagreements.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    out = tmp_path / "from-audit.yaml"
    done = invoke("cases", "new", "--from-audit", path, "--pick", "1", "--out", out)
    assert done.exit_code == 0, done.output
    (case,) = load_file(out)
    assert isinstance(case, GradeCase)
    wrong = [r for r in case.responses if r.text == "Z^4"]
    assert wrong and wrong[0].label == "incorrect"  # provisionally the grader's verdict
    assert case.provenance is not None and case.provenance.team == "alpha"
    assert case.provenance.judge == "judge-x"
    out_of_range = invoke("cases", "new", "--from-audit", path, "--pick", "2", "--out", out)
    assert out_of_range.exit_code == 2 and "out of range" in out_of_range.output


def test_lint_takes_a_relative_case_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    done = invoke("cases", "new", "--out", "my-cases/new.yaml", "--question", "3 + 4?", "--reference", "7",
                  "--kind", "number", "--correct", "7.0", "--incorrect", "12")  # fmt: skip
    assert done.exit_code == 0, done.output
    linted = invoke("cases", "lint", "--cases", "my-cases")  # with the shipped library: absolute paths too
    assert linted.exit_code == 0, linted.output
    assert "lint passed" in linted.output
