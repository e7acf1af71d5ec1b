"""Structured provenance and review status: optional, backward compatible, checked with file:line errors."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from judgeprobe.cases.errors import CaseFileError
from judgeprobe.cases.lint import Severity, lint_library
from judgeprobe.cases.loader import load_file, load_library
from judgeprobe.cases.models import ProvenanceKind, Review

CASE = """\
cases:
  - id: mined-one
    question: "Which class?"
    reference: "TC^0"
    answer_kind: complexity_class
    source: "mined from results.jsonl item q1"
{extra}
    tags: [mined]
    responses:
      - {{id: judged, text: "TC0", label: correct, why: "provisional"}}
      - {{id: control, text: "I do not know.", label: incorrect, why: "a non-answer"}}
"""

MINED = """\
    review: unreviewed
    provenance:
      kind: mined
      dataset: HLE
      item_id: q1
      file: results.jsonl
      team: alpha
      judge: o3-mini
      date: 2026-03-01"""


def write(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "cases.yaml"
    path.write_text(CASE.format(extra=extra), encoding="utf-8")
    return path


def test_existing_library_loads_reviewed_without_provenance() -> None:
    library = load_library()
    assert all(case.review is Review.REVIEWED for case in library)
    assert all(case.provenance is None for case in library)


def test_mined_provenance_loads_with_every_field(tmp_path: Path) -> None:
    (case,) = load_file(write(tmp_path, MINED))
    assert case.review is Review.UNREVIEWED
    assert case.provenance is not None
    assert case.provenance.kind is ProvenanceKind.MINED
    assert (case.provenance.dataset, case.provenance.item_id, case.provenance.team) == ("HLE", "q1", "alpha")
    assert case.provenance.file == "results.jsonl" and case.provenance.judge == "o3-mini"
    assert case.provenance.date == datetime.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("extra", "line", "field", "message"),
    [
        ("    provenance: {kind: mined, team: a}", 7, "cases[0].provenance", "needs 'file'"),
        ("    provenance: {kind: scraped}", 7, "cases[0].provenance.kind", "expected one of"),
        ("    provenance: {kind: mined, file: f, date: yesterday}", 7, "cases[0].provenance.date", "date"),
        ("    provenance: {kind: paper, teem: a}", 7, "cases[0].provenance.teem", "did you mean 'team'"),
        ("    review: maybe", 7, "cases[0].review", "expected one of"),
    ],
)
def test_bad_provenance_names_file_line_and_field(
    tmp_path: Path, extra: str, line: int, field: str, message: str
) -> None:
    path = write(tmp_path, extra)
    with pytest.raises(CaseFileError) as caught:
        load_file(path)
    error = caught.value
    assert (error.line, error.field) == (line, field)
    assert message in error.message
    assert str(error).startswith(f"{path}:{line}: {field}: ")


def test_lint_lists_unreviewed_cases_as_warnings(tmp_path: Path) -> None:
    write(tmp_path, MINED)
    library = load_library([tmp_path], include_builtin=False)
    issues = lint_library(library)
    assert [issue.severity for issue in issues] == [Severity.WARNING]
    assert issues[0].case_id == "mined-one" and "unreviewed" in issues[0].message
    assert str(issues[0]).startswith(f"{tmp_path / 'cases.yaml'}:7: cases[mined-one].review: unreviewed")


def test_reviewed_case_has_no_review_warning(tmp_path: Path) -> None:
    write(tmp_path, MINED.replace("unreviewed", "reviewed"))
    assert lint_library(load_library([tmp_path], include_builtin=False)) == []
