"""Smaller guards of a run (issue 10, finding 5): the run folder is locked before the first call, empty
replies are retried a bounded number of times, replay counts only what the recording answered, and Windows
paths in command specs are kept or refused with the fix."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from judgeprobe.cases.models import Mode
from judgeprobe.harness.cli.main import cli
from judgeprobe.harness.core.errors import StoreError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Status, Verdict
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.command import split_command
from judgeprobe.harness.run.retry import RetryPolicy
from judgeprobe.harness.run.runner import RunOptions, run_async
from judgeprobe.harness.store import RunStore, store_path
from judgeprobe.probes.variant import Relation, Slot, Variant


def _variants(n: int) -> list[Variant]:
    return [
        Variant(
            case_id=f"c{i}",
            unit_id="r",
            mode=Mode.GRADE,
            question="q",
            reference="1",
            answer_kind="number",
            choices=None,
            slots=(Slot("r", "Answer: 1"),),
            chain=(),
            seed=0,
            relation=Relation.INVARIANT,
            label="correct",
        )
        for i in range(n)
    ]


class Scripted(Judge):
    """Replies from a script, one entry per call (the last one repeats); counts its calls."""

    def __init__(self, *replies: str) -> None:
        self.replies = list(replies)
        self.calls = 0
        self.name = "scripted"
        self.config_hash = "scripted"

    async def judge(self, request: JudgeRequest) -> Verdict:
        reply = self.replies[min(self.calls, len(self.replies) - 1)]
        self.calls += 1
        if not reply.strip():
            return Verdict.unscored("empty reply", raw_reply=reply)
        return Verdict.judged(reply, raw_reply=reply)


def _options() -> RunOptions:
    return RunOptions(concurrency=4, backoff_base_s=0.0, backoff_max_s=0.0)


def test_a_second_run_on_a_locked_folder_is_refused_before_any_call(tmp_path: Path) -> None:
    with RunStore(store_path(tmp_path)) as first:
        first.claim()  # a run in progress
        judge = Scripted("correct")
        with RunStore(store_path(tmp_path)) as second, pytest.raises(StoreError, match="another judgeprobe"):
            asyncio.run(run_async(judge, _variants(20), second, options=_options()))
        assert judge.calls == 0


def test_empty_replies_are_retried_then_judged(tmp_path: Path) -> None:
    judge = Scripted("", "  \n", "correct")
    with RunStore(store_path(tmp_path)) as store:
        stats = asyncio.run(run_async(judge, _variants(1), store, options=_options()))
        (record,) = list(store.iter_records())
    assert stats.judged == 1 and stats.retries == 2
    assert record.verdict.status == "judged" and record.verdict.outcome == "correct"


def test_a_reply_that_stays_empty_is_unscored_with_the_attempts_it_took(tmp_path: Path) -> None:
    judge = Scripted("")
    with RunStore(store_path(tmp_path)) as store:
        stats = asyncio.run(run_async(judge, _variants(1), store, options=_options()))
        (record,) = list(store.iter_records())
    assert judge.calls == 1 + RetryPolicy().empty_retries
    assert stats.unscored == 1
    assert record.verdict.reason == f"empty reply (empty on {judge.calls} attempts)"


def test_only_empty_replies_are_retried() -> None:
    policy = RetryPolicy(max_retries=4)
    assert policy.should_retry(Verdict.unscored("empty reply", raw_reply=""), attempt=1)
    assert not policy.should_retry(Verdict.unscored("empty reply", raw_reply=""), attempt=3)
    assert not policy.should_retry(Verdict.unscored("no verdict", raw_reply="maybe"), attempt=1)
    assert not policy.should_retry(Verdict.unscored("needs a reference"), attempt=1)  # no reply at all
    assert not RetryPolicy(max_retries=0).should_retry(Verdict.unscored("e", raw_reply=""), attempt=1)
    assert policy.settle(Verdict.unscored("e", raw_reply=""), attempt=3).status == Status.UNSCORED


@pytest.mark.slow
def test_replay_counts_what_the_recording_answered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    common = ("--case", "hle-tc0-notation", "--no-progress")
    recorded = runner.invoke(cli, ["run", *common, "--probes", "formatting", "--out", "rec"])
    assert recorded.exit_code == 0, recorded.output
    gated = runner.invoke(
        cli, ["gate", *common, "--judge", "replay:rec", "--probes", "formatting,position", "--out", "rep",
              "--no-baseline"],
    )  # fmt: skip
    text = " ".join(gated.output.split())
    found = re.search(r"\((\d+) answered from the recording, (\d+) not recorded, no model called", text)
    assert found is not None, gated.output
    missing = re.search(r"(\d+) × not_recorded", text)
    assert missing is not None and int(missing.group(1)) == int(found.group(2)) > 0
    draws = re.search(r"(\d+) draws of \d+ variants", text)
    assert draws is not None and int(found.group(1)) + int(found.group(2)) == int(draws.group(1))


def test_windows_paths_keep_their_backslashes_on_windows() -> None:
    assert split_command(r'C:\tools\judge.exe --name "a b"', windows=True) == [
        r"C:\tools\judge.exe",
        "--name",
        "a b",
    ]
    assert split_command(r"python 'C:\tools\judge.py'", windows=False) == ["python", r"C:\tools\judge.py"]
    with pytest.raises(Exception, match="Windows path"):
        split_command(r"C:\tools\judge.exe", windows=False)
