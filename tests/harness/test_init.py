"""``judgeprobe init``: a judge file, settings, one regression case, a baseline and a CI workflow, which pass
their own gate at once; the workflow installs judgeprobe from its repository (it is not on PyPI)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from judgeprobe.harness.cli.main import cli


def bare_installs(text: str) -> list[str]:
    """Lines that ``pip install judgeprobe`` by name, from an index where no such package exists (installing
    ``"judgeprobe @ URL"`` from its repository is what works)."""
    return [
        line
        for line in text.splitlines()
        if re.search(r"pip install\b", line) and "judgeprobe" in line and "judgeprobe @ " not in line
    ]


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.mark.slow
def test_init_scaffolds_files_that_pass_their_own_gate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    monkeypatch.chdir(repo)
    code, text = invoke(
        "init", "team-judge", "--install-from", "git+https://example.org/me/judgeprobe@v0.1.0"
    )
    assert code == 0, text
    folder = repo / "team-judge"
    for name in ("judge.toml", "judgeprobe.toml", "cases/regressions.yaml", "judgeprobe-baseline.jsonl"):
        assert (folder / name).is_file(), name
    assert "judgeprobe-out/" in (folder / ".gitignore").read_text(encoding="utf-8")

    workflow_text = (repo / ".github" / "workflows" / "judgeprobe.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(workflow_text)
    job = workflow["jobs"]["gate"]
    assert job["defaults"]["run"]["working-directory"] == "team-judge"
    assert workflow["env"]["JUDGEPROBE_SOURCE"] == "git+https://example.org/me/judgeprobe@v0.1.0"
    install = next(step["run"] for step in job["steps"] if step.get("name") == "Install judgeprobe")
    assert 'pip install "judgeprobe @ $JUDGEPROBE_SOURCE"' in install
    assert bare_installs(workflow_text) == []
    assert any(step.get("run", "").startswith("judgeprobe gate") for step in job["steps"])

    monkeypatch.chdir(folder)
    code, text = invoke("cases", "lint", "--cases", "cases", "--no-builtin")
    assert code == 0 and "lint passed" in text
    code, text = invoke("gate", "--no-progress")
    assert code == 0, text
    assert "PASSED" in text and "not in the baseline yet" not in text
    code, text = invoke("run", "--no-progress")  # the same settings: the scaffold's judge and cases
    assert code == 0, text
    assert "Judge: RELIABLE" in text and "1 cases" in text

    monkeypatch.chdir(repo)
    code, text = invoke("init", "team-judge")
    assert code == 2 and "already exist" in text and "--force" in text


def test_without_a_source_the_workflow_has_a_placeholder_it_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, text = invoke("init", "--no-baseline")
    assert code == 0, text
    assert "Set JUDGEPROBE_SOURCE" in text and "not on PyPI" in text
    workflow_text = (tmp_path / ".github" / "workflows" / "judgeprobe.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(workflow_text)
    assert workflow["jobs"]["gate"]["defaults"]["run"]["working-directory"] == "."
    install = next(
        s["run"] for s in workflow["jobs"]["gate"]["steps"] if s.get("name") == "Install judgeprobe"
    )
    assert "::error::" in install and workflow["env"]["JUDGEPROBE_SOURCE"] in install
    assert not (tmp_path / "judgeprobe-baseline.jsonl").exists()
    code, text = invoke("init", "--install-from", "judgeprobe", "--force")
    assert code == 2 and "git+https://" in text


def test_the_ci_example_workflow_installs_from_the_repository_too() -> None:
    text = (Path(__file__).resolve().parents[2] / "examples" / "ci" / "workflow.yml").read_text(
        encoding="utf-8"
    )
    assert bare_installs(text) == []
    assert "judgeprobe @ " in text
