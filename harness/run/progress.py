"""The rich progress bar of a run: draws done of total, cache hits, unscored, errors, retries, tokens or cost,
rate and ETA.

It implements :class:`judgeprobe.harness.run.runner.ProgressSink`; the runner never imports rich itself.
Outside a terminal, :class:`judgeprobe.harness.run.line_progress.LineProgress` writes plain lines instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from judgeprobe.harness.run.options import spent

if TYPE_CHECKING:
    from judgeprobe.harness.run.options import RunStats

__all__ = ["RichProgress", "describe", "spent"]


def describe(stats: RunStats) -> str:
    """One line of counts: cache hits, unscored, errors, skipped, retries, tokens and cost, rate."""
    parts = [f"cache {stats.cache_hits}", f"unscored {stats.unscored}", f"errors {stats.errors}"]
    if stats.skipped:
        parts.append(f"skipped {stats.skipped}")
    parts.append(f"retries {stats.retries}")
    usage = spent(stats)
    if usage is not None:
        parts.append(usage)
    if stats.elapsed_s > 0:
        parts.append(f"{stats.rate:.1f} draws/s")
    return " · ".join(parts)


class RichProgress:
    """A progress bar on standard error (or on ``console``).

    Args:
        console: Where to draw (default: a console on standard error).
        description: Text before the bar.
    """

    def __init__(self, *, console: Console | None = None, description: str = "judging") -> None:
        self.console = console or Console(stderr=True)
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self.console,
            transient=False,
        )
        self._description = description
        self._task: TaskID | None = None
        self._started_at: float | None = None

    def start(self, total: int) -> None:
        """Show the bar."""
        self._progress.start()
        self._started_at = self._progress.get_time()
        self._task = self._progress.add_task(self._description, total=total, counts="")

    def update(self, stats: RunStats) -> None:
        """Move the bar to ``stats.done`` and refresh the counts."""
        if self._task is None or self._started_at is None:
            return
        elapsed = self._progress.get_time() - self._started_at
        rate = stats.done / elapsed if elapsed > 0 else 0.0
        counts = describe(stats)
        if stats.elapsed_s <= 0 and elapsed > 0:
            counts += f" · {rate:.1f} draws/s"
        self._progress.update(self._task, completed=stats.done, counts=counts)

    def finish(self, stats: RunStats) -> None:
        """Final refresh and stop drawing."""
        self.update(stats)
        self._progress.stop()
