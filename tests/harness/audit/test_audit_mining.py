"""Mined cases: lint-clean, flagged for review, kept across re-mining, and runnable by ``judgeprobe run``."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from audit_fixtures import synthetic_module, write_hand
from click.testing import CliRunner

from judgeprobe.cases.lint import Severity, lint_library
from judgeprobe.cases.loader import load_library
from judgeprobe.cases.models import GradeCase, ProvenanceKind, Review
from judgeprobe.harness.audit import Audit, mine_cases, run_audit
from judgeprobe.harness.cli.main import cli

DAY = datetime.date(2026, 3, 1)


@pytest.fixture(scope="module")
def synthetic_audit(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    folder = tmp_path_factory.mktemp("synthetic")
    synthetic_module().generate(folder, seed=3, questions=36)
    return run_audit([folder / "results.jsonl"])


def test_every_disagreement_becomes_an_unreviewed_lint_clean_case(
    synthetic_audit: Audit, tmp_path: Path
) -> None:
    result = mine_cases(
        synthetic_audit.disagreements,
        tmp_path,
        grader="builtin:reference",
        policy="semantic",
        judge="made-up-judge",
        today=DAY,
    )
    assert result.added == len(synthetic_audit.disagreements) > 0 and result.kept == 0
    library = load_library([tmp_path], include_builtin=False)
    issues = lint_library(library)
    assert [i for i in issues if i.severity is Severity.ERROR] == []
    unreviewed = [i for i in issues if "unreviewed" in i.message]
    assert sorted(i.case_id or "" for i in unreviewed) == sorted(library.ids)  # each listed once
    assert all(i.severity is Severity.WARNING for i in issues)  # the proofs of provisional labels only inform
    by_source = {(d.row.id, d.row.team, d.row.phase): d for d in synthetic_audit.disagreements}
    for case in library:
        assert isinstance(case, GradeCase) and case.review is Review.UNREVIEWED
        provenance = case.provenance
        assert provenance is not None and provenance.kind is ProvenanceKind.MINED
        assert provenance.date == DAY and provenance.judge == "made-up-judge"
        assert provenance.file is not None and provenance.file.endswith("results.jsonl")
        d = next(
            d for key, d in by_source.items() if key[0] == provenance.item_id and key[1] == provenance.team
        )
        judged = next(r for r in case.responses if r.id == "judged")
        expected = "incorrect" if d.kind == "accepted_non_equivalent" else "correct"
        assert judged.label == expected and judged.text == d.row.response
        assert case.reference == d.row.reference and str(case.answer_kind) == str(d.opinion.kind)
        assert str(d.kind).replace("_", "-") in case.tags


def test_mining_again_keeps_reviewed_cases_and_adds_only_new_ones(
    synthetic_audit: Audit, tmp_path: Path
) -> None:
    first, rest = synthetic_audit.disagreements[:3], synthetic_audit.disagreements[3:]
    mine_cases(first, tmp_path, grader="builtin:reference", policy="semantic", today=DAY)
    (path,) = tmp_path.glob("*.yaml")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("review: unreviewed", "review: reviewed", 1), encoding="utf-8")
    again = mine_cases(synthetic_audit.disagreements, tmp_path, grader="builtin:reference", policy="semantic")
    assert (again.kept, again.added, again.repeated) == (3, len(rest), 3)
    library = load_library([tmp_path], include_builtin=False)
    assert len(library) == len(synthetic_audit.disagreements)
    assert sum(case.review is Review.REVIEWED for case in library) == 1


def test_a_broken_mined_file_stops_mining_with_its_line(synthetic_audit: Audit, tmp_path: Path) -> None:
    from judgeprobe.harness.audit import AuditInputError

    (tmp_path / "mined-results.yaml").write_text("cases:\n  - id: Bad Id\n", encoding="utf-8")
    with pytest.raises(AuditInputError, match=r"mined-results.yaml:2: cases\[0\]"):
        mine_cases(synthetic_audit.disagreements, tmp_path, grader="builtin:reference", policy="semantic")


def test_cases_lint_lists_unreviewed_cases_and_passes(tmp_path: Path) -> None:
    runner = CliRunner()
    mined = tmp_path / "mined"
    done = runner.invoke(
        cli,
        [
            "audit",
            *map(str, write_hand(tmp_path / "in")),
            "--out",
            str(tmp_path / "out"),
            "--mine",
            str(mined),
        ],
    )
    assert done.exit_code == 0, done.output
    lint = runner.invoke(cli, ["cases", "lint", "--cases", str(mined), "--no-builtin"])
    assert lint.exit_code == 0, lint.output
    flagged = [line for line in lint.stdout.splitlines() if "unreviewed" in line and "(warning)" in line]
    assert len(flagged) == 2 and "lint passed: 0 error(s)" in lint.stdout


def test_judgeprobe_run_probes_the_mined_cases(tmp_path: Path) -> None:
    runner = CliRunner()
    mined = tmp_path / "mined"
    results = write_hand(tmp_path / "in")
    assert (
        runner.invoke(
            cli, ["audit", *map(str, results), "--out", str(tmp_path / "a"), "--mine", str(mined)]
        ).exit_code
        == 0
    )
    out = tmp_path / "run"
    done = runner.invoke(
        cli,
        [
            "run",
            "--cases",
            str(mined),
            "--no-builtin-cases",
            "--judge",
            "builtin:reference",
            "--out",
            str(out),
            "--no-progress",
        ],
    )
    assert done.exit_code == 0, done.output
    mined_ids = set(load_library([mined], include_builtin=False).ids)
    records = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["case_id"] for r in records} == mined_ids
    assert {r["family"] for r in records} - {"base"}  # probes ran, not only the unperturbed responses
    unjudged = [(r["variant_id"], r["status"], r.get("reason")) for r in records if r["status"] != "judged"]
    assert not unjudged, unjudged[:5]
