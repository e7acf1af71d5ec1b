"""Token usage and cost: cached tokens read from real replies on loopback, the price table in the judge file
(never part of the judge's identity), cost in the runner's statistics and progress line, the cost budget,
the tokens-per-minute limit (fake clock), and stores of version 2 gaining the new columns."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakeserver import FakeOpenAIServer, Faults

from judgeprobe.cases.models import Mode
from judgeprobe.harness.cli.main import cli
from judgeprobe.harness.core.cost import Price, TokenCounts
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Verdict
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.registry import load_config, load_judge
from judgeprobe.harness.run.options import RunOptions, RunStats
from judgeprobe.harness.run.progress import describe
from judgeprobe.harness.run.ratelimit import TokenRateLimiter, request_size
from judgeprobe.harness.run.runner import run
from judgeprobe.harness.store import SCHEMA_VERSION, RunStore, store_path
from judgeprobe.probes.variant import Relation, Slot, Variant

PRICE = Price(input=2.0, output=8.0, cached_input=0.5)


def grade_variant(i: int) -> Variant:
    return Variant(
        case_id=f"case-{i}", unit_id="r", mode=Mode.GRADE, question=f"What is {i} + {i}?",
        reference=str(2 * i), answer_kind="number", choices=None, slots=(Slot("r", str(2 * i)),), chain=(),
        seed=0, relation=Relation.INVARIANT, label="correct",
    )  # fmt: skip


class Metered(Judge):
    """Says ``correct`` and reports 1,000 prompt tokens (400 cached) and 100 reply tokens per call."""

    def __init__(self, price: Price | None = PRICE) -> None:
        self.name = "metered"
        self.config_hash = "metered-1"
        self.price = price
        self.calls = 0

    async def judge(self, request: JudgeRequest) -> Verdict:
        self.calls += 1
        await asyncio.sleep(0)
        return Verdict.judged("correct", input_tokens=1000, output_tokens=100, cached_input_tokens=400)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RunStore]:
    with RunStore(tmp_path / "store.sqlite") as opened:
        yield opened


def test_price_charges_cached_prompt_tokens_at_their_own_price() -> None:
    # 600 fresh prompt tokens at 2.0, 400 cached at 0.5, 100 reply tokens at 8.0 (per million)
    assert PRICE.cost(1000, 100, 400) == pytest.approx((600 * 2.0 + 400 * 0.5 + 100 * 8.0) / 1e6)
    assert Price(input=2.0, output=8.0).cost(1000, 0, 400) == pytest.approx(1000 * 2.0 / 1e6)
    counts = TokenCounts(input_tokens=2000, cached_input_tokens=800, output_tokens=200)
    assert PRICE.cost_of(counts) == pytest.approx(2 * PRICE.cost(1000, 100, 400))
    assert PRICE.format(0.0123) == "$0.0123" and Price(input=1, output=1, currency="EUR").format(2.5) == (
        "2.50 EUR"
    )


def test_the_price_table_comes_from_the_judge_file_and_is_not_part_of_the_judge_identity(
    tmp_path: Path,
) -> None:
    plain = tmp_path / "plain.toml"
    plain.write_text('[judge]\nbackend = "openai"\nmodel = "m"\nbase_url = "http://127.0.0.1:9/v1"\n')
    priced = tmp_path / "priced.toml"
    priced.write_text(
        plain.read_text() + "\n[judge.price]\ninput = 2.5\ncached_input = 1.25\noutput = 10\n",
        encoding="utf-8",
    )
    judge = load_judge(str(priced))
    assert judge.price == Price(input=2.5, cached_input=1.25, output=10.0)
    assert judge.config_hash == load_judge(str(plain)).config_hash
    typo = tmp_path / "typo.toml"
    typo.write_text(plain.read_text() + "\n[judge.price]\ninput = 2.5\noutptu = 10\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"typo\.toml: invalid judge configuration: price"):
        load_config(str(typo))
    result = CliRunner().invoke(cli, ["run", "--judge", str(typo), "--case", "hle-tc0-notation"])
    assert result.exit_code == 2 and "price" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("backend", ["openai", "anthropic"])
def test_cached_prompt_tokens_are_read_from_real_replies(
    backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    with FakeOpenAIServer(faults=Faults(cached_tokens=8)) as server:
        url = server.base_url if backend == "openai" else server.base_url.rsplit("/v1", 1)[0]
        judge = load_judge(f"{backend}:fake@{url}")
        request = JudgeRequest.from_variant(grade_variant(3))

        async def once() -> Verdict:
            try:
                return await judge.judge(request)
            finally:
                await judge.aclose()

        verdict = asyncio.run(once())
    assert verdict.status == "judged", verdict
    assert verdict.cached_input_tokens == 8
    assert verdict.input_tokens is not None and verdict.input_tokens > 8  # every prompt token, cached too


def test_the_runner_sums_tokens_and_cost_and_the_progress_line_shows_them(store: RunStore) -> None:
    judge = Metered()
    stats = run(judge, [grade_variant(i) for i in range(5)], store, show_progress=False)
    assert (stats.input_tokens, stats.cached_input_tokens, stats.output_tokens) == (5000, 2000, 500)
    assert stats.calls_with_usage == 5 and stats.currency == "USD"
    assert stats.cost == pytest.approx(5 * PRICE.cost(1000, 100, 400))
    line = describe(stats)
    assert "5.5k tokens (2.0k cached)" in line and "$0.0" in line
    stored = list(store.iter_records())
    assert {r.verdict.cached_input_tokens for r in stored} == {400}  # kept per draw in the store


def test_without_a_price_tokens_are_counted_but_no_cost_is_made_up(store: RunStore) -> None:
    stats = run(Metered(price=None), [grade_variant(i) for i in range(3)], store, show_progress=False)
    assert stats.cost is None and stats.input_tokens == 3000
    assert "$" not in describe(stats) and "3.3k tokens" in describe(stats)
    assert "tokens" not in describe(RunStats())


def test_the_cost_budget_stops_new_calls_and_a_rerun_with_more_budget_finishes(store: RunStore) -> None:
    per_call = PRICE.cost(1000, 100, 400)
    work = [grade_variant(i) for i in range(20)]
    judge = Metered()
    options = RunOptions(concurrency=1, max_cost=per_call * 5.5)
    stats = run(judge, work, store, options=options, show_progress=False)
    assert judge.calls == 6 and stats.done == 6 and stats.not_started == 14  # one call, then over
    assert stats.budget_stop is not None and "cost budget reached" in stats.budget_stop
    assert stats.cost is not None and stats.cost <= per_call * 6 + 1e-12
    again = run(judge, work, store, options=RunOptions(concurrency=1), show_progress=False)
    assert again.cache_hits == 6 and again.new_calls == 14 and again.done == 20
    with pytest.raises(ConfigError, match=r"needs the judge's prices"):
        run(Metered(price=None), work, store, options=RunOptions(max_cost=1.0), show_progress=False)


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def test_the_token_limiter_books_before_a_call_and_settles_after() -> None:
    clock = Clock()
    limiter = TokenRateLimiter(6000, clock=clock)  # 100 tokens per second, a bucket of 6,000
    assert limiter.reserve(5000) == 0.0  # the bucket starts full
    assert limiter.reserve(2000) == pytest.approx(10.0)  # 1,000 short: ten seconds of refill
    limiter.settle(2000, 1000)  # the call used half of what it booked: the rest comes back
    assert limiter.reserve(0) == 0.0
    clock.now += 60
    assert limiter.reserve(6000) == 0.0 and limiter.reserve(600) == pytest.approx(6.0)
    with pytest.raises(ConfigError, match="tpm=0"):
        TokenRateLimiter(0)


def test_the_token_limiter_learns_tokens_per_character() -> None:
    limiter = TokenRateLimiter(1000)
    request = JudgeRequest.from_variant(grade_variant(7))
    size = request_size(request)
    first = limiter.expected(size)
    assert first > size / 4  # a first guess on the high side
    limiter.settle(first, 2 * size, size=size)  # calls turn out to use two tokens per character
    assert limiter.expected(size) == 2 * size and limiter.expected(3 * size) == 6 * size
    limiter.settle(10, None, size=size)  # no report: nothing learnt
    assert limiter.expected(size) == 2 * size


def test_a_tokens_per_minute_limit_paces_a_real_run(store: RunStore) -> None:
    # 1,100 tokens per call against a bucket of 60,000,000 per minute: no waiting, yet every call is
    # booked and settled (the limiter learns the real size of a call)
    stats = run(Metered(), [grade_variant(i) for i in range(4)], store,
                options=RunOptions(tpm=60_000_000), show_progress=False)  # fmt: skip
    assert stats.done == 4 and stats.input_tokens == 4000


def test_a_version_2_store_reads_without_the_new_columns_and_gains_them_on_write(tmp_path: Path) -> None:
    with RunStore(store_path(tmp_path)) as fresh:
        run(Metered(), [grade_variant(1)], fresh, show_progress=False)
    db = sqlite3.connect(store_path(tmp_path))
    db.executescript(
        "ALTER TABLE draws DROP COLUMN cached_input_tokens; ALTER TABLE run_variants DROP COLUMN draws; "
        "PRAGMA user_version = 2;"
    )
    db.close()
    with RunStore(store_path(tmp_path), read_only=True) as old:
        (record,) = old.iter_records()
        assert record.verdict.cached_input_tokens is None and record.verdict.input_tokens == 1000
    with RunStore(store_path(tmp_path)) as migrated:
        (record,) = migrated.iter_records()
        assert record.verdict.input_tokens == 1000
    db = sqlite3.connect(store_path(tmp_path))
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    assert "cached_input_tokens" in {row[1] for row in db.execute("PRAGMA table_info(draws)")}
    assert "draws" in {row[1] for row in db.execute("PRAGMA table_info(run_variants)")}
    db.close()
