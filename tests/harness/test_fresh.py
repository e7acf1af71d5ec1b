"""A warm rerun of a finished run whose reports are up to date reads them back instead of rebuilding them —
and rebuilds as soon as anything its reports depend on changed."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from judgeprobe.harness.cli.main import cli

UP_TO_DATE = "Up to date: every draw of this run is in the store"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_a_warm_rerun_reuses_reports_until_something_they_depend_on_changes(tmp_path: Path) -> None:
    args = ("run", "--judge", "mock:flaky:p=0.2", "--tag", "hle-seed", "--probes", "formatting",
            "--repeats", "2", "--out", str(tmp_path), "--no-progress", "--fail-on", "never")  # fmt: skip
    code, first = invoke(*args)
    assert code == 0, first
    assert UP_TO_DATE not in first
    summary = (tmp_path / "summary.json").read_bytes()
    code, second = invoke(*args)
    assert code == 0, second
    assert UP_TO_DATE in second
    assert "0 judge calls" in second and "Reports of run" in second
    assert (tmp_path / "summary.json").read_bytes() == summary

    def shown(text: str) -> str:  # the summary as printed, flipped cases and their bases included
        start = text.index("rebuilds them).") + len("rebuilds them).") if UP_TO_DATE in text else 0
        return text[start : re.search(r"\n\d+ of \d+ draws ended", text).start()].strip()  # type: ignore[union-attr]

    assert "Flipped" in shown(first) or "flipped" in shown(first)
    assert shown(second) == shown(first)
    # other analysis settings: the reports are rebuilt (from the same draws, no call)
    code, third = invoke(*args, "--threshold", "0.2")
    assert code == 0, third
    assert UP_TO_DATE not in third and "(0 judge calls," in third
    # a report file missing: rebuilt
    code, _ = invoke(*args)
    (tmp_path / "report.md").unlink()
    code, fourth = invoke(*args)
    assert code == 0 and UP_TO_DATE not in fourth
    assert (tmp_path / "report.md").is_file()
    code, fifth = invoke(*args)
    assert code == 0 and UP_TO_DATE in fifth
    # a draw changed in the store since the reports were made: rebuilt
    db = sqlite3.connect(tmp_path / "store.sqlite")
    db.execute(
        "UPDATE draws SET outcome = 'incorrect', seq = seq + 100000 WHERE seq = (SELECT MAX(seq) FROM draws)"
    )
    db.commit()
    db.close()
    code, sixth = invoke(*args)
    assert code == 0 and UP_TO_DATE not in sixth
