"""The five report files, the terminal summary and ``judgeprobe report``, checked as a user sees them."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from report_run import HOSTILE, make_run
from rich.console import Console

from judgeprobe.harness.core.records import COLUMNS
from judgeprobe.harness.report import REPORT_FILES
from judgeprobe.harness.report.terminal import render_summary
from judgeprobe.harness.session.tail import RunResults
from judgeprobe.harness.stats import schema
from judgeprobe.harness.stats.schema import Summary
from judgeprobe.harness.store.frame import DERIVED_COLUMNS, load_run

pytestmark = pytest.mark.slow  # a module-wide fixture builds a whole suite or run

DOCS = Path(__file__).resolve().parents[3] / "docs"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunResults]:
    run_dir = tmp_path_factory.mktemp("run")
    return run_dir, make_run(run_dir)


def test_all_five_files_are_written(built: tuple[Path, RunResults]) -> None:
    run_dir, result = built
    assert [p.name for p in result.paths] == list(REPORT_FILES)
    assert all((run_dir / name).stat().st_size > 0 for name in REPORT_FILES)


def test_results_jsonl_has_every_draw(built: tuple[Path, RunResults]) -> None:
    run_dir, result = built
    lines = (run_dir / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == result.summary.run.draws.draws
    first = json.loads(lines[0])
    assert tuple(first) == COLUMNS
    frame = load_run(run_dir)
    assert tuple(frame.columns) == (*COLUMNS, *DERIVED_COLUMNS) and len(frame) == len(lines)


def test_summary_json_round_trips(built: tuple[Path, RunResults]) -> None:
    run_dir, result = built
    data = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == schema.SCHEMA_VERSION
    assert Summary.model_validate(data) == result.summary
    verdicts = {f["family"]: f["verdict"] for f in data["families"]}
    assert verdicts["formatting"] == "biased"


def _keys(model: type[schema.BaseModel]) -> set[str]:
    return set(model.model_fields)


def test_schema_doc_names_every_key() -> None:
    doc = (DOCS / "summary-schema.md").read_text(encoding="utf-8")
    documented = set(
        re.findall(r"^\| `(?:[\w.]+\[\]\.|calibration\.|points\[\]\.)?(\w+)`", doc, re.MULTILINE)
    )
    models = [getattr(schema, name) for name in schema.__all__ if isinstance(getattr(schema, name), type)]
    missing = {f"{m.__name__}.{k}" for m in models for k in _keys(m) if k not in documented}
    assert not missing, f"undocumented summary keys: {sorted(missing)}"
    assert f"version {schema.SCHEMA_VERSION}" in doc


def test_dataframe_doc_names_every_column() -> None:
    doc = (DOCS / "dataframe.md").read_text(encoding="utf-8")
    assert all(f"| `{c}` |" in doc for c in (*COLUMNS, *DERIVED_COLUMNS))


def test_junit_has_one_case_per_judge_check_probe_family_and_control(built: tuple[Path, RunResults]) -> None:
    run_dir, result = built
    root = ET.parse(run_dir / "junit.xml").getroot()
    s = result.summary
    assert s is not None and s.judge_verdict is not None and s.judge_verdict.verdict == "reliable"
    cases = root.findall("testcase")
    checks = [c for c in cases if c.get("classname") == "judgeprobe.judge"]
    assert [c.get("name") for c in checks] == [check.name for check in s.judge_verdict.checks]
    assert all(c.find("failure") is None for c in checks)  # a reliable judge fails none of its checks
    expected = len(s.judge_verdict.checks) + len(s.families) + len(s.probes) + len(s.controls)
    assert len(cases) == expected == int(root.get("tests", "0"))
    failed = [c for c in cases if c.find("failure") is not None]
    biased = [r for r in (*s.families, *s.probes) if r.verdict == "biased"]
    assert len(failed) == len(biased) == int(root.get("failures", "0")) > 0
    message = failed[0].find("failure").get("message", "")  # type: ignore[union-attr]
    assert "excess" in message and "q=" in message and "placebo" in message


def test_markdown_report(built: tuple[Path, RunResults]) -> None:
    run_dir, _ = built
    text = (run_dir / "report.md").read_text(encoding="utf-8")
    assert "## Families" in text and "| formatting | **biased** |" in text
    assert "## Controls" in text and "## Dose curves" in text and "```diff" in text
    assert "-  1" in text and "+  $\\boxed{1}$" in text


def _outside_code(markdown: str) -> str:
    """The text of a Markdown document outside fenced blocks and inline code spans (CommonMark: a fence
    closes at a run of at least its own length; a code span at a run of exactly its own length)."""
    kept: list[str] = []
    fence = 0
    for line in markdown.splitlines():
        run = len(line) - len(line.lstrip("`"))
        if fence:
            fence = 0 if run >= fence and not line.strip("`") else fence
            continue
        if run >= 3:
            fence = run
            continue
        kept.append(re.sub(r"(`+)(?:(?!\1).)+?\1(?!`)", "", line))
    return "\n".join(kept)


def test_markdown_never_carries_markup_from_texts(built: tuple[Path, RunResults]) -> None:
    """Judge replies, extracted answers and responses reach report.md only as text: escaped in tables, in
    code spans no backtick inside can close, or in fences."""
    run_dir, _ = built
    text = _outside_code((run_dir / "report.md").read_text(encoding="utf-8"))
    assert "<script" not in text.lower() and "<img" not in text.lower()


def test_markdown_cells_and_code_spans_hold_any_text() -> None:
    from judgeprobe.harness.report.markdown import _cell, _code

    assert _cell("a|b\n<b>&") == "a\\|b &lt;b&gt;&amp;"
    assert _code("x `y` z") == "``x `y` z``"
    assert _code("`start") == "`` `start ``"
    assert _code("a ``` b\nc") == "````a ``` b c````"
    hostile = "`<img src=x onerror=alert(1)>`"
    assert "<img" not in _outside_code(f"said {_code(hostile)} and {_cell(hostile)}")


def test_html_is_self_contained_and_escaped(built: tuple[Path, RunResults]) -> None:
    run_dir, _ = built
    page = (run_dir / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<img" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<link" not in page and "@import" not in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="plot') >= 4
    assert page.count("<details") >= 1 and "Judge's raw reply" in page


def test_terminal_summary(built: tuple[Path, RunResults]) -> None:
    _, result = built
    out = io.StringIO()
    render_summary(result.summary, Console(file=out, width=110, color_system=None), variants=result.variants)
    text = out.getvalue()
    assert "Families (invariant probes pooled)" in text and "BIASED" in text and "CLEAN" in text
    assert "Controls" in text and "miss rate" in text
    assert "Most telling flips" in text and "judge extracted '1'; response states '1'" in text
    assert "+  $\\boxed{1}$" in text
    assert HOSTILE[:8] in text or "formatting.hostile" in text


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-c", "from judgeprobe.harness.cli.main import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_cli_report_rebuilds_from_the_store(built: tuple[Path, RunResults]) -> None:
    run_dir, _ = built
    for name in REPORT_FILES:
        (run_dir / name).unlink()
    done = _cli("report", str(run_dir), "--top", "1")
    assert done.returncode == 0, done.stderr
    assert "Families" in done.stdout and "BIASED" in done.stdout
    assert all((run_dir / name).is_file() for name in REPORT_FILES)
    assert f"wrote {run_dir / 'report.html'}" in done.stdout


def test_cli_report_errors_are_usage_errors(tmp_path: Path) -> None:
    missing = _cli("report", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "is not a folder" in missing.stderr
    empty = _cli("report", str(tmp_path))
    assert empty.returncode == 2 and "holds no run store" in empty.stderr
