"""Computations for the grader-isolation tests; module-level so that a worker process can import them."""

from __future__ import annotations

import os
import time

from judgeprobe.cases.answers.budget import BudgetExceeded, run_with_budget
from judgeprobe.cases.answers.hedges import hedged_by_words
from judgeprobe.cases.answers.judgement import Judgement, same
from judgeprobe.cases.answers.kinds import Comparison, Folding, KindSpec, Route


def pid() -> int:
    """The process this runs in."""
    return os.getpid()


def sleep_for(seconds: float) -> str:
    """Hold the worker for a while (past any wall time the tests set)."""
    time.sleep(seconds)
    return "woke up"


def hog_memory(megabytes: int) -> int:
    """Allocate ``megabytes`` MiB and touch them."""
    block = bytearray(megabytes * 1024 * 1024)
    return len(block)


def die() -> None:
    """End the process without a reply."""
    os._exit(7)


def fail() -> None:
    """Raise an ordinary exception."""
    raise ValueError("a computation that fails")


def leave_straggler() -> str:
    """Return in time but leave a budgeted thread running past its budget."""
    try:
        run_with_budget(lambda: time.sleep(30), seconds=0.05)
    except BudgetExceeded:
        return "gave up on the thread"
    return "the thread finished"


def _compare_by_pid(a: str, b: str, how: Comparison, /) -> Judgement:
    return same(f"compared in process {os.getpid()}")


def _no_forms(text: str, kind: object, choices: object, /) -> list[str]:
    return []


def where_spec(name: str = "where_compared") -> KindSpec:
    """A kind whose comparer says which process compared (only module-level functions: it pickles)."""
    return KindSpec(
        name=name,
        description="test kind: reports the comparing process",
        folding=Folding(),
        compare=_compare_by_pid,
        hedged=hedged_by_words,
        forms=_no_forms,
        route=Route.NOTATION,
    )
