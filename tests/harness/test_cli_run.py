"""`judgeprobe run` as a user meets it: exit codes, what it prints, the files it writes, resuming."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from judgeprobe.harness.cli.main import cli

REPORTS = ("results.jsonl", "summary.json", "report.md", "report.html", "junit.xml")


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_run_without_probes_reports_accuracy_and_disagreements(tmp_path: Path) -> None:
    out = tmp_path / "run"
    code, text = invoke(
        "run",
        "--probes",
        "none",
        "--tag",
        "hle-seed",
        "--tag",
        "master-key",
        "--out",
        str(out),
        "--no-progress",
    )
    assert code == 0, text
    assert "Accuracy against the adjudicated labels" in text
    assert "multiple_choice" in text
    assert "group (disputed reference)" in text  # the Z^5 seed case is reported apart
    for name in REPORTS:
        assert (out / name).is_file(), name
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert {row["relation"] for row in rows} == {"base"}
    assert any(row["placebo"] for row in rows)  # the noise floor has its own draws
    assert all(row["judge"] == "builtin:reference" for row in rows)


@pytest.mark.slow
def test_rerun_resumes_from_the_store_with_no_new_calls(tmp_path: Path) -> None:
    args = (
        "run",
        "--case",
        "hle-tc0-notation",
        "--probes",
        "formatting",
        "--out",
        str(tmp_path),
        "--no-progress",
    )
    code, first = invoke(*args)
    assert code == 0, first
    assert " 0 from the store" in first
    code, second = invoke(*args)
    assert code == 0, second
    assert "(0 judge calls," in second


def _variant_lines(text: str) -> list[list[str]]:
    return [line.split() for line in text.splitlines() if re.match(r"[0-9a-f]{16}  \S+/\S+  ", line)]


def test_probe_selection_and_dry_run_call_no_judge(tmp_path: Path) -> None:
    args = ("run", "--case", "hle-mc-letter-text", "--probes", "position", "--dry-run")
    args = (*args, "--out", str(tmp_path))
    code, text = invoke(*args)
    assert code == 0, text
    assert "position" in text and "base" in text
    assert "formatting" not in text
    assert "no judge was called" in text
    assert not (tmp_path / "store.sqlite").exists()
    total = int(re.findall(r"all\s+│\s+│\s+│\s+(\d+)", text)[0])
    assert f"{total} variants" in text and "draws (repeats 1)" in text
    assert _variant_lines(text) == []  # the counts only, unless the list is asked for

    code, listed_text = invoke(*args, "--list")
    assert code == 0, listed_text
    listed = _variant_lines(listed_text)
    assert len(listed) == total  # one line per variant
    chains = {parts[-1] for parts in listed}
    assert "base" in chains and any(chain.startswith("position.") for chain in chains)

    to_file = tmp_path / "variants.txt"
    code, quiet = invoke(*args, "--list", str(to_file))
    assert code == 0, quiet
    assert _variant_lines(quiet) == []
    assert _variant_lines(to_file.read_text(encoding="utf-8")) == listed


def test_usage_errors_exit_2(tmp_path: Path, monkeypatch: object) -> None:
    code, text = invoke("run", "--case", "no-such-case", "--out", str(tmp_path))
    assert code == 2 and "unknown case id" in text
    code, text = invoke("run", "--probes", "no-such-family", "--dry-run")
    assert code == 2 and "no-such-family" in text


def test_missing_api_key_stops_before_any_call(tmp_path: Path) -> None:
    env_name = "JUDGEPROBE_TEST_UNSET_KEY"
    config = tmp_path / "judge.toml"
    config.write_text(
        f'backend = "openai"\nmodel = "m"\nbase_url = "http://127.0.0.1:9/v1"\napi_key_env = "{env_name}"\n'
    )
    code, text = invoke(
        "run", "--judge", str(config), "--case", "hle-tc0-notation", "--out", str(tmp_path / "o")
    )
    assert code == 2
    assert env_name in text
    assert not (tmp_path / "o" / "store.sqlite").exists()


@pytest.mark.slow
def test_console_script_runs_as_a_process(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "from judgeprobe.harness.cli.main import main; main()", "run",
         "--tag", "hle-seed", "--probes", "formatting,position", "--out", str(tmp_path), "--no-progress"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Families" in proc.stdout
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert {f["family"] for f in summary["families"]} >= {"formatting", "position"}


@pytest.mark.slow
def test_two_judges_sharing_a_folder_keep_their_own_draws(tmp_path: Path) -> None:
    from judgeprobe.harness.judges.registry import load_judge
    from judgeprobe.harness.store.frame import load_run

    common = ("--tag", "hle-seed", "--probes", "formatting", "--out", str(tmp_path), "--no-progress")
    assert invoke("run", "--judge", "builtin:reference", *common)[0] == 0
    first = load_run(tmp_path, judge_hash=load_judge("builtin:reference").config_hash)
    assert invoke("run", "--judge", "builtin:exact", *common)[0] == 0
    second = load_run(tmp_path, judge_hash=load_judge("builtin:exact").config_hash)
    both = load_run(tmp_path)
    assert len(first) == len(second) > 0
    assert len(both) == len(first) + len(second)
    again = load_run(tmp_path, judge_hash=load_judge("builtin:reference").config_hash)
    assert again["cache_key"].tolist() == first["cache_key"].tolist()  # nothing of the first judge was lost
    assert json.loads((tmp_path / "summary.json").read_text())["run"]["judge"] == "builtin:exact"
