"""Pacing: even spacing under an RPM limit; a concurrency limit that halves on 429 storms, pauses on
Retry-After and recovers slowly. Clocks are fakes, so nothing here depends on timing."""

from __future__ import annotations

import asyncio

import pytest

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.run.ratelimit import AdaptiveConcurrency, RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_rate_limiter_spaces_starts_evenly() -> None:
    clock = FakeClock()
    limiter = RateLimiter(120, clock=clock)  # one start every 0.5 s
    assert [limiter.reserve() for _ in range(4)] == [0.0, 0.5, 1.0, 1.5]
    clock.now += 10  # idle time is not banked as a burst
    assert limiter.reserve() == 0.0
    assert limiter.reserve() == 0.5


def test_rate_limiter_rejects_nonsense() -> None:
    with pytest.raises(ConfigError, match="rpm=0"):
        RateLimiter(0)


def test_permits_are_bounded_and_fifo() -> None:
    async def scenario() -> list[int]:
        limiter = AdaptiveConcurrency(2)
        order: list[int] = []
        await limiter.acquire()
        await limiter.acquire()
        assert limiter.in_flight == 2

        async def wait(i: int) -> None:
            await limiter.acquire()
            order.append(i)

        waiters = [asyncio.create_task(wait(i)) for i in range(3)]
        await asyncio.sleep(0)
        assert order == []
        limiter.release()
        await asyncio.sleep(0)
        limiter.release()
        await asyncio.sleep(0)
        assert limiter.in_flight == 2
        limiter.release()
        await asyncio.gather(*waiters)
        return order

    assert asyncio.run(scenario()) == [0, 1, 2]


def test_a_429_storm_halves_once_per_window_and_recovery_is_slow() -> None:
    async def scenario() -> None:
        limiter = AdaptiveConcurrency(16)
        tickets = [await limiter.acquire() for _ in range(16)]
        for ticket in tickets:  # the whole burst comes back 429: one cut, not sixteen
            limiter.on_rate_limited(ticket)
        assert limiter.limit == 8 and limiter.shrinks == 1
        for _ in tickets:
            limiter.release()
        later = await limiter.acquire()  # a call started after the cut: its 429 cuts again
        limiter.on_rate_limited(later)
        assert limiter.limit == 4
        limiter.release()
        for _ in range(3):
            limiter.on_success()
        assert limiter.limit == 4  # needs `limit` successes in a row per step
        limiter.on_success()
        assert limiter.limit == 5
        for _ in range(1000):
            limiter.on_success()
        assert limiter.limit == 16  # never above the maximum

    asyncio.run(scenario())


def test_the_limit_never_drops_below_the_minimum() -> None:
    async def scenario() -> None:
        limiter = AdaptiveConcurrency(4, minimum=2)
        for _ in range(5):
            ticket = await limiter.acquire()
            limiter.on_rate_limited(ticket)
            limiter.release()
        assert limiter.limit == 2

    asyncio.run(scenario())


def test_retry_after_pauses_new_permits_until_it_passes() -> None:
    async def scenario() -> None:
        clock = FakeClock()
        limiter = AdaptiveConcurrency(4, clock=clock, max_pause_s=5.0)
        ticket = await limiter.acquire()
        limiter.on_rate_limited(ticket, retry_after=60.0)  # capped at 5 s
        limiter.release()
        waiter = asyncio.create_task(limiter.acquire())
        await asyncio.sleep(0.01)
        assert not waiter.done()  # paused although permits are free
        clock.now += 5.0
        limiter._wake()  # the scheduled wake-up, fired by hand under the fake clock
        await asyncio.wait_for(waiter, 1.0)

    asyncio.run(scenario())


def test_a_cancelled_waiter_gives_its_place_back() -> None:
    async def scenario() -> None:
        limiter = AdaptiveConcurrency(1)
        await limiter.acquire()
        waiter = asyncio.create_task(limiter.acquire())
        await asyncio.sleep(0)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        limiter.release()
        assert limiter.in_flight == 0
        await asyncio.wait_for(limiter.acquire(), 1.0)

    asyncio.run(scenario())


def test_invalid_limits_are_refused() -> None:
    with pytest.raises(ConfigError, match="minimum=3, maximum=2"):
        AdaptiveConcurrency(2, minimum=3)
