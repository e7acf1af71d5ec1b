"""``judgeprobe judges list`` and ``judges show``, run as a user runs them (a subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, extra_path: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    if extra_path is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(extra_path), env.get("PYTHONPATH", "")])
    code = "from judgeprobe.harness.cli.main import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )


def _plugin(tmp_path: Path) -> Path:
    """A third-party backend installed through the ``judgeprobe.judges`` entry-point group."""
    (tmp_path / "jp_plugin_judge.py").write_text(
        textwrap.dedent(
            """
            from judgeprobe.harness.judges.registry import register_backend
            from judgeprobe.harness.judges.mock import MockJudge

            @register_backend("always", description="plugin judge that always agrees", origin="jp-plugin 0.1")
            def factory(config):
                return MockJudge(config.model_copy(update={"target": "yes"}))
            """
        ),
        encoding="utf-8",
    )
    dist = tmp_path / "jp_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: jp-plugin\nVersion: 0.1\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text(
        "[judgeprobe.judges]\nalways = jp_plugin_judge\n", encoding="utf-8"
    )
    return tmp_path


@pytest.mark.slow
def test_list_shows_every_shipped_backend_and_plugins(tmp_path: Path) -> None:
    result = _cli("judges", "list", extra_path=_plugin(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for name in ("openai", "anthropic", "command", "python", "mock"):
        row = next(line for line in lines if line.strip("│┃ ").startswith(name + " "))
        assert "shipped" in row
    plugin = next(line for line in lines if "always" in line)
    assert "plugin judge that always agrees" in plugin and "jp-plugin 0.1" in plugin


@pytest.mark.slow
def test_show_prints_the_resolved_configuration_and_hash(tmp_path: Path) -> None:
    result = _cli("judges", "show", "openai:gpt-4o-mini@http://127.0.0.1:9/v1")
    assert result.returncode == 0, result.stderr
    assert "openai:gpt-4o-mini@http://127.0.0.1:9/v1" in result.stdout
    assert "hash" in result.stdout and "template_text" not in result.stdout
    toml = tmp_path / "judge.toml"
    toml.write_text('[judge]\nbackend = "mock"\ntarget = "fair"\n', encoding="utf-8")
    shown = _cli("judges", "show", str(toml)).stdout
    assert "mock:fair" in shown
    assert "template grade: grade (mustache syntax, user, hardened)" in shown
    (tmp_path / "p.txt").write_text("{question}\n{answer}\n{target}", encoding="utf-8")
    toml.write_text('[judge]\nbackend = "mock"\ntarget = "fair"\ntemplate = "p.txt"\nmode = "grade"\n')
    assert (
        f"template grade: {tmp_path / 'p.txt'} (format syntax, user, verbatim)"
        in _cli("judges", "show", str(toml)).stdout
    )


@pytest.mark.slow
def test_show_reports_bad_specs_with_exit_code_2() -> None:
    result = _cli("judges", "show", "command:definitely-not-a-program-jp")
    assert result.returncode == 2
    assert "'definitely-not-a-program-jp' was not found" in result.stderr
    unknown = _cli("judges", "show", "nosuch:thing")
    assert unknown.returncode == 2 and "unknown judge backend 'nosuch'" in unknown.stderr
