"""Run a bounded piece of sympy work off the calling thread, with a wall-clock budget.

A Python thread cannot be killed, so the budget is a promise to the *caller*: it gets control back when
the time is up and treats the work as undecided. The work itself is kept bounded by the parser's limits
(exponent, factorial, digit and size checks happen before any evaluation), so a late worker finishes
soon after. Workers are daemon threads, so a straggler never holds up interpreter exit, and at most
:data:`MAX_STRAGGLERS` of them may be alive at once: beyond that, new work is refused at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

__all__ = ["MAX_STRAGGLERS", "BudgetExceeded", "Deadline", "run_with_budget"]

T = TypeVar("T")

MAX_STRAGGLERS = 4
"""Most timed-out workers allowed to still be running before new budgeted work is refused."""

_stragglers: list[threading.Thread] = []
_lock = threading.Lock()


class BudgetExceeded(Exception):
    """The work did not finish within its time budget (or too many earlier workers are still running)."""


class Deadline:
    """A point in time shared by the steps of one parse or comparison."""

    def __init__(self, seconds: float) -> None:
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left (never negative)."""
        return max(0.0, self._end - time.monotonic())

    def expired(self) -> bool:
        """True once the budget is spent."""
        return self.remaining() <= 0.0


def _prune() -> int:
    with _lock:
        _stragglers[:] = [t for t in _stragglers if t.is_alive()]
        return len(_stragglers)


def run_with_budget(work: Callable[[], T], *, seconds: float) -> T:
    """Run ``work()`` in a daemon thread and wait at most ``seconds`` for it.

    Args:
        work: A callable without arguments; its exceptions are re-raised in the caller.
        seconds: The budget in seconds.

    Returns:
        Whatever ``work`` returned.

    Raises:
        BudgetExceeded: The budget ran out, or too many timed-out workers are still running.
    """
    if seconds <= 0:
        raise BudgetExceeded("time budget exhausted")
    if _prune() >= MAX_STRAGGLERS:
        raise BudgetExceeded(f"{MAX_STRAGGLERS} earlier computations are still running past their budget")
    box: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            box.append(work())
        except BaseException as exc:  # re-raised in the caller below
            failure.append(exc)

    worker = threading.Thread(target=target, name="judgeprobe-budget", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        with _lock:
            _stragglers.append(worker)
        raise BudgetExceeded(f"time budget of {seconds:.2g} s exceeded")
    if failure:
        raise failure[0]
    return box[0]
