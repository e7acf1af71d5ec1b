"""What a run is asked to do and what it did: :class:`RunOptions`, :class:`RunStats`, and the
:class:`ProgressSink` protocol through which the runner reports progress (the rich bar implements it, so core
code never imports rich). Re-exported by :mod:`judgeprobe.harness.run.runner`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from judgeprobe.harness.core.errors import ConfigError

__all__ = ["ProgressSink", "RunOptions", "RunStats", "spent"]


@dataclass(frozen=True)
class RunOptions:
    """How hard and how patiently to call the judge."""

    concurrency: int = 8
    """Maximum calls in flight."""
    rpm: float | None = None
    """Maximum call starts per minute (``None``: no limit)."""
    timeout_s: float = 60.0
    """Timeout of one attempt, on top of the backend's own."""
    max_retries: int = 4
    """Retries of a retryable failure (timeouts, 429, 5xx, connection errors)."""
    backoff_base_s: float = 0.5
    """Ceiling of the first backoff wait; doubles per retry."""
    backoff_max_s: float = 30.0
    """Cap on any wait, ``Retry-After`` included."""
    repeats: int = 1
    """Draws per variant (``K``); base variants also get ``K`` placebo draws."""
    tpm: float | None = None
    """Maximum tokens (prompt and reply) per minute (``None``: no limit). A call books its expected tokens
    before it starts and is settled with what the judge reported (see
    :class:`~judgeprobe.harness.run.ratelimit.TokenRateLimiter`)."""
    max_cost: float | None = None
    """Stop starting calls once their cost, with the expected cost of the calls in flight, reaches this
    amount (in the judge's price currency; needs the judge's ``price``). Draws not started stay pending."""
    max_failures_in_a_row: int = 5
    """Stop the run after this many judge calls in a row failed in a way no retry fixes (authentication,
    unknown model, no server, invalid request; see :mod:`judgeprobe.harness.run.watch`). ``0``: never stop."""

    def __post_init__(self) -> None:
        problems = []
        if self.concurrency < 1:
            problems.append(f"concurrency={self.concurrency} (need >= 1)")
        if self.rpm is not None and not self.rpm > 0:
            problems.append(f"rpm={self.rpm} (need > 0, or None for no limit)")
        if not self.timeout_s > 0:
            problems.append(f"timeout_s={self.timeout_s} (need > 0)")
        if self.max_retries < 0:
            problems.append(f"max_retries={self.max_retries} (need >= 0)")
        if self.backoff_base_s < 0 or self.backoff_max_s < 0:
            problems.append(
                f"backoff_base_s={self.backoff_base_s}, backoff_max_s={self.backoff_max_s} (need >= 0)"
            )
        if self.repeats < 1:
            problems.append(f"repeats={self.repeats} (need >= 1)")
        if self.tpm is not None and not self.tpm > 0:
            problems.append(f"tpm={self.tpm} (need > 0, or None for no limit)")
        if self.max_cost is not None and not self.max_cost > 0:
            problems.append(f"max_cost={self.max_cost} (need > 0, or None for no limit)")
        if self.max_failures_in_a_row < 0:
            problems.append(f"max_failures_in_a_row={self.max_failures_in_a_row} (need >= 0; 0 never stops)")
        if problems:
            raise ConfigError("invalid run options: " + "; ".join(problems))


@dataclass
class RunStats:
    """What a run did. ``done == judged + unscored + errors + skipped``; cache hits are among them; a run
    stopped by its cost budget leaves ``planned - done`` draws (``not_started``) pending."""

    planned: int = 0
    """Draws planned (variants × repeats, plus placebo draws of base variants)."""
    done: int = 0
    """Draws that ended (from the cache or a call)."""
    cache_hits: int = 0
    """Draws answered from the store or by an identical request of this run (no call of their own)."""
    deduplicated: int = 0
    """Of the cache hits: draws answered by an identical request sent in this run."""
    new_calls: int = 0
    """Draws sent to the judge in this run."""
    attempts: int = 0
    """Judge calls made, retries included."""
    retries: int = 0
    """Attempts beyond the first."""
    judged: int = 0
    """Draws with a verdict."""
    unscored: int = 0
    """Draws whose reply could not be read as a verdict."""
    errors: int = 0
    """Draws with no usable reply after retries."""
    skipped: int = 0
    """Draws the judge does not support."""
    errors_by_kind: dict[str, int] = field(default_factory=dict)
    """Errored draws by error kind."""
    concurrency_cuts: int = 0
    """Times the connection limit was cut by rate limiting."""
    input_tokens: int = 0
    """Prompt tokens of this run's calls, as the judge reported them (cached ones included)."""
    cached_input_tokens: int = 0
    """Of ``input_tokens``: those read from the provider's prompt cache."""
    output_tokens: int = 0
    """Reply tokens of this run's calls."""
    calls_with_usage: int = 0
    """Calls whose judge reported token counts (the others have no cost)."""
    cost: float | None = None
    """What this run's calls cost at the judge's price (``None``: the judge has no price)."""
    currency: str | None = None
    """Currency of ``cost``."""
    not_started: int = 0
    """Draws not sent because the cost budget (``max_cost``) ran out; they stay pending."""
    budget_stop: str | None = None
    """Why the run stopped starting calls before every draw ended, when a budget stopped it (the pending
    draws are run by a rerun with a larger budget)."""
    elapsed_s: float = 0.0
    """Wall time of the run."""
    interrupted: bool = False
    """The run was stopped (Ctrl-C) before every draw ended; finished draws are kept."""
    stopped: str | None = None
    """Why the run stopped early because the judge kept failing the same blocking way (``None``: it did
    not); finished draws are kept."""

    @property
    def rate(self) -> float:
        """Draws ended per second."""
        return self.done / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {**asdict(self), "rate": self.rate}


class ProgressSink(Protocol):
    """Receives progress; the rich progress bar implements it (core code never imports rich)."""

    def start(self, total: int) -> None:
        """The run starts with ``total`` planned draws."""

    def update(self, stats: RunStats) -> None:
        """Counts changed (called at most every ~0.1 s, and once at the end)."""

    def finish(self, stats: RunStats) -> None:
        """The run ended (also when interrupted)."""


def _tokens(count: int) -> str:
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f}M"
    return f"{count / 1000:.1f}k" if count >= 1000 else str(count)


def spent(stats: RunStats) -> str | None:
    """Tokens of the run's calls and, with the judge's price, their cost (``None``: nothing reported)."""
    if not stats.calls_with_usage:
        return None
    text = f"{_tokens(stats.input_tokens + stats.output_tokens)} tokens"
    if stats.cached_input_tokens:
        text += f" ({_tokens(stats.cached_input_tokens)} cached)"
    if stats.cost is not None:
        amount = f"{stats.cost:,.4f}" if stats.cost < 1 else f"{stats.cost:,.2f}"
        text += f" · ${amount}" if stats.currency in (None, "USD") else f" · {amount} {stats.currency}"
    return text
