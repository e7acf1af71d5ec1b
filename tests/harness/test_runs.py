"""Runs are separate: a folder shared by several selections or repeats reports each run on its own, ``report``
rebuilds exactly what ``run`` wrote, ``runs`` lists them, and old stores stay readable."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from judgeprobe.harness.cli.main import cli
from judgeprobe.harness.judges.registry import load_judge
from judgeprobe.harness.report import REPORT_FILES
from judgeprobe.harness.run.selection import Selection, run_key
from judgeprobe.harness.session import default_out_dir, run_tail
from judgeprobe.harness.store import SCHEMA_VERSION, RunStore, store_path

NOTATION = ("--case", "hle-tc0-notation", "--probes", "formatting")
"""One grade case under the formatting probes."""
SEEDS = ("--tag", "hle-seed", "--probes", "position")
"""The three HLE seed cases under the position probes."""


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def summary_of(folder: Path) -> bytes:
    return (folder / "summary.json").read_bytes()


def draws_of(folder: Path) -> int:
    return int(json.loads(summary_of(folder))["run"]["draws"]["draws"])


def key_in(output: str) -> str:
    found = re.search(r"Reports of run (\S+) in", output)
    assert found, output
    return found.group(1)


def test_two_selections_in_one_folder_are_reported_separately(tmp_path: Path) -> None:
    first_out = invoke("run", *NOTATION, "--out", str(tmp_path), "--no-progress")
    first_key, first_summary = key_in(first_out), summary_of(tmp_path)
    first = json.loads(first_summary)
    second_out = invoke("run", *SEEDS, "--out", str(tmp_path), "--no-progress")
    second_key, second_summary = key_in(second_out), summary_of(tmp_path)
    second = json.loads(second_summary)
    assert first_key != second_key
    assert first["run"]["cases"] == 1 and second["run"]["cases"] == 3  # never the union of the two
    assert {f["family"] for f in first["families"]} == {"formatting"}
    assert {f["family"] for f in second["families"]} == {"position"}
    results = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert len(results) == second["run"]["draws"]["draws"]
    assert {r["case_id"] for r in results} == {"hle-z5-direct-sum", "hle-mc-letter-text", "hle-tc0-notation"}
    assert "formatting" not in {r["family"] for r in results}

    invoke("report", str(tmp_path), "--quiet")  # the latest run, exactly as run wrote it
    assert summary_of(tmp_path) == second_summary
    invoke("report", str(tmp_path), "--run", first_key[:12], "--quiet")  # another run, by a key prefix
    assert summary_of(tmp_path) == first_summary


def test_repeats_two_then_one_reports_the_second_run_only(tmp_path: Path) -> None:
    invoke("run", *NOTATION, "--repeats", "2", "--out", str(tmp_path), "--no-progress")
    twice = draws_of(tmp_path)
    again = invoke("run", *NOTATION, "--repeats", "1", "--out", str(tmp_path), "--no-progress")
    once = json.loads(summary_of(tmp_path))
    assert once["run"]["repeats"] == 1 and once["run"]["draws"]["draws"] * 2 == twice
    assert (
        f"{once['run']['draws']['draws']} of {once['run']['draws']['draws']} draws ended (0 judge calls"
        in again
    )
    written = summary_of(tmp_path)
    invoke("report", str(tmp_path), "--quiet")
    assert summary_of(tmp_path) == written  # byte for byte: report rebuilds what run wrote
    frame = run_tail(tmp_path).frame
    assert (
        len(frame) == once["run"]["draws"]["draws"] and int(frame["draw"].max()) == 1
    )  # base: K + K placebo


def test_report_rebuilds_what_run_wrote_with_the_runs_own_settings(tmp_path: Path) -> None:
    printed = invoke("run", *SEEDS, "--threshold", "0.2", "--out", str(tmp_path), "--no-progress")
    written = {name: (tmp_path / name).read_bytes() for name in REPORT_FILES}
    assert json.loads(written["summary.json"])["settings"]["threshold"] == 0.2
    output = invoke("report", str(tmp_path))
    assert {name: (tmp_path / name).read_bytes() for name in written} == written
    assert "Families" in output and "Accuracy against the adjudicated labels" in output
    tables = printed[: printed.index(" draws ended (")].rsplit("\n", 1)[0]
    assert output.startswith(tables + "\n")  # report prints the tables run printed, line for line
    invoke("report", str(tmp_path), "--alpha", "0.1", "--quiet")
    settings = json.loads(summary_of(tmp_path))["settings"]
    assert (settings["threshold"], settings["alpha"]) == (0.2, 0.1)  # only what is given is overridden


def test_runs_lists_every_run_of_a_folder_or_below_a_parent(tmp_path: Path) -> None:
    shared, other = tmp_path / "shared", tmp_path / "other"
    first = key_in(invoke("run", *NOTATION, "--out", str(shared), "--no-progress"))
    second = key_in(invoke("run", *SEEDS, "--repeats", "2", "--out", str(shared), "--no-progress"))
    third = key_in(invoke("run", *SEEDS, "--judge", "builtin:exact", "--out", str(other), "--no-progress"))
    rows = json.loads(invoke("runs", str(shared), "--json"))
    assert [row["key"] for row in rows] == [first, second]
    assert [row["latest"] for row in rows] == [False, True]
    assert rows[1]["options"] == {"repeats": 2} and rows[1]["selection"]["tags"] == ["hle-seed"]
    assert rows[0]["draws"]["judged"] + rows[0]["draws"]["unscored"] > 0
    assert rows[1]["planned"] == sum(rows[1]["draws"].values())
    table = invoke("runs", str(tmp_path))
    for key in (first, second, third):
        assert key in table
    assert f"{second} *" in table and f"{third} *" in table and f"{first} *" not in table
    assert "builtin:exact" in table and "probes position" in table and "probes formatting" in table


def test_the_default_folder_is_keyed_by_judge_selection_and_repeats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    judge = load_judge("builtin:reference")
    full = default_out_dir(judge)
    subset = default_out_dir(judge, Selection(case_ids=("hle-tc0-notation",)))
    more = default_out_dir(judge, repeats=2)
    assert len({full, subset, more}) == 3
    assert full.name == f"builtin-reference-{run_key(judge.config_hash, Selection(), repeats=1)}"
    assert default_out_dir(judge, Selection(tags=("b", "a", "a"), probes="position, all")) == default_out_dir(
        judge, Selection(tags=("a", "b"))
    )  # the same selection spelled differently
    monkeypatch.chdir(tmp_path)
    invoke("run", *NOTATION, "--no-progress")
    invoke("run", *SEEDS, "--no-progress")
    folders = sorted(p.name for p in (tmp_path / "judgeprobe-out").iterdir())
    assert len(folders) == 2  # the second selection did not overwrite the first one's reports


def _downgrade_to_version_1(folder: Path) -> None:
    """Make a store look as version 1 wrote it: no runs tables."""
    db = sqlite3.connect(store_path(folder))
    db.executescript("DROP TABLE runs; DROP TABLE run_variants; PRAGMA user_version = 1;")
    db.close()


def test_a_version_1_store_is_read_read_only_and_migrated_on_write(tmp_path: Path) -> None:
    invoke("run", *SEEDS, "--out", str(tmp_path), "--no-progress")
    written = json.loads(summary_of(tmp_path))
    _downgrade_to_version_1(tmp_path)
    with RunStore(store_path(tmp_path), read_only=True) as old:
        (implicit,) = old.runs()
        assert implicit.key.endswith("-all") and implicit.selection is None and implicit.repeats == 1
    listed = json.loads(invoke("runs", str(tmp_path), "--json"))
    assert [row["key"] for row in listed] == [implicit.key]
    invoke("report", str(tmp_path), "--quiet")
    rebuilt = json.loads(summary_of(tmp_path))
    assert rebuilt["run"]["run_id"] == implicit.key
    written["run"]["run_id"] = rebuilt["run"]["run_id"]
    assert rebuilt == written  # the same draws, the same figures
    db = sqlite3.connect(store_path(tmp_path))
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("SELECT key, selection FROM runs").fetchall() == [(implicit.key, None)]
    db.close()


def test_a_store_of_a_newer_version_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    invoke("run", *SEEDS, "--out", str(tmp_path), "--no-progress")
    db = sqlite3.connect(store_path(tmp_path))
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    result = CliRunner().invoke(cli, ["report", str(tmp_path)])
    assert result.exit_code == 2
    assert f"store schema version {SCHEMA_VERSION + 1}" in result.output
