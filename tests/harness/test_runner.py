"""The runner against in-process scripted judges: completeness, resume, dedupe, retries, limits, Ctrl-C."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import ErrorKind, Verdict
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.run.runner import (
    RunOptions,
    RunStats,
    plan_draws,
    request_cache_key,
    request_content_key,
    run,
    run_async,
)
from judgeprobe.harness.store import RunStore
from judgeprobe.probes.variant import Relation, Slot, Step, Variant

FAST = RunOptions(concurrency=4, backoff_base_s=0.0, backoff_max_s=0.0)


def variant(
    i: int, *, relation: Relation = Relation.BASE, mode: Mode = Mode.GRADE, text: str | None = None
) -> Variant:
    chain = () if relation is Relation.BASE else (Step.of("formatting.bold", n=i),)
    return Variant(
        case_id=f"case-{i}", unit_id="r", mode=mode, question=f"question {i}", reference="42",
        answer_kind="number", choices=None, slots=(Slot("r", text if text is not None else f"answer {i}"),),
        chain=chain, seed=0, relation=relation, label="correct",
    )  # fmt: skip


class Scripted(Judge):
    """Answers with ``script(request, call_number)``; counts calls and the peak number in flight."""

    def __init__(self, script: Callable[[JudgeRequest, int], Verdict] | None = None, *, delay: float = 0.0):
        self.name = "scripted"
        self.config_hash = "scripted-1"
        self.script = script or (lambda request, n: Verdict.judged("correct"))
        self.delay = delay
        self.calls = 0
        self.in_flight = 0
        self.peak = 0
        self.closed = 0

    async def judge(self, request: JudgeRequest) -> Verdict:
        self.calls += 1
        number = self.calls
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
            return self.script(request, number)
        finally:
            self.in_flight -= 1

    async def aclose(self) -> None:
        self.closed += 1


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RunStore]:
    with RunStore(tmp_path / "store.sqlite") as opened:
        yield opened


def counts_add_up(stats: RunStats) -> None:
    assert stats.done == stats.planned
    assert stats.done == stats.judged + stats.unscored + stats.errors + stats.skipped
    assert sum(stats.errors_by_kind.values()) == stats.errors


def test_plan_gives_base_variants_placebo_draws() -> None:
    base, invariant = variant(1), variant(2, relation=Relation.INVARIANT)
    plan = plan_draws([base, invariant], repeats=2)
    assert [(v.id, d, p) for v, d, p in plan] == [
        (base.id, 0, False), (base.id, 1, False), (base.id, 2, True), (base.id, 3, True),
        (invariant.id, 0, False), (invariant.id, 1, False),
    ]  # fmt: skip
    with pytest.raises(ConfigError, match="repeats"):
        plan_draws([base], repeats=0)


def test_fast_keys_equal_the_contract_keys() -> None:
    for draw in (0, 3):
        request = JudgeRequest.from_variant(variant(5, relation=Relation.INVARIANT, text="x ∈ ℤ"), draw=draw)
        assert request_content_key(request) == request.content_key()
        assert request_cache_key("h", request.content_key()) == request.cache_key("h")


def test_run_completes_writes_every_draw_and_a_rerun_makes_no_calls(store: RunStore) -> None:
    variants = [variant(i) for i in range(5)] + [
        variant(i, relation=Relation.INVARIANT) for i in range(5, 10)
    ]
    judge = Scripted(lambda request, n: Verdict.judged("correct") if n % 3 else Verdict.unscored("no field"))
    stats = run(judge, variants, store, options=RunOptions(repeats=2), show_progress=False)
    assert stats.planned == 5 * 4 + 5 * 2 == judge.calls == stats.new_calls
    counts_add_up(stats)
    assert stats.unscored == judge.calls // 3
    assert judge.closed == 1
    records = list(store.iter_records())
    assert len(records) == stats.planned
    assert sum(r.placebo for r in records) == 10
    assert all(r.draw >= 2 for r in records if r.placebo)
    assert store.get_meta("repeats") == 2

    again = Scripted()
    stats = run(again, variants, store, options=RunOptions(repeats=2), show_progress=False)
    assert again.calls == 0
    assert stats.cache_hits == stats.planned == stats.done
    counts_add_up(stats)


def test_identical_requests_are_sent_once(store: RunStore) -> None:
    # Two different probe chains that yield the same text make the same request.
    base = variant(1, relation=Relation.INVARIANT, text="same")
    twins = [replace(base, chain=(Step.of(name),), id="") for name in ("a", "b")]
    assert twins[0].id != twins[1].id
    judge = Scripted(delay=0.01)
    stats = run(judge, twins, store, options=FAST, show_progress=False)
    assert judge.calls == 1
    assert stats.deduplicated == 1 and stats.cache_hits == 1 and stats.judged == 2
    assert sorted(r.cached for r in store.iter_records()) == [False, True]


def test_a_draw_identical_to_an_earlier_finished_one_is_a_cache_hit(store: RunStore) -> None:
    first = variant(1, relation=Relation.INVARIANT, text="same")
    twin = replace(first, chain=(Step.of("z"),), id="")
    run(Scripted(), [first], store, options=FAST, show_progress=False)
    judge = Scripted()
    stats = run(judge, [first, twin], store, options=FAST, show_progress=False)
    assert judge.calls == 0 and stats.cache_hits == 2
    assert len(list(store.iter_records())) == 2


def test_errors_are_recorded_not_cached_and_retried_by_a_rerun(store: RunStore) -> None:
    variants = [variant(i, relation=Relation.INVARIANT) for i in range(4)]
    failing = Scripted(lambda request, n: Verdict.error(ErrorKind.CLIENT, "HTTP 401: bad key"))
    stats = run(failing, variants, store, options=FAST, show_progress=False)
    assert failing.calls == 4  # client errors are not retried
    assert stats.errors == 4 and stats.errors_by_kind == {"client": 4}
    counts_add_up(stats)
    assert store.counts()["error"] == 4
    healthy = Scripted()
    stats = run(healthy, variants, store, options=FAST, show_progress=False)
    assert healthy.calls == 4 and stats.judged == 4
    assert store.counts() == {"judged": 4, "unscored": 0, "error": 0, "skipped": 0}


def test_retryable_errors_are_retried_and_attempts_recorded(store: RunStore) -> None:
    def flaky(request: JudgeRequest, n: int) -> Verdict:
        return Verdict.error(ErrorKind.SERVER, "HTTP 500") if n <= 2 else Verdict.judged("correct")

    judge = Scripted(flaky)
    stats = run(judge, [variant(1, relation=Relation.INVARIANT)], store, options=FAST, show_progress=False)
    assert judge.calls == 3 and stats.attempts == 3 and stats.retries == 2 and stats.judged == 1
    assert [r.verdict.attempts for r in store.iter_records()] == [3]


def test_retries_give_up_after_max_retries(store: RunStore) -> None:
    judge = Scripted(lambda request, n: Verdict.error(ErrorKind.CONNECTION, "reset"))
    options = RunOptions(concurrency=1, max_retries=2, backoff_base_s=0.0, backoff_max_s=0.0)
    stats = run(judge, [variant(1, relation=Relation.INVARIANT)], store, options=options, show_progress=False)
    assert judge.calls == 3
    (record,) = store.iter_records()
    assert (record.verdict.status, record.verdict.error_kind, record.verdict.attempts) == (
        "error",
        "connection",
        3,
    )
    counts_add_up(stats)


def test_rate_limits_shrink_concurrency_and_honour_retry_after(store: RunStore) -> None:
    def limited(request: JudgeRequest, n: int) -> Verdict:
        if n <= 8:
            return Verdict.error(
                ErrorKind.RATE_LIMIT, "HTTP 429", meta={"retry_after": "0.01", "status": 429}
            )
        return Verdict.judged("correct")

    judge = Scripted(limited, delay=0.001)
    variants = [variant(i, relation=Relation.INVARIANT) for i in range(16)]
    options = RunOptions(concurrency=8, backoff_base_s=0.0, backoff_max_s=1.0, max_retries=6)
    stats = run(judge, variants, store, options=options, show_progress=False)
    assert stats.judged == 16 and stats.retries == 8
    assert stats.concurrency_cuts >= 1


def test_per_attempt_timeout(store: RunStore) -> None:
    judge = Scripted(delay=5.0)
    options = RunOptions(concurrency=2, timeout_s=0.05, max_retries=1, backoff_base_s=0.0)
    stats = run(judge, [variant(1, relation=Relation.INVARIANT)], store, options=options, show_progress=False)
    assert judge.calls == 2 and stats.errors_by_kind == {"timeout": 1}
    (record,) = store.iter_records()
    assert "no reply within 0.05 s" in (record.verdict.reason or "")


def test_a_crashing_judge_becomes_an_error_without_leaking_secrets(
    store: RunStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUDGEPROBE_TEST_API_KEY", "sk-very-secret-value-123")

    def crash(request: JudgeRequest, n: int) -> Verdict:
        raise RuntimeError("auth failed for key sk-very-secret-value-123")

    stats = run(
        Scripted(crash), [variant(1, relation=Relation.INVARIANT)], store, options=FAST, show_progress=False
    )
    assert stats.errors_by_kind == {"crash": 1}
    (record,) = store.iter_records()
    assert "RuntimeError" in (record.verdict.reason or "")
    assert "sk-very-secret" not in (record.verdict.reason or "")
    assert b"sk-very-secret" not in Path(store.path).read_bytes()


def test_unsupported_modes_are_skipped_without_a_call(store: RunStore) -> None:
    class GradeOnly(Scripted):
        def supports(self, mode: Mode) -> bool:
            return mode is Mode.GRADE

    judge = GradeOnly()
    variants = [
        variant(1, relation=Relation.INVARIANT),
        variant(2, relation=Relation.INVARIANT, mode=Mode.SCORE),
    ]
    stats = run(judge, variants, store, options=FAST, show_progress=False)
    assert judge.calls == 1 and stats.skipped == 1 and stats.judged == 1
    counts_add_up(stats)


def test_concurrency_is_bounded_by_the_option_and_the_judge(store: RunStore) -> None:
    variants = [variant(i, relation=Relation.INVARIANT) for i in range(40)]
    judge = Scripted(delay=0.005)
    run(judge, variants, store, options=RunOptions(concurrency=5), show_progress=False)
    assert judge.peak == 5
    capped = Scripted(delay=0.005)
    capped.config_hash = "capped"
    capped.max_concurrency = 2
    run(capped, variants, store, options=RunOptions(concurrency=5), show_progress=False)
    assert capped.peak == 2


def test_progress_sink_sees_the_run(store: RunStore) -> None:
    class Sink:
        def __init__(self) -> None:
            self.events: list[tuple[str, int]] = []

        def start(self, total: int) -> None:
            self.events.append(("start", total))

        def update(self, stats: RunStats) -> None:
            self.events.append(("update", stats.done))

        def finish(self, stats: RunStats) -> None:
            self.events.append(("finish", stats.done))

    sink = Sink()
    variants = [variant(i) for i in range(3)]
    asyncio.run(run_async(Scripted(), variants, store, options=FAST, progress=sink))
    assert sink.events[0] == ("start", 6)
    assert sink.events[-1] == ("finish", 6)


def test_ctrl_c_keeps_finished_draws_and_reports_interruption(store: RunStore) -> None:
    def interrupt_at_ten(request: JudgeRequest, n: int) -> Verdict:
        if n == 10:
            signal.raise_signal(signal.SIGINT)
        return Verdict.judged("correct")

    judge = Scripted(interrupt_at_ten, delay=0.002)
    variants = [variant(i, relation=Relation.INVARIANT) for i in range(200)]
    stats = run(judge, variants, store, options=RunOptions(concurrency=2), show_progress=False)
    assert stats.interrupted
    assert 0 < stats.done < 200
    assert judge.closed == 1
    assert store.counts()["judged"] == stats.judged == stats.done
    resumed = Scripted()
    stats = run(resumed, variants, store, options=RunOptions(concurrency=2), show_progress=False)
    assert not stats.interrupted and stats.done == 200
    assert resumed.calls == 200 - stats.cache_hits


def test_run_options_are_validated() -> None:
    with pytest.raises(ConfigError, match=r"concurrency=0 \(need >= 1\).*repeats=0"):
        RunOptions(concurrency=0, repeats=0)
    with pytest.raises(ConfigError, match="rpm=-1"):
        RunOptions(rpm=-1)


def test_rich_progress_shows_done_total_cache_hits_unscored_errors_and_rate(store: RunStore) -> None:
    import io

    from rich.console import Console

    from judgeprobe.harness.run.progress import RichProgress

    def mixed(request: JudgeRequest, n: int) -> Verdict:
        if n % 4 == 0:
            return Verdict.error(ErrorKind.CLIENT, "HTTP 400")
        return Verdict.unscored("no verdict") if n % 4 == 1 else Verdict.judged("correct")

    variants = [variant(i, relation=Relation.INVARIANT) for i in range(8)]
    run(Scripted(mixed), variants[:4], store, options=FAST, show_progress=False)
    buffer = io.StringIO()
    progress = RichProgress(console=Console(file=buffer, width=120, color_system=None, force_terminal=False))
    stats = asyncio.run(run_async(Scripted(mixed), variants, store, options=FAST, progress=progress))
    text = buffer.getvalue()
    assert "8/8" in text
    assert f"cache {stats.cache_hits}" in text and stats.cache_hits == 3  # the 4th draw errored: not cached
    assert f"unscored {stats.unscored}" in text and f"errors {stats.errors}" in text
    assert "draws/s" in text, text
