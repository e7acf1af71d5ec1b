"""One settings file for every command: ``judgeprobe run`` reads ``judgeprobe.toml`` or ``[tool.judgeprobe]``
from the current folder (or ``--config``) as ``gate`` does, and options override it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from judgeprobe.harness.cli.main import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ci"


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["run", *args], catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "ci"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("judgeprobe-out", "__pycache__"))
    monkeypatch.chdir(folder)
    return folder


def test_in_the_ci_example_run_plans_the_examples_cases_not_the_shipped_library(example: Path) -> None:
    code, text = run_cli("--dry-run")
    assert code == 0, text
    assert "settings: judgeprobe.toml\n" in text  # named on stderr, relative to the current folder
    assert "4 cases, 14 probes, 36 variants, 40 draws (repeats 1)" in text
    assert "Variants by family (4 cases, seed 0)" in text
    families = {line.split("│")[1].strip() for line in text.splitlines() if line.startswith("│")}
    assert families == {"base", "length", "position", "all"}

    code, text = run_cli("--plan-only")  # run.out and run.judge come from the settings too
    assert code == 0, text
    assert (example / "judgeprobe-out" / "ci" / "store.sqlite").is_file()
    assert "--judge " + str(example / "judge.toml") in text


def test_options_override_the_settings_file(example: Path) -> None:
    code, text = run_cli("--dry-run", "--probes", "position", "--repeats", "3")
    assert code == 0, text
    assert "4 cases, 8 probes, 10 variants, 42 draws (repeats 3)" in text


def test_tool_judgeprobe_in_pyproject_is_read_from_a_parent_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "team-judge"\n\n[tool.judgeprobe.run]\ncase_ids = ["hle-tc0-notation"]\n'
        'probes = "none"\n',
        encoding="utf-8",
    )
    below = tmp_path / "src" / "deep"
    below.mkdir(parents=True)
    monkeypatch.chdir(below)
    code, text = run_cli("--dry-run")
    assert code == 0, text
    assert "1 cases, 0 probes" in text
    code, text = run_cli("--dry-run", "--case", "hle-mc-letter-text", "--case", "hle-tc0-notation")
    assert code == 0 and "2 cases, 0 probes" in text


def test_a_bad_settings_file_is_a_usage_error_naming_file_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "judgeprobe.toml").write_text("[run]\nrepeats = 0\n[reliability]\nmin_accuracy = 2\n")
    monkeypatch.chdir(tmp_path)
    code, text = run_cli("--dry-run")
    assert code == 2, text
    assert "judgeprobe.toml: invalid settings:" in text
    assert "run.repeats" in text and "reliability.min_accuracy" in text
