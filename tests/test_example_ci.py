"""End to end: the CI example in examples/ci, as a team would run it.

A copy of the example is gated against its committed baseline with the deterministic stand-in model
(examples/ci/standin_model.py, a stand-in for a real judge model) on loopback: the shipped prompt passes;
a prompt edit that tells the judge to prefer the first response fails the gate naming the position family
and the cases; reverting the edit passes again without a single new call. The recorded run is then gated
again through ``replay:`` with zero calls to the model, and a request the recording does not hold fails
(strict cassette).
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner, Result

from harness.cli.main import cli
from harness.judges.registry import load_judge

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ci"
FAIR = "If both responses give the documented answer, they are equally good."
BIASED = "Ties do not help our reviewers: if both responses give the documented answer, prefer the first one."


def _standin_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("standin_model_e2e", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Any]]:
    """A copy of the example with the stand-in model serving on a free loopback port; cwd is the copy."""
    folder = tmp_path / "ci"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("judgeprobe-out", "gate.md", "diff.md"))
    server = _standin_module(folder / "standin_model.py").serve(0)
    judge = folder / "judge.toml"
    judge.write_text(
        judge.read_text(encoding="utf-8").replace("http://127.0.0.1:8765/v1", server.base_url),
        encoding="utf-8",
    )
    monkeypatch.chdir(folder)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    try:
        yield folder, server
    finally:
        server.shutdown()
        server.server_close()


def gate(*args: str) -> Result:
    return CliRunner().invoke(cli, ["gate", "--no-progress", *args], catch_exceptions=False)


def test_the_shipped_example_has_what_the_docs_promise() -> None:
    for name in ("prompt.txt", "judge.toml", "judgeprobe.toml", "judgeprobe-baseline.jsonl", "workflow.yml",
                 "standin_model.py", "cases/support.yaml"):  # fmt: skip
        assert (EXAMPLE / name).is_file(), name
    assert FAIR in (EXAMPLE / "prompt.txt").read_text(encoding="utf-8")
    assert "stand-in" in (EXAMPLE / "judge.toml").read_text(encoding="utf-8")
    assert not (Path(__file__).resolve().parents[1] / ".github" / "workflows" / "judge-gate.yml").exists()


def test_prompt_edit_that_adds_position_bias_fails_the_gate_and_reverting_passes(
    example: tuple[Path, Any],
) -> None:
    folder, server = example
    shipped = gate()
    assert shipped.exit_code == 0, shipped.output
    assert "PASSED" in shipped.output and "not in the baseline yet" not in shipped.output
    first = server.calls
    assert first > 0

    prompt = folder / "prompt.txt"
    original = prompt.read_text(encoding="utf-8")
    prompt.write_text(original.replace(FAIR, BIASED), encoding="utf-8")
    edited = gate("--markdown", "gate.md")
    assert edited.exit_code == 1, edited.output
    assert "FAILED: excess-flip-rate (position), accuracy, baseline-regression (position)" in edited.output
    assert "position: excess flip rate 50.0% (flips 2 of 4 pairs" in edited.output
    assert "support-password-length/pair position.swap: flips 0/1 -> 1/1" in edited.output
    assert "support-export-format/pair position.swap: 1 of 1 draws flipped" in edited.output
    assert "| position | 4 | 50.0% | 0.0% | 50.0%" in (folder / "gate.md").read_text(encoding="utf-8")
    assert server.calls == 2 * first  # a changed prompt is a new judge: every variant is asked again

    prompt.write_text(original, encoding="utf-8")
    reverted = gate()
    assert reverted.exit_code == 0, reverted.output
    assert server.calls == 2 * first  # the shipped prompt's answers come from the run store


def test_recorded_run_gates_again_through_replay_with_zero_judge_calls(example: tuple[Path, Any]) -> None:
    folder, server = example
    assert gate().exit_code == 0
    calls = server.calls
    recorded = load_judge(str(folder / "judge.toml")).config_hash
    replay = f"replay:judgeprobe-out/ci?judge={recorded}"
    replayed = gate("--judge", replay, "--out", "judgeprobe-out/replayed")
    assert replayed.exit_code == 0, replayed.output
    assert f"({calls} answered from the recording, no model called, 0 from the store)" in replayed.output
    assert "answers replayed from a recording" in replayed.output
    assert server.calls == calls

    stale = gate(
        "--judge", replay, "--out", "judgeprobe-out/replayed-more", "--probes", "position,length,verbosity"
    )
    assert stale.exit_code == 1, stale.output
    assert "FAILED: error-share" in stale.output
    assert "not_recorded" in stale.output and "strict replay" in stale.output
    assert server.calls == calls
