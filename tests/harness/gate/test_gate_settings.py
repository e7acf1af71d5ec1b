"""Gate settings: defaults, judgeprobe.toml and [tool.judgeprobe], relative paths, validation errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.gate.settings import (
    GateSettings,
    ProjectSettings,
    find_settings_file,
    load_settings,
    with_overrides,
)


def test_defaults_without_a_file(tmp_path: Path) -> None:
    settings = load_settings(start=tmp_path / "nowhere")
    assert settings == ProjectSettings()
    assert settings.gate.max_excess_flip_rate == 0.05
    assert settings.gate.max_error_share == 0.0


def test_judgeprobe_toml_with_relative_paths_and_family_limits(tmp_path: Path) -> None:
    (tmp_path / "judgeprobe.toml").write_text(
        '[run]\njudge = "judge.toml"\ncases = ["cases"]\nbaseline = "base.jsonl"\nprobes = "position"\n'
        "[gate]\nmax_excess_flip_rate = 0.1\nmin_accuracy = 0.8\n"
        "[gate.max_excess_flip_rate_by_family]\nlength = 0.2\n",
        encoding="utf-8",
    )
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    settings = load_settings(start=sub)
    assert settings.source == tmp_path / "judgeprobe.toml"
    assert settings.run.judge == str(tmp_path / "judge.toml")
    assert settings.run.cases == (tmp_path / "cases",)
    assert settings.run.baseline == tmp_path / "base.jsonl"
    assert settings.gate.flip_limit("length") == 0.2
    assert settings.gate.flip_limit("position") == 0.1
    assert settings.gate.min_accuracy == 0.8


def test_the_search_stops_at_the_project_root(tmp_path: Path) -> None:
    (tmp_path / "judgeprobe.toml").write_text("[gate]\nmin_accuracy = 0.9\n", encoding="utf-8")
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert find_settings_file(project / "src") is None
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    assert find_settings_file(repo) is None
    assert find_settings_file(tmp_path / "elsewhere") == tmp_path / "judgeprobe.toml"


def test_pyproject_tool_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.judgeprobe.gate]\nmax_control_miss_rate = 0.5\n', encoding="utf-8"
    )
    assert find_settings_file(tmp_path) == tmp_path / "pyproject.toml"
    assert load_settings(start=tmp_path).gate.max_control_miss_rate == 0.5


def test_pyproject_without_the_table_is_skipped_by_the_search(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert find_settings_file(tmp_path) is None
    with pytest.raises(ConfigError, match=r"no \[tool.judgeprobe\] table"):
        load_settings(tmp_path / "pyproject.toml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[gate]\nmax_excess_flip_rate = 1.5\n",
            r"judgeprobe.toml: invalid settings: gate.max_excess_flip_rate: .*1.5",
        ),
        ("[gate]\nmax_flip = 0.1\n", r"gate.max_flip: unknown key"),
        (
            "[gate.max_excess_flip_rate_by_family]\nposition = -1\n",
            r"gate.max_excess_flip_rate_by_family.position",
        ),
        ("[run]\nrepeats = 0\n", r"run.repeats: .*greater than or equal to 1"),
        ("[gate]\nmin_accuracy = 'high'\n", r"gate.min_accuracy"),
        ("[gate\n", r"judgeprobe.toml: invalid TOML"),
    ],
)
def test_errors_name_the_file_and_the_key(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "judgeprobe.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=expected):
        load_settings(start=tmp_path)


def test_pyproject_errors_name_the_tool_key(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.judgeprobe.gate]\nnoise_tolerance = 2\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"pyproject.toml: .*tool.judgeprobe.gate.noise_tolerance"):
        load_settings(start=tmp_path)


def test_overrides_win_and_are_validated() -> None:
    base = ProjectSettings(gate=GateSettings(max_excess_flip_rate_by_family={"length": 0.2}))
    merged = with_overrides(
        base,
        run={"probes": "position", "repeats": None},
        gate={"max_excess_flip_rate": 0.01, "max_excess_flip_rate_by_family": {"position": 0.0}},
    )
    assert merged.run.probes == "position" and merged.run.repeats == 1
    assert merged.gate.flip_limit("position") == 0.0
    assert merged.gate.flip_limit("length") == 0.2
    assert merged.gate.flip_limit("other") == 0.01
    with pytest.raises(ConfigError, match="invalid command-line setting: min_accuracy"):
        with_overrides(base, gate={"min_accuracy": 3})


def test_missing_named_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "judgeprobe.toml")
