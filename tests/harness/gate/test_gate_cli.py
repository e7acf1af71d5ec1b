"""``judgeprobe gate`` as a user meets it: exit codes 0/1/2, the output, the baseline cycle, the summaries."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from judgeprobe.harness.cli.main import cli

HERE = Path(__file__).resolve().parent


def gate(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["gate", *map(str, args)], env=env, catch_exceptions=False)


@pytest.fixture
def selection(example_cases: Path, tmp_path: Path) -> list[str]:
    """Options selecting the example's cases and the position probes, with a run folder in tmp_path."""
    return ["--cases", str(example_cases), "--no-builtin-cases", "--probes", "position", "--no-progress",
            "--out", str(tmp_path / "run")]  # fmt: skip


def test_exit_0_when_every_rule_holds(selection: list[str]) -> None:
    result = gate("--judge", "python:gate_judges:fair", *selection)
    assert result.exit_code == 0, result.output
    assert "PASSED: every gate rule holds." in result.output
    assert "position" in result.output and "FAIL" not in result.output


def test_exit_1_names_the_rule_the_family_and_the_cases(selection: list[str]) -> None:
    result = gate("--judge", "python:gate_judges:first", *selection)
    assert result.exit_code == 1, result.output
    assert "FAILED: excess-flip-rate (position)" in result.output
    assert "[excess-flip-rate] position: excess flip rate 50.0%" in result.output
    assert "support-password-length/pair position.swap: 1 of 1 draws flipped" in result.output


def test_command_line_limits_override(selection: list[str]) -> None:
    assert gate("--judge", "python:gate_judges:first", *selection, "--max-flip-rate", "0.5").exit_code == 0
    result = gate("--judge", "python:gate_judges:first", *selection, "--max-flip-rate-for", "position=0.6")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--max-flip-rate", "2"], "Invalid value for '--max-flip-rate'"),
        (["--max-flip-rate-for", "position"], "expected FAMILY=RATE"),
        (["--case", "no-such-case"], "unknown case id(s): no-such-case"),
        (["--judge", "python:no_such_module:fn"], "cannot import module 'no_such_module'"),
        (["--update-baseline"], "--update-baseline needs a baseline file"),
    ],
)
def test_exit_2_on_usage_and_configuration_errors(
    selection: list[str], extra: list[str], message: str
) -> None:
    args = ["--judge", "python:gate_judges:fair", *selection, *extra]
    if "--judge" in extra:
        args = [*selection, *extra]
    result = gate(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_exit_2_on_a_bad_settings_file(tmp_path: Path, selection: list[str]) -> None:
    config = tmp_path / "judgeprobe.toml"
    config.write_text("[gate]\nmax_excess_flip_rate = 7\n", encoding="utf-8")
    result = gate("--config", config, "--judge", "python:gate_judges:fair", *selection)
    assert result.exit_code == 2
    assert "judgeprobe.toml: invalid settings: gate.max_excess_flip_rate" in result.output


@pytest.mark.slow
def test_baseline_snapshot_cycle(tmp_path: Path, selection: list[str]) -> None:
    baseline = tmp_path / "baseline.jsonl"
    fair = ["--judge", "python:gate_judges:fair", *selection, "--baseline", baseline]
    missing = gate(*fair)
    assert missing.exit_code == 1 and "[baseline-missing]" in missing.output
    written = gate(*fair, "--update-baseline")
    assert written.exit_code == 0, written.output
    assert "10 added, 0 changed, 0 removed, 0 kept" in written.output
    assert gate(*fair).exit_code == 0
    biased = [
        "--judge",
        "python:gate_judges:first",
        *selection,
        "--baseline",
        baseline,
        "--max-flip-rate",
        "1",
    ]
    regressed = gate(*biased)
    assert regressed.exit_code == 1
    assert "FAILED: baseline-regression (position)" in regressed.output
    assert "support-export-format/pair position.swap: flips 0/1 -> 1/1" in regressed.output


def test_markdown_file_and_github_step_summary(tmp_path: Path, selection: list[str]) -> None:
    summary = tmp_path / "step-summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    report = tmp_path / "out" / "gate.md"
    result = gate("--judge", "python:gate_judges:first", *selection, "--markdown", report,
                  env={"GITHUB_STEP_SUMMARY": str(summary)})  # fmt: skip
    assert result.exit_code == 1
    text = report.read_text(encoding="utf-8")
    assert text.startswith("## judgeprobe gate: ❌ failed")
    assert summary.read_text(encoding="utf-8") == "# earlier step\n" + text


@pytest.mark.slow
def test_gating_a_recorded_run_folder(tmp_path: Path, selection: list[str]) -> None:
    assert gate("--judge", "python:gate_judges:first", *selection).exit_code == 1
    result = gate("--run-dir", tmp_path / "run", "--no-progress")
    assert result.exit_code == 1
    assert "FAILED: excess-flip-rate (position)" in result.output
    assert gate("--run-dir", tmp_path / "run", "--max-flip-rate", "0.5").exit_code == 0


def test_settings_file_in_the_current_folder_drives_the_run(
    tmp_path: Path, example_cases: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.judgeprobe.run]\njudge = "python:gate_judges:first"\ncases = ["{example_cases}"]\n'
        'builtin_cases = false\nprobes = "position"\nout = "run"\n'
        "[tool.judgeprobe.gate.max_excess_flip_rate_by_family]\nposition = 0.5\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = gate("--no-progress")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "run" / "store.sqlite").is_file()


@pytest.mark.slow
def test_a_real_process_exits_1_on_a_failed_gate(tmp_path: Path, selection: list[str]) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    env.pop("GITHUB_STEP_SUMMARY", None)
    code = "from judgeprobe.harness.cli.main import main; main()"
    args = [sys.executable, "-c", code, "gate", "--judge", "python:gate_judges:first", *selection]
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAILED: excess-flip-rate (position)" in done.stdout
    bad = subprocess.run(
        [*args, "--max-errors", "-1"], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert bad.returncode == 2
    assert "--max-errors" in bad.stderr


def test_a_recorded_folder_is_gated_on_its_latest_run_or_the_run_named(
    tmp_path: Path, selection: list[str]
) -> None:
    assert gate("--judge", "python:gate_judges:first", *selection).exit_code == 1
    assert gate("--judge", "python:gate_judges:fair", *selection).exit_code == 0
    folder = tmp_path / "run"
    latest = gate("--run-dir", folder, "--no-progress")
    assert latest.exit_code == 0, latest.output  # the fair judge's run, not both judges' draws
    from judgeprobe.harness.store import RunStore, store_path

    with RunStore(store_path(folder)) as store:
        first = next(run for run in store.runs() if "first" in run.judge)
    named = gate("--run-dir", folder, "--run", first.key, "--no-progress")
    assert named.exit_code == 1 and "FAILED: excess-flip-rate (position)" in named.output
    assert gate("--run", first.key, *selection).exit_code == 2  # --run needs --run-dir
