"""End to end: the CI example in examples/ci, as a team would run it.

A copy of the example is gated against its committed baseline with the deterministic stand-in judge
(examples/ci/standin_judge.py, a stand-in for a real judge model, run through the ``command`` backend and
reading the prompt judgeprobe renders from prompt.txt): the shipped prompt passes; a prompt edit that tells
the judge to prefer the first response fails the gate naming the position family and the cases; reverting
the edit passes again without a single new call. The recorded run is then gated again through ``replay:``
with zero judge calls, and a request the recording does not hold fails (strict cassette). The stand-in
counts its calls in the file named by ``STANDIN_JUDGE_CALLS``.
"""

from __future__ import annotations

import json
import shutil
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from judgeprobe.harness.cli.main import cli
from judgeprobe.harness.judges.registry import load_judge

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "ci"
FAIR = "If both responses give the documented answer, they are equally good."
BIASED = "Ties do not help our reviewers: if both responses give the documented answer, prefer the first one."

Calls = Callable[[], int]


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Calls]]:
    """A copy of the example (cwd is the copy) and a counter of the stand-in judge's calls."""
    folder = tmp_path / "ci"
    shutil.copytree(
        EXAMPLE, folder, ignore=shutil.ignore_patterns("judgeprobe-out", "gate.md", "diff.md", "__pycache__")
    )
    log = tmp_path / "calls.log"
    monkeypatch.setenv("STANDIN_JUDGE_CALLS", str(log))
    monkeypatch.chdir(folder)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)

    def calls() -> int:
        return len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0

    yield folder, calls


def gate(*args: str) -> Result:
    return CliRunner().invoke(cli, ["gate", "--no-progress", *args], catch_exceptions=False)


def test_the_shipped_example_has_what_the_docs_promise() -> None:
    for name in ("prompt.txt", "judge.toml", "judgeprobe.toml", "judgeprobe-baseline.jsonl", "workflow.yml",
                 "standin_judge.py", "cases/support.yaml"):  # fmt: skip
        assert (EXAMPLE / name).is_file(), name
    assert not (EXAMPLE / "standin_model.py").exists()
    assert FAIR in (EXAMPLE / "prompt.txt").read_text(encoding="utf-8")
    judge_toml = (EXAMPLE / "judge.toml").read_text(encoding="utf-8")
    assert "stand-in" in judge_toml
    assert tomllib.loads(judge_toml)["judge"] == {
        "backend": "command",
        "target": "python standin_judge.py",
        "template": "prompt.txt",
        "harden": True,  # prompt.txt relies on the <<<BEGIN …>>> delimiters
    }
    header = json.loads((EXAMPLE / "judgeprobe-baseline.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert header["judge_hash"] == load_judge(str(EXAMPLE / "judge.toml")).config_hash
    workflow = (EXAMPLE / "workflow.yml").read_text(encoding="utf-8")
    assert "standin_model" not in workflow and "8765" not in workflow
    assert not (ROOT / ".github" / "workflows" / "judge-gate.yml").exists()


@pytest.mark.slow
def test_prompt_edit_that_adds_position_bias_fails_the_gate_and_reverting_passes(
    example: tuple[Path, Calls],
) -> None:
    folder, calls = example
    shipped = gate()
    assert shipped.exit_code == 0, shipped.output
    assert "PASSED" in shipped.output and "not in the baseline yet" not in shipped.output
    assert "judge configuration changed since the baseline" not in shipped.output
    first = calls()
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
    junit = ET.parse(folder / "judgeprobe-out" / "ci" / "gate-junit.xml").getroot()
    failed = {(c.get("classname"), c.get("name")) for c in junit if c.find("failure") is not None}
    assert failed == {("judgeprobe.gate.excess-flip-rate", "position"), ("judgeprobe.gate", "accuracy"),
                      ("judgeprobe.gate.baseline-regression", "position")}  # fmt: skip
    assert junit.get("failures") == "3"  # the gate's junit agrees with its exit status
    assert calls() == 2 * first  # a changed prompt is a new judge: every variant is asked again

    prompt.write_text(original, encoding="utf-8")
    reverted = gate()
    assert reverted.exit_code == 0, reverted.output
    assert ET.parse(folder / "judgeprobe-out" / "ci" / "gate-junit.xml").getroot().get("failures") == "0"
    assert calls() == 2 * first  # the shipped prompt's answers come from the run store


@pytest.mark.slow
def test_from_another_folder_then_replayed_with_zero_judge_calls(example: tuple[Path, Calls]) -> None:
    folder, calls = example
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder.parent)  # as a workflow run from the repository root: standin_judge.py is still found
        from_root = gate("--config", "ci/judgeprobe.toml")
    assert from_root.exit_code == 0, from_root.output
    assert "judge configuration changed since the baseline" not in from_root.output
    recorded = calls()
    assert recorded > 0
    judge_hash = load_judge(str(folder / "judge.toml")).config_hash
    replay = f"replay:judgeprobe-out/ci?judge={judge_hash}"
    replayed = gate("--judge", replay, "--out", "judgeprobe-out/replayed")
    assert replayed.exit_code == 0, replayed.output
    assert f"({recorded} answered from the recording, no model called, 0 from the store)" in replayed.output
    assert "answers replayed from a recording" in replayed.output
    assert calls() == recorded

    stale = gate(
        "--judge", replay, "--out", "judgeprobe-out/replayed-more", "--probes", "position,length,verbosity"
    )
    assert stale.exit_code == 1, stale.output
    assert "FAILED: error-share" in stale.output
    assert "not_recorded" in stale.output and "strict replay" in stale.output
    assert calls() == recorded
