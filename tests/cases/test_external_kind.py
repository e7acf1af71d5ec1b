"""Adding an answer kind from outside the package: ``roman_numeral`` (tests/cases/roman_kind.py) is
registered, and a case of that kind loads, lints, is rewritten by the formatting probes and graded by
``builtin:reference`` — no judgeprobe module knows the kind by name."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import roman_kind

from judgeprobe.cases.answers import (
    AnswerKind,
    Decision,
    alternate_forms,
    equivalent,
    grade,
    is_hedged,
    normalize,
    render_latex,
)
from judgeprobe.cases.errors import CaseFileError
from judgeprobe.cases.lint import lint_library
from judgeprobe.cases.loader import load_library_report
from judgeprobe.cases.models import GradeCase
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Status
from judgeprobe.harness.judges.registry import load_judge
from judgeprobe.probes import Relation, Step, apply_step, base_variants, generate_suite

ROOT = Path(__file__).resolve().parents[2]
CASE_FILE = """\
cases:
  - id: roman-fourteen
    question: Write fourteen in Roman numerals.
    source: hand-written
    tags: [notation]
    reference: XIV
    answer_kind: {kind}
    equivalents: ["14", "xiv"]
    non_equivalents: [XVI, XIII]
    responses:
      - id: worked
        text: "Ten is X and four is IV.\\nAnswer: XIV"
        label: correct
        why: the reference
      - id: arabic
        text: "14"
        label: correct
        why: the same number in Arabic digits
      - id: swapped
        text: "Answer: XVI"
        label: incorrect
        why: sixteen, the digits swapped
"""


@pytest.fixture
def roman() -> Iterator[AnswerKind]:
    kind = roman_kind.register()
    yield kind
    roman_kind.unregister()


def _write(folder: Path, kind: str = "roman_numeral", reference: str = "XIV") -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "roman.yaml"
    path.write_text(CASE_FILE.format(kind=kind).replace("reference: XIV", f"reference: {reference}"), "utf-8")
    return path


def _case(folder: Path) -> GradeCase:
    library, errors = load_library_report([folder], include_builtin=False)
    assert library is not None, [str(e) for e in errors]
    (case,) = library
    assert isinstance(case, GradeCase)
    return case


def test_a_case_of_the_new_kind_loads_typed(roman: AnswerKind, tmp_path: Path) -> None:
    _write(tmp_path)
    case = _case(tmp_path)
    assert case.answer_kind is roman and case.answer_kind.spec is roman_kind.SPEC
    assert case.model_dump(mode="json")["answer_kind"] == "roman_numeral"
    assert "roman_numeral" in AnswerKind and roman in list(AnswerKind)


def test_the_answer_functions_read_the_new_row(roman: AnswerKind) -> None:
    assert normalize("  $xiv$. ", kind=roman) == "XIV"
    assert equivalent("xiv", "14", kind=roman).decision is Decision.EQUIVALENT
    assert equivalent("XIV", "XVI", kind="roman_numeral").decision is Decision.DIFFERENT
    assert equivalent("XIV or XV", "XIV", kind=roman).reason == "hedged answer with several candidates"
    assert is_hedged("XIV or XV", kind=roman)
    assert alternate_forms("XIV", kind=roman) == ("xiv", "14", "\\mathrm{XIV}")
    assert render_latex("14", kind=roman) == "\\mathrm{XIV}"


def test_lint_applies_the_kinds_own_rule(roman: AnswerKind, tmp_path: Path) -> None:
    _write(tmp_path / "good")
    library, _ = load_library_report([tmp_path / "good"], include_builtin=False)
    assert library is not None and lint_library(library) == []
    path = _write(tmp_path / "bad", reference="fourteen")
    library, _ = load_library_report([tmp_path / "bad"], include_builtin=False)
    assert library is not None
    (issue,) = lint_library(library)
    assert str(issue) == (
        f"{path}:6: cases[roman-fourteen].reference: 'fourteen' is not a Roman numeral from I to MMMCMXCIX "
        "(or 1 to 3999)"
    )


def test_an_unknown_kind_names_file_line_field_and_every_known_kind(
    roman: AnswerKind, tmp_path: Path
) -> None:
    path = _write(tmp_path, kind="roman")
    library, errors = load_library_report([tmp_path], include_builtin=False)
    assert library is None
    (error,) = errors
    assert isinstance(error, CaseFileError)
    assert str(error) == (
        f"{path}:7: cases[0].answer_kind: expected one of multiple_choice, number, expression, set, tuple, "
        "interval, group, complexity_class, chemistry, date, boolean, text, decimal, named, space, cardinal, "
        "asymptotic, roman_numeral, got 'roman'"
    )


def test_the_formatting_probes_rewrite_its_answers(roman: AnswerKind, tmp_path: Path) -> None:
    _write(tmp_path)
    case = _case(tmp_path)
    base = {v.unit_id: v for v in base_variants(case)}
    assert base["worked"].answer_kind is roman

    def rewritten(unit: str, probe: str, **params: object) -> list[str]:
        step = Step(probe, tuple(sorted(params.items())))  # type: ignore[arg-type]
        return [v.slots[0].text for v in apply_step(case, base[unit], step)]

    worked = "Ten is X and four is IV.\nAnswer: "
    assert rewritten("worked", "formatting.case", style="lower") == [worked + "xiv"]  # recase: on
    assert rewritten("worked", "formatting.spacing", style="spaced") == []  # respace: off
    assert rewritten("worked", "formatting.render", form="latex") == [worked + "\\mathrm{XIV}"]
    assert rewritten("worked", "formatting.alternate", index=1) == [worked + "14"]
    assert rewritten("arabic", "formatting.render", form="ascii") == ["XIV"]
    (hedged,) = rewritten("worked", "formatting.hedge_or", order="right_first")
    assert hedged in (worked + "XIV or XVI", worked + "XIV or XIII")
    suite = generate_suite([case])
    families = {v.family for v in suite if v.relation is not Relation.BASE}
    assert {"formatting", "reference_form"} <= families


def test_builtin_reference_grades_it_through_the_kinds_route(roman: AnswerKind, tmp_path: Path) -> None:
    _write(tmp_path)
    case = _case(tmp_path)
    judge = load_judge("builtin:reference")
    checked = 0
    for variant in generate_suite([case]):
        if variant.family not in ("base", "formatting", "reference_form"):
            continue
        request = JudgeRequest.from_variant(variant)
        assert request.answer_kind is roman
        verdict = asyncio.run(judge.judge(request))
        assert verdict.status is Status.JUDGED, (variant.chain_name, verdict.reason)
        assert verdict.outcome == variant.label, (
            variant.chain_name,
            variant.slots[0].text,
            verdict.reasoning,
        )
        assert verdict.meta["route"] == "notation"
        checked += 1
    assert checked >= 20
    graded = grade("XIV", "Ten is X and four is IV.\nAnswer: 14", kind=roman)
    assert (graded.decision, graded.reason, graded.answer) == (Decision.EQUIVALENT, "both name 14", "14")


def _plugin(tmp_path: Path) -> Path:
    """The example kind installed as a plugin through the ``judgeprobe.answer_kinds`` entry-point group."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "jp_roman_plugin.py").write_text("import roman_kind\n\nroman_kind.register()\n", encoding="utf-8")
    dist = site / "jp_roman-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: jp-roman\nVersion: 0.1\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text("[judgeprobe.answer_kinds]\nroman = jp_roman_plugin\n", "utf-8")
    return site


def _cli(*args: str | Path, site: Path | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    paths = [str(Path(__file__).parent)] + ([str(site)] if site is not None else [])
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")])
    code = "from judgeprobe.harness.cli.main import main; main()"
    command = [sys.executable, "-c", code, *map(str, args)]
    return subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300, check=False
    )


@pytest.mark.slow
def test_a_plugin_kind_lints_and_runs_from_the_command_line(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    _write(cases)
    site = _plugin(tmp_path)
    missing = _cli("cases", "lint", "--no-builtin", "--cases", cases, site=None)
    assert missing.returncode == 1
    assert "cases[0].answer_kind: expected one of multiple_choice," in missing.stdout + missing.stderr
    linted = _cli("cases", "lint", "--no-builtin", "--cases", cases, site=site)
    assert linted.returncode == 0, linted.stdout + linted.stderr
    out = tmp_path / "run"
    ran = _cli("run", "--no-builtin-cases", "--cases", cases, "--out", out, "--no-progress", site=site)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows and {row["answer_kind"] for row in rows} == {"roman_numeral"}
    base = [row for row in rows if row["relation"] == "base" and not row["placebo"]]
    assert {(row["unit_id"], row["outcome"]) for row in base} == {
        ("worked", "correct"),
        ("arabic", "correct"),
        ("swapped", "incorrect"),
    }


def test_an_unregistered_kind_is_unknown_again() -> None:
    kind = roman_kind.register()
    assert AnswerKind("roman_numeral") is kind
    roman_kind.unregister()
    assert "roman_numeral" not in AnswerKind
    with pytest.raises(
        ValueError, match="unknown answer kind 'roman_numeral'; expected one of multiple_choice"
    ):
        AnswerKind("roman_numeral")
    assert equivalent("XIV", "14", kind="roman_numeral").decision is Decision.UNDECIDED
