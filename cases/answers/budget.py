"""Run a bounded piece of sympy work off the calling thread, with a wall-clock budget.

A Python thread cannot be killed, so the budget is a promise to the *caller*: it gets control back when
the time is up and treats the work as undecided. The work itself is kept bounded by the parser's limits
(exponent, factorial, digit and size checks happen before any evaluation), so a late worker finishes
soon after. Work runs on a small pool of daemon threads (a straggler never holds up interpreter exit);
when no pooled thread is idle, a one-off daemon thread is used, so nested or concurrent budgeted calls
never wait for each other. A worker whose task overran leaves the pool when it finishes, and at most
:data:`MAX_STRAGGLERS` overrunning tasks may be alive at once: beyond that, new work is refused at once.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["MAX_STRAGGLERS", "POOL_SIZE", "BudgetExceeded", "Deadline", "run_with_budget", "stragglers"]

T = TypeVar("T")

MAX_STRAGGLERS = 4
"""Most timed-out tasks allowed to still be running before new budgeted work is refused."""
POOL_SIZE = 4
"""Pooled worker threads kept for budgeted work."""


class BudgetExceeded(Exception):
    """The work did not finish within its time budget (or too many earlier tasks are still running)."""


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


class _Task(Generic[T]):
    __slots__ = ("abandoned", "done", "error", "result", "work")

    def __init__(self, work: Callable[[], T]) -> None:
        self.work = work
        self.done = threading.Event()
        self.result: list[T] = []
        self.error: list[BaseException] = []
        self.abandoned = False

    def run(self) -> bool:
        """Run the work; True when the caller gave up on it meanwhile (the worker should then retire)."""
        try:
            self.result.append(self.work())
        except BaseException as exc:  # handed to the caller
            self.error.append(exc)
        with _lock:
            self.done.set()
            if self.abandoned:
                _state["stragglers"] -= 1
                return True
        return False


_lock = threading.Lock()
_tasks: queue.SimpleQueue[_Task[object]] = queue.SimpleQueue()
_state = {"workers": 0, "idle": 0, "stragglers": 0}


def _forget_threads_after_fork() -> None:
    """In a forked child no thread of the parent runs: start the bookkeeping afresh (a grading worker
    forked from a warmed-up fork server would otherwise hand work to pooled threads that do not exist)."""
    global _lock, _tasks
    _lock = threading.Lock()
    _tasks = queue.SimpleQueue()
    _state.update(workers=0, idle=0, stragglers=0)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_threads_after_fork)


def _pool_worker() -> None:
    while True:
        task = _tasks.get()
        if task.run():
            with _lock:
                _state["workers"] -= 1
            return
        with _lock:
            _state["idle"] += 1


def _one_off(task: _Task[object]) -> None:
    task.run()


def _start(task: _Task[object]) -> None:
    with _lock:
        if _state["idle"] > 0:
            _state["idle"] -= 1
            _tasks.put(task)
            return
        pooled = _state["workers"] < POOL_SIZE
        if pooled:
            _state["workers"] += 1
    if pooled:
        threading.Thread(target=_pool_worker, name="judgeprobe-budget", daemon=True).start()
        _tasks.put(task)
    else:
        threading.Thread(target=_one_off, args=(task,), name="judgeprobe-budget-extra", daemon=True).start()


def stragglers() -> int:
    """Timed-out tasks still running in this process (a grading worker with any is replaced)."""
    with _lock:
        return _state["stragglers"]


def run_with_budget(work: Callable[[], T], *, seconds: float) -> T:
    """Run ``work()`` on a worker thread and wait at most ``seconds`` for it.

    Args:
        work: A callable without arguments; its exceptions are re-raised in the caller.
        seconds: The budget in seconds.

    Returns:
        Whatever ``work`` returned.

    Raises:
        BudgetExceeded: The budget ran out, or too many timed-out tasks are still running.
    """
    if seconds <= 0:
        raise BudgetExceeded("time budget exhausted")
    with _lock:
        if _state["stragglers"] >= MAX_STRAGGLERS:
            raise BudgetExceeded(f"{MAX_STRAGGLERS} earlier computations are still running past their budget")
    task: _Task[T] = _Task(work)
    _start(task)  # type: ignore[arg-type]
    if not task.done.wait(seconds):
        with _lock:
            if not task.done.is_set():
                task.abandoned = True
                _state["stragglers"] += 1
                raise BudgetExceeded(f"time budget of {seconds:.2g} s exceeded")
    if task.error:
        raise task.error[0]
    return task.result[0]
