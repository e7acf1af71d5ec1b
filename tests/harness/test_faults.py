"""The fault matrix: against a real HTTP server that misbehaves, every run completes and every draw ends
judged, unscored (with a reason) or errored (with a kind); counts add up and nothing is lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from fakeserver import FakeOpenAIServer, Faults

from judgeprobe.cases.models import Mode
from judgeprobe.harness.judges.registry import load_judge
from judgeprobe.harness.run.runner import RunOptions, RunStats, run
from judgeprobe.harness.store import RunStore
from judgeprobe.probes.variant import Relation, Slot, Variant

DRAWS = 24
# Faults hit every Nth call of the server, whichever draw makes it, so one draw can be hit several times
# in a row; ten retries make running out of them vanishingly unlikely ((1/3)**10 per draw).
OPTIONS = RunOptions(concurrency=4, timeout_s=1.0, max_retries=10, backoff_base_s=0.01, backoff_max_s=0.05)


def _variants() -> list[Variant]:
    return [
        Variant(
            case_id=f"case-{i}",
            unit_id="r",
            mode=Mode.GRADE,
            question=f"What is {i} + {i}?",
            reference=str(2 * i),
            answer_kind="number",
            choices=None,
            slots=(Slot("r", str(2 * i) if i % 2 else str(2 * i + 1)),),
            chain=(),
            seed=0,
            relation=Relation.INVARIANT,
            label="correct" if i % 2 else "incorrect",
        )
        for i in range(DRAWS)
    ]


def _run(tmp_path: Path, faults: Faults, options: RunOptions = OPTIONS) -> tuple[RunStats, RunStore, int]:
    with FakeOpenAIServer(faults=faults) as server:
        store = RunStore(tmp_path / "out" / "store.sqlite")
        stats = run(
            load_judge(f"openai:fake@{server.base_url}"),
            _variants(),
            store,
            options=options,
            show_progress=False,
        )
        calls = server.calls
    _check_complete(stats, store)
    return stats, store, calls


def _check_complete(stats: RunStats, store: RunStore, judge_hash: str | None = None) -> None:
    assert not stats.interrupted
    assert stats.done == stats.planned == DRAWS
    assert stats.judged + stats.unscored + stats.errors + stats.skipped == DRAWS
    records = list(store.iter_records(judge_hash=judge_hash))
    assert len(records) == DRAWS and len({r.variant_id for r in records}) == DRAWS
    counts = store.counts(judge_hash=judge_hash)
    assert (counts["judged"], counts["unscored"], counts["error"]) == (
        stats.judged,
        stats.unscored,
        stats.errors,
    )
    for record in records:
        if record.verdict.status == "judged":
            assert record.verdict.outcome in ("correct", "incorrect")
        elif record.verdict.status == "unscored":
            assert record.verdict.reason and record.verdict.raw_reply is not None
        else:
            assert record.verdict.status == "error" and record.verdict.error_kind and record.verdict.reason


HTTP_DATE = format_datetime(datetime.now(UTC) + timedelta(seconds=1), usegmt=True)

RECOVERABLE = {
    "latency": Faults(latency_s=0.02),
    "429-retry-after-seconds": Faults(rate_limit_every=3, retry_after="0.02"),
    "429-retry-after-http-date": Faults(rate_limit_every=3, retry_after=HTTP_DATE),
    "500": Faults(error_500_every=3),
    "connection-reset": Faults(reset_every=3),
    "timeout": Faults(timeout_every=5, hang_s=3.0),
    "malformed-json": Faults(malformed_json_every=3),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(RECOVERABLE))
def test_transient_faults_are_retried_until_every_draw_is_judged(tmp_path: Path, name: str) -> None:
    stats, store, calls = _run(tmp_path, RECOVERABLE[name])
    assert stats.judged == DRAWS
    assert stats.attempts == DRAWS + stats.retries
    if name == "connection-reset":  # the HTTP layer may resend once on a fresh connection by itself
        assert calls >= stats.attempts
    else:
        assert calls == stats.attempts
    if name != "latency":
        assert stats.retries > 0 or calls > stats.attempts  # the fault was met and recovered from
    if name.startswith("429"):
        assert stats.concurrency_cuts >= 1
    outcomes = {r.case_id: r.verdict.outcome for r in store.iter_records()}
    assert outcomes["case-1"] == "correct" and outcomes["case-2"] == "incorrect"
    store.close()


def test_truncated_replies_are_unscored_with_a_reason_and_not_retried(tmp_path: Path) -> None:
    stats, store, calls = _run(tmp_path, Faults(truncated_every=3))
    assert stats.unscored == DRAWS // 3 and stats.judged == DRAWS - DRAWS // 3
    assert calls == DRAWS and stats.retries == 0
    store.close()


def test_empty_replies_are_retried_a_bounded_number_of_times(tmp_path: Path) -> None:
    stats, store, calls = _run(tmp_path, Faults(empty_content_every=3))
    assert stats.retries > 0 and calls == stats.attempts <= 3 * DRAWS
    assert stats.judged + stats.unscored == DRAWS
    assert stats.judged > DRAWS - DRAWS // 3  # some draws whose first reply was empty were judged on a retry
    for record in store.iter_records():
        assert (
            record.verdict.status == "judged" or record.verdict.reason == "empty reply (empty on 3 attempts)"
        )
    store.close()


@pytest.mark.parametrize(
    ("faults", "kind"),
    [(Faults(error_500_every=1), "server"), (Faults(rate_limit_every=1, retry_after="0"), "rate_limit")],
    ids=["500-always", "429-always"],
)
def test_persistent_faults_end_as_errors_with_their_kind(tmp_path: Path, faults: Faults, kind: str) -> None:
    options = RunOptions(concurrency=4, max_retries=2, backoff_base_s=0.0, backoff_max_s=0.0)
    stats, store, calls = _run(tmp_path, faults, options)
    assert stats.errors == DRAWS and stats.errors_by_kind == {kind: DRAWS}
    assert calls == DRAWS * 3
    assert {r.verdict.attempts for r in store.iter_records()} == {3}
    store.close()
    # Errors are not cached: a rerun against a healthy server asks again and finishes.
    with FakeOpenAIServer() as server, RunStore(tmp_path / "out" / "store.sqlite") as again:
        healthy = load_judge(f"openai:fake@{server.base_url}")
        stats = run(healthy, _variants(), again, options=options, show_progress=False)
        assert server.calls == DRAWS and stats.judged == DRAWS
        _check_complete(stats, again, judge_hash=healthy.config_hash)


def test_the_api_key_appears_nowhere_in_the_output_folder_or_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    secret = "sk-judgeprobe-test-0123456789abcdef"
    monkeypatch.setenv("JUDGEPROBE_FAKE_API_KEY", secret)
    faults = Faults(status_sequence=[401, 401, 200, 500, "reset"])
    with FakeOpenAIServer(faults=faults) as server:
        config = tmp_path / "judge.toml"
        config.write_text(
            f'[judge]\nbackend = "openai"\nmodel = "fake"\nbase_url = "{server.base_url}"\n'
            'api_key_env = "JUDGEPROBE_FAKE_API_KEY"\n'
        )
        out = tmp_path / "out"
        with RunStore(out / "store.sqlite") as store:
            stats = run(load_judge(str(config)), _variants(), store, options=OPTIONS, show_progress=True)
            _check_complete(stats, store)
            assert stats.errors_by_kind == {"client": 2}
            reasons = " ".join(r.verdict.reason or "" for r in store.iter_records())
            assert "401" in reasons and secret not in reasons
        assert server.calls >= DRAWS
    for path in out.rglob("*"):
        assert secret.encode() not in path.read_bytes(), path
    captured = capfd.readouterr()
    assert secret not in captured.out + captured.err
