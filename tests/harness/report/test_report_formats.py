"""Report formats register like judge backends: the shipped five through the registry, a third party's from
a module (here, this test module) or through the ``judgeprobe.reports`` entry-point group."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from judgeprobe.harness.cli.main import cli
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.report import REPORT_FILES, ReportInput, register_report, report_formats
from judgeprobe.harness.report.formats import SHIPPED_FORMATS, unregister_report

SMALL = ("--tag", "hle-seed", "--probes", "position", "--no-progress")


def write_families_csv(path: Path, run: ReportInput) -> None:
    """An example third-party format: one row per probe family, with its verdict and pairs."""
    lines = ["family,verdict,pairs"] + [f"{f.family},{f.verdict},{f.pairs}" for f in run.summary.families]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def families_csv() -> Iterator[str]:
    register_report("families_csv", filename="families.csv", description="families as CSV")(
        write_families_csv
    )
    yield "families.csv"
    unregister_report("families_csv")


def test_the_shipped_formats_are_registered_in_order() -> None:
    formats = report_formats()
    assert [f.name for f in formats][: len(SHIPPED_FORMATS)] == list(SHIPPED_FORMATS)
    assert [f.filename for f in formats][: len(REPORT_FILES)] == list(REPORT_FILES)
    assert all(f.origin == "shipped" for f in formats[: len(SHIPPED_FORMATS)])


def test_a_format_registered_from_a_test_module_is_written_by_run(tmp_path: Path, families_csv: str) -> None:
    result = CliRunner().invoke(cli, ["run", *SMALL, "--out", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"junit.xml, {families_csv}" in result.output
    rows = (tmp_path / families_csv).read_text(encoding="utf-8").splitlines()
    assert rows[0] == "family,verdict,pairs" and rows[1].startswith("position,")
    (tmp_path / families_csv).unlink()
    again = CliRunner().invoke(cli, ["report", str(tmp_path), "--quiet"], catch_exceptions=False)
    assert again.exit_code == 0 and f"wrote {tmp_path / families_csv}" in again.output
    assert (tmp_path / families_csv).read_text(encoding="utf-8").splitlines() == rows


@pytest.mark.parametrize(
    ("name", "filename", "message"),
    [
        ("bad name!", "x.txt", "must be a word"),
        ("nested", "sub/x.txt", "plain file name"),
        ("store", "store.sqlite", "run store's file"),
        ("md_again", "report.md", "already written by format 'markdown'"),
    ],
)
def test_bad_registrations_are_refused(name: str, filename: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        register_report(name, filename=filename, description="x")
    assert name not in {f.name for f in report_formats()}


def test_a_failing_third_party_writer_names_itself_after_the_shipped_files(tmp_path: Path) -> None:
    def broken(path: Path, run: ReportInput) -> None:
        raise RuntimeError("disk on fire")

    register_report("broken", filename="broken.txt", description="fails")(broken)
    try:
        result = CliRunner().invoke(cli, ["run", *SMALL, "--out", str(tmp_path)])
    finally:
        unregister_report("broken")
    assert result.exit_code == 2
    assert "report format 'broken'" in result.output and "disk on fire" in result.output
    assert all((tmp_path / name).is_file() for name in REPORT_FILES)


def test_a_format_from_the_entry_point_group_is_written(tmp_path: Path) -> None:
    plugin = tmp_path / "site"
    plugin.mkdir()
    (plugin / "jp_report_plugin.py").write_text(
        textwrap.dedent(
            """
            from judgeprobe.harness.report.formats import register_report

            @register_report("counts", filename="counts.txt", description="draws by status")
            def write_counts(path, run):
                d = run.summary.run.draws
                path.write_text(f"judged {d.judged} of {d.draws}\\n", encoding="utf-8")
            """
        ),
        encoding="utf-8",
    )
    dist = plugin / "jp_report_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: jp-report-plugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[judgeprobe.reports]\ncounts = jp_report_plugin\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugin), os.environ.get("PYTHONPATH", "")])}
    out = tmp_path / "run"
    code = "from judgeprobe.harness.cli.main import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, "run", *SMALL, "--out", str(out)],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (out / "counts.txt").read_text(encoding="utf-8").startswith("judged ")
    assert "counts.txt" in done.stdout
