"""Lint proves each case with the built-in grader: one test per gap the issue found, each reported with its
file and line, and ``judgeprobe cases lint`` exits 1 (issue 13, item 2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from judgeprobe.cases.lint import Severity, lint_library
from judgeprobe.cases.loader import load_library

GOOD = """\
cases:
  - id: dated
    question: "On which day did the event happen?"
    reference: "2021-03-05"
    answer_kind: {kind}
    source: hand-written
    tags: [dates-times]
    equivalents: ["March 5, 2021"]
    non_equivalents: ["2021-05-03"]
    responses:
      - {{id: iso, text: "2021-03-05", label: correct, why: "the reference"}}
      - {{id: swapped, text: "2021-05-03", label: incorrect, why: "month and day swapped"}}
"""


def lint_text(tmp_path: Path, text: str) -> tuple[Path, list[str]]:
    path = tmp_path / "cases.yaml"
    path.write_text(text, encoding="utf-8")
    issues = lint_library(load_library([path], include_builtin=False))
    return path, [str(issue) for issue in issues if issue.severity is Severity.ERROR]


def _case(**fields: str) -> str:
    """One grade case in YAML; every field can be replaced (a value is written as given)."""
    base = {
        "id": "c",
        "question": '"What is the answer?"',
        "reference": '"1024"',
        "answer_kind": "number",
        "source": "hand-written",
        "tags": "[numbers]",
        "equivalents": '["2^10"]',
        "non_equivalents": '["1000"]',
    }
    base.update(fields)
    responses = fields.get("responses") or (
        '\n      - {id: right, text: "1024", label: correct, why: "the reference"}'
        '\n      - {id: wrong, text: "1000", label: incorrect, why: "a decimal kilobyte"}'
    )
    lines = [f"    {key}: {value}" for key, value in base.items() if key not in ("id", "responses")]
    return "cases:\n  - id: " + base["id"] + "\n" + "\n".join(lines) + "\n    responses:" + responses + "\n"


def test_the_date_case_is_clean_as_a_date(tmp_path: Path) -> None:
    _, errors = lint_text(tmp_path, GOOD.format(kind="date"))
    assert errors == []


def test_a_date_declared_as_an_expression_is_implausible(tmp_path: Path) -> None:
    path, errors = lint_text(tmp_path, GOOD.format(kind="expression"))
    assert (
        f"{path}:5: cases[dated].answer_kind: the reference '2021-03-05' reads as a date answer"
        in "\n".join(errors)
    )
    # and the proofs show why: as arithmetic the swapped date is the same number (2013)
    wanted = "responses[1].label: labelled incorrect under the semantic policy, but the grader says correct"
    assert any(wanted in e for e in errors)


@pytest.mark.parametrize(
    ("field", "value", "line", "wanted"),
    [
        ("non_equivalents", '["{1, 2, 3"]', 9, "'{1, 2, 3' is not read as a number answer"),
        ("non_equivalents", '["2^^10"]', 9, "'2^^10' is not read as a number answer"),
        ("equivalents", '["2^^10"]', 8, "'2^^10' is not read as a number answer"),
    ],
)
def test_unparseable_answers_are_errors(
    tmp_path: Path, field: str, value: str, line: int, wanted: str
) -> None:
    path, errors = lint_text(tmp_path, _case(**{field: value}))
    assert any(e.startswith(f"{path}:{line}: cases[c].{field}[0]: {wanted}") for e in errors), errors


def test_an_unreadable_date_is_an_error_even_as_a_non_equivalent(tmp_path: Path) -> None:
    text = GOOD.format(kind="date").replace(
        'non_equivalents: ["2021-05-03"]', 'non_equivalents: ["Marchember 5th"]'
    )
    path, errors = lint_text(tmp_path, text)
    assert (
        f"{path}:9: cases[dated].non_equivalents[0]: 'Marchember 5th' is not read as a date answer"
        in "\n".join(errors)
    )


def test_a_non_equivalent_that_is_the_reference_is_caught(tmp_path: Path) -> None:
    path, errors = lint_text(tmp_path, _case(non_equivalents='["1024.0"]'))
    wanted = (
        f"{path}:9: cases[c].non_equivalents[0]: '1024.0' means the same as the reference in another notation"
    )
    assert wanted in "\n".join(errors)


def test_a_same_meaning_text_labelled_incorrect_is_caught(tmp_path: Path) -> None:
    responses = (
        '\n      - {id: right, text: "1024", label: correct, why: "the reference"}'
        '\n      - {id: same, text: "1,024", label: incorrect, why: "mislabelled"}'
    )
    path, errors = lint_text(tmp_path, _case(responses=responses))
    joined = "\n".join(errors)
    assert f"{path}:12: cases[c].responses[1].label: labelled incorrect, but '1,024' is '1024'" in joined


def test_a_multiple_choice_letter_must_exist(tmp_path: Path) -> None:
    text = _case(
        reference='"B"', answer_kind="multiple_choice", choices="{A: Mercury, B: Venus, C: Mars}",
        equivalents='["(B)", "E"]', non_equivalents='["A"]', tags="[multiple-choice]",
        responses='\n      - {id: right, text: "B. Venus", label: correct, why: "the key"}'
        '\n      - {id: wrong, text: "A", label: incorrect, why: "Mercury"}',
    )  # fmt: skip
    path, errors = lint_text(tmp_path, text)
    assert f"{path}:8: cases[c].equivalents[1]: 'E' names option 'E', not one of A, B, C" in "\n".join(errors)


def test_an_equivalent_the_grader_rejects_needs_a_gap(tmp_path: Path) -> None:
    text = _case(equivalents='["two to the tenth"]')
    path, errors = lint_text(tmp_path, text)
    assert any(e.startswith(f"{path}:8: cases[c].equivalents[0]: ") and "grader_gaps" in e for e in errors)
    gap = '\n    grader_gaps:\n      "two to the tenth": "the number grader does not read a power in words"'
    _, errors = lint_text(tmp_path, text + gap)
    assert errors == []


def test_grader_gaps_must_name_a_form_or_response_and_go_stale(tmp_path: Path) -> None:
    path, errors = lint_text(tmp_path, _case() + '    grader_gaps:\n      "nothing": "no such form"\n')
    assert f"{path}:14: cases[c].grader_gaps.nothing: 'nothing' is neither a listed equivalent" in "\n".join(
        errors
    )
    path.write_text(_case() + '    grader_gaps:\n      "2^10": "stale"\n', encoding="utf-8")
    issues = lint_library(load_library([path], include_builtin=False))
    (stale,) = issues
    assert stale.severity is Severity.WARNING and "now decides this correctly" in stale.message


def test_the_strict_label_is_proved_too(tmp_path: Path) -> None:
    responses = (
        '\n      - {id: right, text: "1024", label: correct, why: "the reference"}'
        '\n      - {id: root, text: "sqrt(1048576)", label: correct, why: "the same number as a root"}'
        '\n      - {id: wrong, text: "1000", label: incorrect, why: "a decimal kilobyte"}'
    )
    path, errors = lint_text(tmp_path, _case(responses=responses))
    assert (
        f"{path}:12: cases[c].responses[1].strict_label: labelled correct under the strict policy"
        in "\n".join(errors)
    )


def test_the_same_form_twice_and_the_same_case_twice_are_duplicates(tmp_path: Path) -> None:
    path, errors = lint_text(tmp_path, _case(equivalents='["2^10", "2^10"]'))
    assert f"{path}:8: cases[c].equivalents[1]: '2^10' is equivalents[0] again" in "\n".join(errors)
    twice = _case() + _case(id="d", question='"What is the answer, again?"').removeprefix("cases:\n")
    path, errors = lint_text(tmp_path, twice)
    assert any("cases[d].question: asks nearly the same question as case 'c'" in e for e in errors)


def test_cases_lint_exits_1_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text(_case(non_equivalents='["1024.0"]'), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", "from judgeprobe.harness.cli.main import main; main()", "cases", "lint",
         "--no-builtin", "--cases", str(tmp_path)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{path}:9: cases[c].non_equivalents[0]" in done.stdout
