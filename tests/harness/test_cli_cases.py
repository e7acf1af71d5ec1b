"""``judgeprobe cases``: what the user sees (output and exit codes), in-process and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from judgeprobe.cases.loader import load_library_report
from judgeprobe.harness.cli.main import cli

CASES = """\
cases:
  - id: tc0-plain
    question: Which circuit class?
    reference: TC^0
    answer_kind: complexity_class
    equivalents: [TC0]
    non_equivalents: [TC^1]
    source: HLE 66e942c180435ab1cb1ef049
    tags: [named-object, cli-test]
    responses:
      - {id: plain, text: TC0, label: correct, why: Same class without the superscript.}
      - {id: next, text: TC^1, label: incorrect, why: A different class.}
  - id: letter-a
    question: "Which is one? [bold]A[/bold]"
    reference: A
    answer_kind: multiple_choice
    choices: {A: "1", B: "2"}
    equivalents: ["A. 1"]
    source: hand-written
    reference_doubt: true
    doubt_reason: The key was never checked.
    tags: [multiple-choice, cli-test]
    responses:
      - {id: letter, text: A, label: correct, why: The letter.}
      - {id: other, text: B, label: incorrect, why: The other letter.}
  - id: pick-short
    mode: pairwise
    question: Name a prime.
    source: hand-written
    tags: [pairwise-verbosity, cli-test]
    responses:
      - {id: short, text: "2", label: better, why: Correct and direct.}
      - {id: long, text: "Nine, which is prime.", label: worse, why: Nine is not prime.}
"""


def invoke(*args: str | Path) -> Result:
    """Run ``judgeprobe`` in-process with a wide terminal."""
    return CliRunner().invoke(cli, [str(a) for a in args], env={"COLUMNS": "200"})


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def good(tmp_path: Path) -> Path:
    folder = tmp_path / "good"
    folder.mkdir()
    write(folder, "mine.yaml", CASES)
    return folder


@pytest.fixture
def bad(tmp_path: Path) -> tuple[Path, Path, Path]:
    folder = tmp_path / "bad"
    folder.mkdir()
    first = write(folder, "a.yaml", CASES.replace("label: better", "label: best"))
    second = write(folder, "b.yaml", "cases:\n  - id: x\n    question: [unclosed\n")
    return folder, first, second


def test_lint_clean_folder(good: Path) -> None:
    result = invoke("cases", "lint", "--no-builtin", "--cases", good)
    assert result.exit_code == 0, result.output
    assert "3 cases over 3 trick kinds" in result.output
    assert "named-object" in result.output and "pairwise-verbosity" in result.output
    assert "lint passed: 0 error(s), 0 warning(s)" in result.output


def test_lint_reports_every_problem_as_file_line_field(bad: tuple[Path, Path, Path]) -> None:
    folder, first, second = bad
    result = invoke("cases", "lint", "--no-builtin", "--cases", folder)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"{first}:32: cases[2].responses[0].label: expected one of better, worse, tie, got 'best'" in lines
    assert any(line.startswith(f"{second}:4: syntax: invalid YAML") for line in lines)
    assert "lint failed: 2 error(s)" in result.output


def test_lint_rule_problem_and_warning(tmp_path: Path) -> None:
    text = CASES.replace("non_equivalents: [TC^1]", "non_equivalents: [TC^1, TC0]")
    text = text.replace('equivalents: ["A. 1"]', 'equivalents: ["A", "A. 1"]')
    path = write(tmp_path, "rules.yaml", text)
    result = invoke("cases", "lint", "--no-builtin", "--cases", path)
    assert result.exit_code == 1
    assert f"{path}:7: cases[tc0-plain].non_equivalents: 'TC0' is listed both as equivalent" in result.output
    assert "the reference itself is listed as an equivalent (warning)" in result.output
    assert "lint failed: 2 error(s), 1 warning(s)" in result.output  # the contradiction counts twice


def test_lint_no_builtin_needs_a_folder() -> None:
    result = invoke("cases", "lint", "--no-builtin")
    assert result.exit_code == 2
    assert "--no-builtin needs at least one --cases folder" in result.output


def test_lint_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("cases", "lint", "--cases", tmp_path / "absent")
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_list_filters(good: Path) -> None:
    result = invoke("cases", "list", "--no-builtin", "--cases", good)
    assert result.exit_code == 0, result.output
    assert "3 case(s)" in result.output
    assert "tc0-plain" in result.output and "pick-short" in result.output
    assert "complexity_class" in result.output and "HLE 66e942c180435ab1cb1ef049" in result.output
    only = invoke("cases", "list", "--no-builtin", "--cases", good, "--kind", "multiple_choice")
    assert "1 case(s)" in only.output and "letter-a" in only.output and "tc0-plain" not in only.output
    pair = invoke("cases", "list", "--no-builtin", "--cases", good, "--mode", "pairwise")
    assert "pick-short" in pair.output and "letter-a" not in pair.output
    trick = invoke("cases", "list", "--no-builtin", "--cases", good, "--trick", "named-object")
    assert "tc0-plain" in trick.output and "1 case(s)" in trick.output
    tagged = invoke("cases", "list", "--no-builtin", "--cases", good, "--tag", "cli-test", "--tag", "nothing")
    assert "3 case(s)" in tagged.output


def test_list_rejects_an_unknown_kind(good: Path) -> None:
    result = invoke("cases", "list", "--cases", good, "--kind", "numbers")
    assert result.exit_code == 2
    assert "'numbers' is not one of" in result.output


def test_list_with_a_broken_folder_exits_1(bad: tuple[Path, Path, Path]) -> None:
    result = invoke("cases", "list", "--no-builtin", "--cases", bad[0])
    assert result.exit_code == 1
    assert "the case library has 2 problem(s); fix them first" in result.output


def test_list_includes_the_shipped_library_and_extra_cases(good: Path) -> None:
    library, _ = load_library_report()
    if library is None:
        pytest.skip("the shipped library does not load yet (see tests/cases/test_library.py)")
    result = invoke("cases", "list", "--cases", good, "--tag", "cli-test")
    assert result.exit_code == 0, result.output
    assert "3 case(s)" in result.output
    everything = invoke("cases", "list")
    assert f"{len(library)} case(s)" in everything.output
    assert library.ids[0] in everything.output


def test_show_prints_the_case(good: Path) -> None:
    result = invoke("cases", "show", "letter-a", "--no-builtin", "--cases", good)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "letter-a  grade multiple_choice" in out
    assert "question: Which is one? [bold]A[/bold]" in out  # printed literally, not as rich markup
    assert "reference: A" in out and "choices: A. 1  B. 2" in out
    assert 'equivalents: "A. 1"' in out
    assert "reference doubt: The key was never checked." in out
    assert "source: hand-written" in out
    assert "The other letter." in out and "incorrect" in out


def test_show_pairwise_labels(good: Path) -> None:
    result = invoke("cases", "show", "pick-short", "--no-builtin", "--cases", good)
    assert result.exit_code == 0
    assert "better" in result.output and '"Nine, which is prime."' in result.output


def test_show_unknown_id_suggests(good: Path) -> None:
    result = invoke("cases", "show", "tc0-plane", "--no-builtin", "--cases", good)
    assert result.exit_code == 2
    assert "unknown case id 'tc0-plane'; did you mean 'tc0-plain'?" in result.output


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def test_schema_is_a_case_file_schema(tmp_path: Path) -> None:
    result = invoke("cases", "schema")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["required"] == ["cases"] and schema["type"] == "object"
    items = schema["properties"]["cases"]["items"]
    assert items["discriminator"]["propertyName"] == "mode"
    grade = schema["$defs"]["GradeCase"]
    assert {"id", "question", "reference", "answer_kind", "responses"} <= set(grade["required"])
    assert grade["additionalProperties"] is False
    assert "docstring" not in json.dumps(schema) and grade["properties"]["equivalents"]["description"]
    for ref in _refs(schema):
        assert ref.removeprefix("#/$defs/") in schema["$defs"], ref
    out = tmp_path / "case-file.schema.json"
    written = invoke("cases", "schema", "--out", out)
    assert written.exit_code == 0 and f"wrote {out}" in written.output
    assert json.loads(out.read_text(encoding="utf-8")) == schema


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from judgeprobe.harness.cli.main import main; main()", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.slow
def test_real_process_exit_codes(good: Path, bad: tuple[Path, Path, Path]) -> None:
    clean = _run("cases", "lint", "--no-builtin", "--cases", good)
    assert clean.returncode == 0, clean.stderr
    assert "lint passed" in clean.stdout
    broken = _run("cases", "lint", "--no-builtin", "--cases", bad[0])
    assert broken.returncode == 1
    assert f"{bad[1]}:32: cases[2].responses[0].label: expected one of better, worse, tie" in broken.stdout
    unknown = _run("cases", "show", "nope", "--no-builtin", "--cases", good)
    assert unknown.returncode == 2
    assert "unknown case id 'nope'" in unknown.stderr
