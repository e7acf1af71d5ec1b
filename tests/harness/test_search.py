"""Minimal-flip search: finds a single-step flip, respects the budget, and the ``search`` command."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from judgeprobe.cases.models import GradeCase
from judgeprobe.harness.cli.main import cli
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Verdict
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.run.search import search_flip
from judgeprobe.probes.selector import select_probes
from judgeprobe.probes.variant import Relation

CASE = GradeCase(
    id="seven-eights",
    question="What is 7 × 8?",
    source="hand-written",
    reference="56",
    answer_kind="number",
    equivalents=("fifty-six",),
    non_equivalents=("54",),
    responses=(
        {"id": "right", "text": "56", "label": "correct", "why": "The product."},
        {"id": "wrong", "text": "54", "label": "incorrect", "why": "A slip."},
    ),
)


class Flippy(Judge):
    """Says correct unless the response is longer than ``words`` words or contains ``\\boxed``."""

    def __init__(self, words: int) -> None:
        self.words = words
        self.calls = 0
        self.closed = False

    async def judge(self, request: JudgeRequest) -> Verdict:
        self.calls += 1
        text = request.responses[0]
        if len(text.split()) > self.words or "\\boxed" in text:
            return Verdict.judged("incorrect")
        return Verdict.judged("correct")

    async def aclose(self) -> None:
        self.closed = True


class Steady(Judge):
    """Never changes its mind."""

    def __init__(self) -> None:
        self.calls = 0

    async def judge(self, request: JudgeRequest) -> Verdict:
        self.calls += 1
        return Verdict.judged("correct")


class Broken(Judge):
    """Raises on every call after the first."""

    def __init__(self) -> None:
        self.calls = 0

    async def judge(self, request: JudgeRequest) -> Verdict:
        self.calls += 1
        if self.calls > 1:
            raise RuntimeError("boom")
        return Verdict.judged("correct")


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_finds_a_single_step_flip(seed: int) -> None:
    judge = Flippy(words=40)
    result = search_flip(judge, CASE, budget=40, seed=seed)
    assert result.found and result.chain is not None and result.variant is not None
    assert len(result.chain) == 1
    assert result.chain.relation is Relation.INVARIANT
    assert result.base_verdict.outcome == "correct" and result.verdict is not None
    assert result.verdict.outcome == "incorrect"
    text = result.variant.slots[0].text
    assert "\\boxed" in text or len(text.split()) > 40
    assert result.calls == judge.calls <= 40
    assert judge.closed


def test_search_is_deterministic() -> None:
    first = search_flip(Flippy(words=40), CASE, budget=30, seed=5)
    second = search_flip(Flippy(words=40), CASE, budget=30, seed=5)
    assert first.chain == second.chain and first.calls == second.calls


@pytest.mark.slow
@pytest.mark.parametrize("budget", [2, 7, 25])
def test_budget_is_respected(budget: int) -> None:
    judge = Steady()
    result = search_flip(judge, CASE, unit="wrong", budget=budget, seed=0)
    assert not result.found
    assert judge.calls == result.calls <= budget
    assert "no flip" in result.note


def test_probe_selection_limits_the_search() -> None:
    result = search_flip(Flippy(words=40), CASE, budget=40, probes=select_probes("length"))
    assert result.chain is not None
    assert all(step.probe.startswith("length.") for step in result.chain.steps)


def test_a_crashing_judge_does_not_crash_the_search() -> None:
    result = search_flip(Broken(), CASE, budget=5)
    assert not result.found and result.calls == 5


def test_bad_unit_and_budget() -> None:
    with pytest.raises(ConfigError, match="no unit 'nope'; its units are right, wrong"):
        search_flip(Steady(), CASE, unit="nope")
    with pytest.raises(ConfigError, match="budget"):
        search_flip(Steady(), CASE, budget=1)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"COLUMNS": "200"})


def test_search_command_prints_chain_text_and_verdicts(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "one.yaml").write_text(
        "cases:\n"
        "  - id: search-cli-case\n"
        "    question: What is 7 x 8?\n"
        "    reference: '56'\n"
        "    answer_kind: number\n"
        "    non_equivalents: ['54']\n"
        "    source: hand-written\n"
        "    responses:\n"
        "      - {id: right, text: '56', label: correct, why: The product.}\n",
        encoding="utf-8",
    )
    result = invoke("search", "--case", "search-cli-case", "--cases", str(folder), "--budget", "30")
    assert result.exit_code == 0, result.output
    assert "base verdict: correct" in result.output
    assert re.search(r"judge calls: \d+ of 30 budget", result.output)


def test_search_command_unknown_case_is_a_usage_error() -> None:
    result = invoke("search", "--case", "hle-z5-direct-sums")
    assert result.exit_code == 2
    assert "unknown case id 'hle-z5-direct-sums'" in result.output


@pytest.mark.slow
def test_search_command_as_a_process() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "judgeprobe.harness.cli", "search", "--case", "no-such-case"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "unknown case id" in done.stderr
