"""Progress as plain lines, for logs: where standard error is not a terminal (CI, a pipe, a file), a run
prints a line each time another 5 % of its draws has ended (at most one every 2 seconds), and at least one
every 30 seconds while it waits, so a log always shows life::

    judging: 2000/19934 draws (10%) · 118.4 draws/s · ETA 2m31s · cache 78 · unscored 31 · errors 0 · …

:func:`progress_sink` picks the sink for a command: the rich bar on a terminal, these lines elsewhere.
The clock and both cadences are parameters, so tests drive the sink with a fake clock instead of waiting.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from judgeprobe.harness.run.options import spent

if TYPE_CHECKING:
    from judgeprobe.harness.run.options import ProgressSink, RunStats

__all__ = ["LineProgress", "duration", "progress_sink"]


def duration(seconds: float) -> str:
    """``75`` -> ``1m15s``; ``4000`` -> ``1h06m``; under a minute ``42s``."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class LineProgress:
    """Writes a progress line to ``stream`` whenever another ``every_share`` of the draws has ended (but not
    within ``min_gap_s`` of the last line), and after ``every_s`` seconds of silence whatever happened.

    Args:
        stream: Where to write (default: standard error).
        every_s: Longest silence between lines while the run goes on.
        every_share: A line whenever another this much of the planned draws has ended.
        min_gap_s: Shortest time between two lines (a fast run, or a resume answered from the store, does
            not flood the log).
        clock: Seconds from an arbitrary start (default :func:`time.monotonic`).
        description: The line's first word.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        every_s: float = 30.0,
        every_share: float = 0.05,
        min_gap_s: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        description: str = "judging",
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.every_s = every_s
        self.every_share = every_share
        self.min_gap_s = min_gap_s
        self.clock = clock
        self.description = description
        self.total = 0
        self.started = 0.0
        self.last_line = 0.0
        self.next_step = 0
        self.lines = 0
        """Lines written so far."""
        self.last_done = -1

    def start(self, total: int) -> None:
        """The run starts: one line with the total."""
        self.total = total
        self.started = self.last_line = self.clock()
        self.next_step = self._step()
        self._write(f"{self.description}: {total} draws planned")

    def _step(self) -> int:
        return max(1, int(self.total * self.every_share))

    def line(self, stats: RunStats) -> str:
        """The progress line for ``stats`` now."""
        elapsed = self.clock() - self.started
        share = f" ({100 * stats.done / self.total:.0f}%)" if self.total else ""
        parts = [f"{self.description}: {stats.done}/{self.total} draws{share}"]
        rate = stats.done / elapsed if elapsed > 0 else 0.0
        parts.append(f"{rate:.1f} draws/s")
        remaining = self.total - stats.done
        if remaining > 0:
            parts.append(f"ETA {duration(remaining / rate)}" if rate > 0 else "ETA –")
        else:
            parts.append(f"took {duration(elapsed)}")
        parts += [f"cache {stats.cache_hits}", f"unscored {stats.unscored}", f"errors {stats.errors}"]
        parts.append(f"retries {stats.retries}")
        usage = spent(stats)
        if usage is not None:
            parts.append(usage)
        return " · ".join(parts)

    def update(self, stats: RunStats) -> None:
        """Write a line when the next ``every_share`` step ended (``min_gap_s`` after the last line at the
        earliest), or when ``every_s`` passed since the last line."""
        now = self.clock()
        silence = now - self.last_line
        if (stats.done >= self.next_step and silence >= self.min_gap_s) or silence >= self.every_s:
            while self.next_step <= stats.done:
                self.next_step += self._step()
            self.last_line = now
            self.last_done = stats.done
            self._write(self.line(stats))

    def finish(self, stats: RunStats) -> None:
        """The last line (unless the last update already wrote this count), and whether it was cut short."""
        if stats.done != self.last_done or stats.interrupted or stats.stopped:
            cut = " · interrupted" if stats.interrupted else " · stopped" if stats.stopped else ""
            self._write(self.line(stats) + cut)

    def _write(self, text: str) -> None:
        self.lines += 1
        self.stream.write(text + "\n")
        self.stream.flush()


def progress_sink(enabled: bool = True, *, stream: TextIO | None = None) -> ProgressSink | None:
    """The progress sink of a command: ``None`` when disabled, the rich bar when ``stream`` (default standard
    error) is a terminal, :class:`LineProgress` lines otherwise."""
    if not enabled:
        return None
    target = stream if stream is not None else sys.stderr
    if target.isatty():
        from rich.console import Console

        from judgeprobe.harness.run.progress import RichProgress

        return RichProgress(console=Console(file=target))
    return LineProgress(target)
