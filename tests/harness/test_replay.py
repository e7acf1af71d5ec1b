"""Replay: answers come from a recorded run, matched on request content (never body-blind), strict."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError, StoreError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Verdict
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.registry import load_judge
from judgeprobe.harness.run.runner import RunOptions, run
from judgeprobe.harness.store import RunStore, store_path
from judgeprobe.probes.variant import Relation, Slot, Variant


def variant(i: int, text: str) -> Variant:
    return Variant(
        case_id=f"case-{i}", unit_id="r", mode=Mode.GRADE, question="What is 6 x 7?", reference="42",
        answer_kind="number", choices=None, slots=(Slot("r", text),), chain=(), seed=0,
        relation=Relation.BASE, label="correct",
    )  # fmt: skip


class Recorder(Judge):
    """Says ``correct`` when the response contains 42; the draw index goes into the reasoning."""

    name = "recorder"
    config_hash = "rec-1"

    async def judge(self, request: JudgeRequest) -> Verdict:
        outcome = "correct" if "42" in request.responses[0] else "incorrect"
        return Verdict.judged(outcome, reasoning=f"draw {request.draw}", raw_reply=f"reply {request.draw}")


@pytest.fixture
def recorded(tmp_path: Path) -> tuple[Path, list[Variant]]:
    run_dir = tmp_path / "recorded"
    variants = [variant(1, "42"), variant(2, "forty-one"), variant(3, "The answer is 42.")]
    with RunStore(store_path(run_dir)) as store:
        run(Recorder(), variants, store, options=RunOptions(repeats=2), show_progress=False)
    return run_dir, variants


def test_replay_answers_every_recorded_request_with_its_own_answer(
    recorded: tuple[Path, list[Variant]], tmp_path: Path
) -> None:
    run_dir, variants = recorded
    judge = load_judge(f"replay:{run_dir}")
    with RunStore(tmp_path / "replayed" / "store.sqlite") as store:
        stats = run(judge, variants, store, options=RunOptions(repeats=2), show_progress=False)
        assert stats.judged == stats.planned == 12 and stats.errors == 0
        records = list(store.iter_records())
    outcome = {(r.case_id, r.draw): (r.verdict.outcome, r.verdict.raw_reply) for r in records}
    # Different requests get different answers (a body-blind replay would give the first for all) ...
    assert outcome[("case-1", 0)][0] == "correct" and outcome[("case-2", 0)][0] == "incorrect"
    # ... and each draw replays its own recording.
    assert {outcome[("case-3", d)][1] for d in range(4)} == {"reply 0", "reply 1", "reply 2", "reply 3"}
    assert all(r.judge_hash == judge.config_hash for r in records)


def test_strict_replay_errors_on_unrecorded_requests(recorded: tuple[Path, list[Variant]]) -> None:
    run_dir, _ = recorded
    judge = load_judge(f"replay:{run_dir}")
    request = JudgeRequest.from_variant(variant(9, "never seen"))
    verdict = asyncio.run(judge.judge(request))
    assert verdict.status == "error" and verdict.error_kind == "not_recorded"
    assert "strict replay" in (verdict.reason or "") and "strict=0" in (verdict.reason or "")
    # A recorded response with a different draw index is a different request too.
    unrecorded_draw = JudgeRequest.from_variant(variant(1, "42"), draw=7)
    assert asyncio.run(judge.judge(unrecorded_draw)).error_kind == "not_recorded"


def test_lenient_replay_leaves_unrecorded_requests_unscored(
    recorded: tuple[Path, list[Variant]], tmp_path: Path
) -> None:
    run_dir, _ = recorded
    request = JudgeRequest.from_variant(variant(9, "never seen"))
    lenient = load_judge(f"replay:{run_dir}?strict=0")
    assert asyncio.run(lenient.judge(request)).status == "unscored"
    toml = tmp_path / "judge.toml"
    toml.write_text(f'[judge]\nbackend = "replay"\ntarget = "{run_dir}"\nparams = {{strict = false}}\n')
    from_toml = load_judge(str(toml))
    assert asyncio.run(from_toml.judge(request)).status == "unscored"
    assert lenient.config_hash == from_toml.config_hash != load_judge(f"replay:{run_dir}").config_hash


def test_replay_can_be_restricted_to_one_judge(recorded: tuple[Path, list[Variant]]) -> None:
    run_dir, variants = recorded
    request = JudgeRequest.from_variant(variants[0])
    assert asyncio.run(load_judge(f"replay:{run_dir}?judge=rec-1").judge(request)).status == "judged"
    other = asyncio.run(load_judge(f"replay:{run_dir}?judge=someone-else").judge(request))
    assert other.error_kind == "not_recorded"


def test_replay_configuration_errors_name_the_problem(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no run store"):
        load_judge(f"replay:{tmp_path / 'missing'}")
    with pytest.raises(ConfigError, match="needs a run folder"):
        load_judge("replay:")
    RunStore(store_path(tmp_path)).close()
    with pytest.raises(ConfigError, match="unknown replay option"):
        load_judge(f"replay:{tmp_path}?strikt=0")
    with pytest.raises(ConfigError, match=r"strict=.maybe. is not a yes/no value"):
        load_judge(f"replay:{tmp_path}?strict=maybe")


def test_replay_reads_the_recording_without_changing_it(
    recorded: tuple[Path, list[Variant]], tmp_path: Path
) -> None:
    run_dir, variants = recorded
    store_file = store_path(run_dir)
    assert sorted(p.name for p in run_dir.iterdir()) == ["store.sqlite"]  # one self-contained file
    before = store_file.read_bytes()
    judge = load_judge(f"replay:{run_dir}")
    with RunStore(tmp_path / "replayed" / "store.sqlite") as store:
        stats = run(judge, variants, store, options=RunOptions(repeats=2), show_progress=False)
    assert stats.judged == 12
    assert store_file.read_bytes() == before
    assert sorted(p.name for p in run_dir.iterdir()) == ["store.sqlite"]
    with RunStore(store_file, read_only=True) as readonly, pytest.raises(StoreError, match="read-only"):
        readonly.set_meta("x", 1)
