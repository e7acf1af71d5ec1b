"""The runner: send every planned draw to a judge, concurrently, and write each one to the store.

Guarantees:

* **Bounded and polite.** At most ``concurrency`` calls are in flight (fewer during a 429 storm, see
  :class:`~judgeprobe.harness.run.ratelimit.AdaptiveConcurrency`), starts are spaced by an optional
  requests-per-minute limit, every attempt has a timeout, and retryable failures are retried with jittered
  exponential backoff that honours ``Retry-After`` (:class:`~judgeprobe.harness.run.retry.RetryPolicy`).
* **Nothing finished is lost.** Finished draws are journaled once per event-loop tick (one append to the
  store's side file, safe from a killed process) and committed to SQLite in bulk; a call keeps its
  connection permit until its draw is journaled. So at any instant at most ``concurrency`` calls have been
  made whose answers are not on disk, and a run killed with SIGKILL repeats at most that many calls when
  started again.
* **Resumable and deduplicated.** A draw whose cache key is already answered in the store is never sent
  again (a cache hit); identical requests within a run are sent once. Errors are stored but not cached, so a
  rerun retries them.
* **Secrets never written.** Every verdict (a successful one too) is scrubbed of the judge's configured
  secrets and of secret-looking environment variables before it is stored
  (:class:`~judgeprobe.harness.core.secrets.Redactor`).
* **Complete.** Every planned draw ends judged, unscored, errored (with a kind) or skipped, and
  ``RunStats`` counts add up: ``done == judged + unscored + errors + skipped``.

Ctrl-C: :func:`run` cancels the calls in flight, commits every finished draw, closes the judge and returns
the statistics with ``interrupted=True`` (it does not re-raise ``KeyboardInterrupt``; the command line
turns ``interrupted`` into exit code 130). :func:`run_async` re-raises the cancellation after the same
clean-up.

Fail fast: every attempt is shown to a :class:`~judgeprobe.harness.run.watch.CallWatch`; after
``max_failures_in_a_row`` blocking failures in a row (a refused key, an unknown model, no server at the URL,
invalid requests) it trips, the runner stops with the same clean-up, :func:`run_async` raises
:class:`~judgeprobe.harness.core.errors.JudgeUnusable` and :func:`run` returns stats with ``stopped`` set.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError, JudgeUnusable
from judgeprobe.harness.core.records import DrawRecord, record_for
from judgeprobe.harness.core.request import JudgeRequest, request_cache_key, request_content_key
from judgeprobe.harness.core.retry_after import parse_retry_after
from judgeprobe.harness.core.secrets import Redactor, redact_secrets
from judgeprobe.harness.core.verdict import ErrorKind, Status, Verdict
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.run.options import ProgressSink, RunOptions, RunStats
from judgeprobe.harness.run.ratelimit import AdaptiveConcurrency, RateLimiter, TokenRateLimiter, request_size
from judgeprobe.harness.run.retry import RetryPolicy
from judgeprobe.harness.run.watch import CallWatch
from judgeprobe.harness.run.writer import DrawWriter
from judgeprobe.probes.variant import Relation, Variant

if TYPE_CHECKING:
    from judgeprobe.harness.store import RunStore

__all__ = [
    "PlannedDraw",
    "ProgressSink",
    "RunOptions",
    "RunStats",
    "plan_draws",
    "redact_secrets",
    "request_cache_key",
    "request_content_key",
    "run",
    "run_async",
]

PlannedDraw = tuple[Variant, int, bool]
"""``(variant, draw index, placebo)``."""


def plan_draws(variants: Sequence[Variant], *, repeats: int) -> list[PlannedDraw]:
    """Every draw of a run: draws ``0..K-1`` per variant, and placebo draws ``K..2K-1`` of base variants."""
    if repeats < 1:
        raise ConfigError(f"repeats must be >= 1, got repeats={repeats}")
    plan: list[PlannedDraw] = []
    for variant in variants:
        plan.extend((variant, draw, False) for draw in range(repeats))
        if variant.relation is Relation.BASE:
            plan.extend((variant, draw, True) for draw in range(repeats, 2 * repeats))
    return plan


class _Run:
    """State of one run (one judge, one store)."""

    def __init__(
        self,
        judge: Judge,
        store: RunStore,
        plan: list[PlannedDraw],
        *,
        options: RunOptions,
        stats: RunStats,
        progress: ProgressSink | None,
        reference_doubt: Mapping[str, bool],
    ) -> None:
        self.judge = judge
        self.store = store
        self.plan = plan
        self.options = options
        self.stats = stats
        self.progress = progress
        self.doubt = reference_doubt
        self.judge_hash = judge.config_hash
        self.redactor = Redactor(judge.secret_values())
        limit = min(options.concurrency, judge.max_concurrency or options.concurrency)
        self.limiter = AdaptiveConcurrency(limit, max_pause_s=options.backoff_max_s)
        self.rpm = RateLimiter(options.rpm) if options.rpm else None
        self.tpm = TokenRateLimiter(options.tpm) if options.tpm else None
        self.price = judge.price
        if self.price is not None:
            stats.cost = stats.cost or 0.0
            stats.currency = self.price.currency
        if options.max_cost is not None and self.price is None:
            raise ConfigError(
                f"max_cost={options.max_cost:g} needs the judge's prices; add a [judge.price] table (input, "
                "output, cached_input per million tokens) to the judge file"
            )
        self.policy = RetryPolicy(options.max_retries, options.backoff_base_s, options.backoff_max_s)
        self.writer = DrawWriter(store)
        self.watch = CallWatch(options.max_failures_in_a_row, judge=judge.name)
        self.finished = store.finished_draws(self.judge_hash)
        self.known_keys = store.finished_keys(self.judge_hash)
        self.in_flight: dict[str, asyncio.Future[Verdict]] = {}
        self.supported: dict[Mode, bool] = {}
        self.items = self._pending()
        self.last_update = 0.0

    # -- bookkeeping -----------------------------------------------------------------------------------

    def _count(self, status: str, kind: str | None, *, cached: bool, deduplicated: bool = False) -> None:
        stats = self.stats
        stats.done += 1
        if cached:
            stats.cache_hits += 1
            stats.deduplicated += deduplicated
        if status == Status.JUDGED:
            stats.judged += 1
        elif status == Status.UNSCORED:
            stats.unscored += 1
        elif status == Status.SKIPPED:
            stats.skipped += 1
        else:
            stats.errors += 1
            key = str(kind) if kind else "unknown"
            stats.errors_by_kind[key] = stats.errors_by_kind.get(key, 0) + 1
        if self.progress is not None:
            now = time.monotonic()
            if now - self.last_update >= 0.1:
                self.last_update = now
                self.progress.update(stats)

    def _record(self, item: _Item, verdict: Verdict, *, cached: bool) -> DrawRecord:
        variant, draw, placebo, _, request_key, cache_key = item
        return record_for(
            variant,
            verdict,
            run_id=self.store.run_id,
            judge=self.judge.name,
            judge_hash=self.judge_hash,
            draw=draw,
            placebo=placebo,
            cache_key=cache_key,
            request_key=request_key,
            cached=cached,
            reference_doubt=bool(self.doubt.get(variant.case_id, False)),
        )

    def _pending(self) -> Iterator[_Item]:
        """Planned draws not already finished in the store under the same key (those are counted as hits)."""
        for variant, draw, placebo in self.plan:
            request = JudgeRequest.from_variant(variant, draw=draw)
            request_key = request_content_key(request)
            cache_key = request_cache_key(self.judge_hash, request_key)
            stored = self.finished.get((variant.id, draw))
            if stored is not None and stored[0] == cache_key and stored[1] == placebo:
                self._count(stored[2], None, cached=True)
                continue
            yield (variant, draw, placebo, request, request_key, cache_key)

    # -- work ------------------------------------------------------------------------------------------

    async def worker(self) -> None:
        for item in self.items:
            if self.watch.tripped:  # another worker is stopping the run: start no new call
                return
            await self._process(item)

    async def _process(self, item: _Item) -> None:
        variant, _, _, request, _, cache_key = item
        supported = self.supported.get(variant.mode)
        if supported is None:
            supported = self.supported[variant.mode] = self.judge.supports(variant.mode)
        if not supported:
            verdict = Verdict.skipped(f"{self.judge.name} does not judge {variant.mode} requests", attempts=0)
            self.writer.write(self._record(item, verdict, cached=False), wait=False)
            self._count(Status.SKIPPED, None, cached=False)
            return
        leader = self.in_flight.get(cache_key)
        if leader is not None:
            verdict = await asyncio.shield(leader)
            self.writer.write(self._record(item, verdict, cached=True), wait=False)
            self._count(verdict.status, verdict.error_kind, cached=True, deduplicated=True)
            return
        if cache_key in self.known_keys:
            cached = self.store.lookup(cache_key)
            if cached is not None:
                self.writer.write(self._record(item, cached, cached=True), wait=False)
                self._count(cached.status, None, cached=True)
                return
        if self._over_budget():
            self.stats.not_started += 1
            return
        future: asyncio.Future[Verdict] = asyncio.get_running_loop().create_future()
        self.in_flight[cache_key] = future
        try:
            self.stats.new_calls += 1
            verdict = await self._call(request, label=f"{variant.id}#{item[1]}")  # holds a permit
            self._spend(verdict)
            try:
                written = self.writer.write(self._record(item, verdict, cached=False), wait=True)
                # Counted now: the row is queued, and even a cancelled run commits queued rows on its way out.
                self._count(verdict.status, verdict.error_kind, cached=False)
                assert written is not None
                await written
            finally:
                self.limiter.release()
            if verdict.status is not Status.ERROR:
                self.known_keys.add(cache_key)
            future.set_result(verdict)
            if self.watch.tripped:
                raise self.watch.error()
        finally:
            if not future.done():
                future.cancel()
            del self.in_flight[cache_key]

    def _spend(self, verdict: Verdict) -> None:
        """Add a call's reported tokens (and their cost at the judge's price) to the statistics."""
        if verdict.input_tokens is None and verdict.output_tokens is None:
            return
        stats = self.stats
        used_in, used_out = verdict.input_tokens or 0, verdict.output_tokens or 0
        cached = verdict.cached_input_tokens or 0
        stats.calls_with_usage += 1
        stats.input_tokens += used_in
        stats.output_tokens += used_out
        stats.cached_input_tokens += cached
        if self.price is not None:
            stats.cost = (stats.cost or 0.0) + self.price.cost(used_in, used_out, cached)

    def _over_budget(self) -> bool:
        """Whether the cost budget is spent, counting the calls in flight at the mean cost per call so far."""
        budget, spent, stats = self.options.max_cost, self.stats.cost, self.stats
        if budget is None or spent is None or self.price is None:
            return False
        mean = spent / stats.calls_with_usage if stats.calls_with_usage else 0.0
        if spent + mean * len(self.in_flight) < budget:
            return False
        if stats.budget_stop is None:
            money = self.price.format
            stats.budget_stop = f"cost budget reached: {money(spent)} spent of {money(budget)}"
        return True

    async def _call(self, request: JudgeRequest, *, label: str = "") -> Verdict:
        """Attempts with retries; returns the final verdict while still holding a connection permit (at once,
        without retrying, when the watcher trips)."""
        attempt = 0
        size = request_size(request) if self.tpm is not None else 0
        while True:
            ticket = await self.limiter.acquire()
            booked = 0
            try:
                if self.rpm is not None:
                    await self.rpm.wait()
                if self.tpm is not None:
                    booked = await self.tpm.acquire(self.tpm.expected(size))
                attempt += 1
                self.stats.attempts += 1
                verdict = await self._attempt(request)
            except BaseException:
                self.limiter.release()
                raise
            if self.tpm is not None:
                used = None
                if verdict.input_tokens is not None or verdict.output_tokens is not None:
                    used = (verdict.input_tokens or 0) + (verdict.output_tokens or 0)
                self.tpm.settle(booked, used, size=size)
            self.watch.attempt(verdict, attempt=attempt, label=label)
            retry_after = verdict.meta.get("retry_after") if verdict.meta else None
            if verdict.error_kind is ErrorKind.RATE_LIMIT:
                self.limiter.on_rate_limited(ticket, retry_after=parse_retry_after(retry_after))
                self.stats.concurrency_cuts = self.limiter.shrinks
            elif verdict.status is not Status.ERROR:
                self.limiter.on_success()
            if self.watch.tripped or not self.policy.should_retry(verdict, attempt=attempt):
                return self.policy.settle(verdict, attempt=attempt)
            self.limiter.release()
            self.stats.retries += 1
            wait = self.policy.delay(attempt, retry_after=retry_after)
            self.watch.retry(verdict, attempt=attempt, wait_s=wait, label=label)
            await asyncio.sleep(wait)

    async def _attempt(self, request: JudgeRequest) -> Verdict:
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.options.timeout_s):
                verdict = await self.judge.judge(request)
        except TimeoutError:
            return Verdict.error(ErrorKind.TIMEOUT, f"no reply within {self.options.timeout_s:g} s")
        except Exception as exc:  # a backend broke its contract: record, never crash the run
            return Verdict.error(
                ErrorKind.CRASH, self.redactor.text(f"judge raised {type(exc).__name__}: {exc}")
            )
        if not isinstance(verdict, Verdict):
            reason = f"judge returned {type(verdict).__name__}, expected a Verdict"
            return Verdict.error(ErrorKind.CRASH, reason)
        verdict = self.redactor.verdict(verdict)  # every verdict, a successful one too: secrets never stored
        if verdict.status is Status.ERROR:
            return verdict
        if verdict.latency_s is None:
            verdict = replace(verdict, latency_s=time.perf_counter() - started)
        return verdict


async def _tick(progress: ProgressSink, stats: RunStats, every_s: float = 1.0) -> None:
    """Refresh the progress sink every second, so waits (backoff, a slow judge) still show life."""
    while True:
        await asyncio.sleep(every_s)
        progress.update(stats)


_Item = tuple[Variant, int, bool, JudgeRequest, str, str]
"""A pending draw: variant, draw, placebo, request, request key, cache key."""


async def run_async(
    judge: Judge,
    variants: Sequence[Variant],
    store: RunStore,
    *,
    options: RunOptions | None = None,
    progress: ProgressSink | None = None,
    reference_doubt: Mapping[str, bool] | None = None,
    stats: RunStats | None = None,
    draws: Sequence[PlannedDraw] | None = None,
) -> RunStats:
    """Run every planned draw of ``variants`` through ``judge``, writing each draw to ``store``.

    Args:
        judge: The configured judge (closed with ``aclose`` at the end).
        variants: Variants to judge; they are also added to the store.
        store: The run's store.
        options: Concurrency, rate limit, timeouts, retries, repeats.
        progress: Optional progress sink.
        reference_doubt: Case id -> the case's reference is disputed.
        stats: Statistics object to fill in (lets a caller read partial counts after an interruption).
        draws: The draws to make (default: :func:`plan_draws` of ``options.repeats``), e.g. one round of an
            adaptive run (``judgeprobe.harness.run.rounds``).

    Returns:
        The run's statistics.
    """
    options = options or RunOptions()
    doubt = dict(reference_doubt or {})
    stats = stats if stats is not None else RunStats()
    started = time.perf_counter()
    store.claim()  # before the first call: a second run on this folder is refused having sent nothing
    store.put_variants(variants, reference_doubt=doubt)
    store.set_meta("judge", {"name": judge.name, "config_hash": judge.config_hash})
    store.set_meta("repeats", options.repeats)
    plan = list(draws) if draws is not None else plan_draws(variants, repeats=options.repeats)
    stats.planned = len(plan)
    state = _Run(judge, store, plan, options=options, stats=stats, progress=progress, reference_doubt=doubt)
    if progress is not None:
        progress.start(stats.planned)
    workers = [asyncio.create_task(state.worker()) for _ in range(state.limiter.maximum)]
    ticker = asyncio.create_task(_tick(progress, stats)) if progress is not None else None
    try:
        await asyncio.gather(*workers)
    except BaseException as exc:
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        stats.interrupted = isinstance(exc, asyncio.CancelledError | KeyboardInterrupt)
        if isinstance(exc, JudgeUnusable):
            stats.stopped = str(exc)
        raise
    finally:
        if ticker is not None:
            ticker.cancel()
        state.writer.close()
        await judge.aclose()
        stats.elapsed_s = time.perf_counter() - started
        if progress is not None:
            progress.update(stats)
            progress.finish(stats)
    if state.writer.error is not None:
        raise state.writer.error
    return stats


def run(
    judge: Judge,
    variants: Sequence[Variant],
    store: RunStore,
    *,
    options: RunOptions | None = None,
    show_progress: bool = True,
    reference_doubt: Mapping[str, bool] | None = None,
    draws: Sequence[PlannedDraw] | None = None,
    label: str = "judging",
    progress: ProgressSink | None = None,
) -> RunStats:
    """Synchronous :func:`run_async` with a rich progress bar (its text: ``label``); Ctrl-C returns
    ``interrupted=True`` stats, a judge that keeps failing the same blocking way
    (:mod:`judgeprobe.harness.run.watch`) returns stats with ``stopped`` set to the reason."""
    stats = RunStats()
    if progress is None and show_progress:
        from judgeprobe.harness.run.progress import RichProgress

        progress = RichProgress(description=label)
    try:
        coro = run_async(
            judge, variants, store, options=options, progress=progress, reference_doubt=reference_doubt,
            stats=stats, draws=draws,
        )  # fmt: skip
        asyncio.run(coro)
    except KeyboardInterrupt:
        stats.interrupted = True
    except JudgeUnusable:
        pass  # stats.stopped says why; the caller decides (the command line exits 2)
    return stats
