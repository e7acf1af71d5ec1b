"""Pacing judge calls: requests-per-minute and tokens-per-minute limits, and a concurrency limit that backs
off on 429 storms.

:class:`RateLimiter` spaces call starts evenly (``60 / rpm`` seconds apart), so a provider's per-minute quota
is never exceeded however many connections are open.

:class:`TokenRateLimiter` is a token bucket holding one minute of tokens (``tpm``), refilled continuously. A
call's tokens are known only after it returns, so a call books what it is expected to use before it starts
(:meth:`TokenRateLimiter.expected`: the request's size times the tokens per character seen so far, or a
conservative first guess) and is settled with what the judge reported when it ends: an overestimate is given
back, an underestimate is paid for by the calls that follow. Over any minute the calls started use at most
``tpm`` tokens plus the error of the estimates of the calls in flight.

:class:`AdaptiveConcurrency` is a semaphore whose size moves like TCP congestion control: a rate-limit
answer (HTTP 429) halves it (at most once per window of calls, so one storm of 429s triggered by the same
burst shrinks it once, not to nothing), and it grows back by one permit after every ``limit`` successful
calls, which is slow on purpose. A ``Retry-After`` on a 429 also pauses *new* calls until it has passed.
Only rate-limit answers shrink it; timeouts and server errors do not.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest

__all__ = ["AdaptiveConcurrency", "RateLimiter", "TokenRateLimiter", "request_size"]

Clock = Callable[[], float]


class RateLimiter:
    """At most ``rpm`` call starts per minute, evenly spaced.

    Args:
        rpm: Requests per minute (> 0).
        clock: Monotonic clock in seconds (tests pass a fake one).
    """

    def __init__(self, rpm: float, *, clock: Clock = time.monotonic) -> None:
        if not rpm > 0:
            raise ConfigError(f"rpm must be a positive number of requests per minute, got rpm={rpm!r}")
        self.rpm = float(rpm)
        self.interval = 60.0 / self.rpm
        self._clock = clock
        self._next = float("-inf")

    def reserve(self) -> float:
        """Book the next start slot; returns seconds to wait until it."""
        now = self._clock()
        slot = max(now, self._next)
        self._next = slot + self.interval
        return slot - now

    async def wait(self) -> None:
        """Wait for the next start slot."""
        delay = self.reserve()
        if delay > 0:
            await asyncio.sleep(delay)


def request_size(request: JudgeRequest) -> int:
    """Characters of the request's own text (question, reference, responses, options): what the prompt's
    length grows with."""
    size = len(request.question) + len(request.reference or "") + sum(len(text) for text in request.responses)
    return size + sum(len(letter) + len(text) for letter, text in request.choices or ())


class TokenRateLimiter:
    """At most ``tpm`` tokens (prompt and reply) per minute, booked before each call and settled after.

    Args:
        tpm: Tokens per minute (> 0); also the bucket's size, so an idle minute allows a burst of ``tpm``.
        clock: Monotonic clock in seconds (tests pass a fake one).
    """

    FIRST_GUESS_CHARS_PER_TOKEN = 3.0
    """Before any call has reported its tokens: characters per token of the request's text (a low figure,
    so the first guesses are on the high side)."""
    FIRST_GUESS_OVERHEAD = 600
    """Before any call has reported its tokens: tokens added for the template and the reply."""

    def __init__(self, tpm: float, *, clock: Clock = time.monotonic) -> None:
        if not tpm > 0:
            raise ConfigError(f"tpm must be a positive number of tokens per minute, got tpm={tpm!r}")
        self.tpm = float(tpm)
        self.rate = self.tpm / 60.0
        self._clock = clock
        self._level = self.tpm
        self._stamp = clock()
        self._seen_tokens = 0
        self._seen_chars = 0

    def _refill(self) -> None:
        now = self._clock()
        self._level = min(self.tpm, self._level + (now - self._stamp) * self.rate)
        self._stamp = now

    def expected(self, size: int) -> int:
        """Tokens a call on a request of ``size`` characters (:func:`request_size`) is expected to use."""
        if self._seen_chars > 0 and self._seen_tokens > 0:
            return max(1, round(self._seen_tokens * size / self._seen_chars))
        return round(size / self.FIRST_GUESS_CHARS_PER_TOKEN) + self.FIRST_GUESS_OVERHEAD

    def reserve(self, tokens: int) -> float:
        """Book ``tokens``; returns seconds to wait until the bucket has paid for them."""
        self._refill()
        self._level -= max(0, tokens)
        return 0.0 if self._level >= 0 else -self._level / self.rate

    async def acquire(self, tokens: int) -> int:
        """Book ``tokens`` and wait until they are paid for; returns what was booked (for :meth:`settle`)."""
        delay = self.reserve(tokens)
        if delay > 0:
            await asyncio.sleep(delay)
        return tokens

    def settle(self, booked: int, used: int | None, *, size: int = 0) -> None:
        """A call that booked ``booked`` tokens used ``used`` (``None``: not reported, the booking stands).

        Args:
            booked: What :meth:`acquire` booked.
            used: Prompt and reply tokens the judge reported.
            size: The request's size in characters, to learn tokens per character.
        """
        if used is None:
            return
        self._refill()
        self._level = min(self.tpm, self._level + booked - used)
        if size > 0:
            self._seen_tokens += used
            self._seen_chars += size


class AdaptiveConcurrency:
    """A FIFO semaphore of adjustable size that shrinks on rate limiting and recovers slowly.

    Args:
        maximum: Permits at full speed (the ``--concurrency`` option).
        minimum: Floor the limit never goes below.
        max_pause_s: Cap on a ``Retry-After`` pause of new calls.
        clock: Monotonic clock in seconds.
    """

    def __init__(
        self, maximum: int, *, minimum: int = 1, max_pause_s: float = 30.0, clock: Clock = time.monotonic
    ) -> None:
        if maximum < 1 or not 1 <= minimum <= maximum:
            raise ConfigError(f"need 1 <= minimum <= maximum, got minimum={minimum}, maximum={maximum}")
        self.maximum = maximum
        self.minimum = minimum
        self.max_pause_s = max_pause_s
        self._clock = clock
        self._limit = maximum
        self._in_flight = 0
        self._issued = 0
        self._shrink_mark = 0
        self._successes = 0
        self._paused_until = float("-inf")
        self._wake_handle: asyncio.TimerHandle | None = None
        self._waiters: deque[asyncio.Future[int]] = deque()
        self.shrinks = 0
        """How many times the limit was cut (for statistics)."""

    @property
    def limit(self) -> int:
        """Current number of permits."""
        return self._limit

    @property
    def in_flight(self) -> int:
        """Permits currently held."""
        return self._in_flight

    def _grantable(self) -> bool:
        return self._in_flight < self._limit and self._clock() >= self._paused_until

    def _grant(self) -> int:
        self._in_flight += 1
        self._issued += 1
        return self._issued

    async def acquire(self) -> int:
        """Wait for a permit; returns its ticket (pass it to :meth:`on_rate_limited`)."""
        if not self._waiters and self._grantable():
            return self._grant()
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        self._schedule_wake()
        try:
            return await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release()  # granted just as we were cancelled: give it back
            else:
                self._waiters.remove(future)
            raise

    def release(self) -> None:
        """Give a permit back."""
        self._in_flight -= 1
        self._wake()

    def on_success(self) -> None:
        """A call succeeded: after ``limit`` successes in a row the limit grows by one (up to the maximum)."""
        self._successes += 1
        if self._successes >= self._limit and self._limit < self.maximum:
            self._limit += 1
            self._successes = 0
            self._wake()

    def on_rate_limited(self, ticket: int, *, retry_after: float | None = None) -> None:
        """A call holding ``ticket`` was rate limited: halve the limit once per window and honour the pause.

        A 429 on a call that started before the last cut belongs to the burst that caused that cut and
        does not cut again.
        """
        self._successes = 0
        if ticket > self._shrink_mark:
            new_limit = max(self.minimum, self._limit // 2)
            if new_limit < self._limit:
                self.shrinks += 1
            self._limit = new_limit
            self._shrink_mark = self._issued
        if retry_after is not None and retry_after > 0:
            until = self._clock() + min(retry_after, self.max_pause_s)
            if until > self._paused_until:
                self._paused_until = until
                self._schedule_wake()

    def _wake(self) -> None:
        while self._waiters and self._grantable():
            future = self._waiters.popleft()
            if not future.done():
                future.set_result(self._grant())
        self._schedule_wake()

    def _schedule_wake(self) -> None:
        """While paused with waiters, arrange to wake them when the pause ends."""
        delay = self._paused_until - self._clock()
        if not self._waiters or delay <= 0 or self._wake_handle is not None:
            return
        loop = asyncio.get_running_loop()

        def fire() -> None:
            self._wake_handle = None
            self._wake()

        self._wake_handle = loop.call_later(delay, fire)
