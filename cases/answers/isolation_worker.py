"""The worker side of grader isolation: one process that runs one computation at a time for its parent.

:mod:`judgeprobe.cases.answers.isolation` starts these processes and talks to each over a pipe. A worker

1. caps its own address space (``RLIMIT_AS``, Linux) at its size when it starts plus the configured
   memory allowance, so a computation that would eat the machine's memory fails with ``MemoryError``;
2. sends ``("ready", pid, digests)``: a digest of every answer-kind row it knows, so the parent can tell
   which rows it must pass along (a kind registered in the parent after start-up, or a replaced row);
3. then answers each request ``(function, args, kwargs, rows)`` with ``(reply, stragglers)``, where
   ``reply`` is ``("ok", value)``, ``("raised", exception)``, ``("memory", "")`` or
   ``("unavailable", why)`` (a row it was given could not be loaded), and ``stragglers`` counts the
   budgeted threads (:mod:`judgeprobe.cases.answers.budget`) still running past their budget.

A worker with stragglers, or one that ran out of memory, exits right after its reply: threads cannot be
stopped, so the process is, and the parent starts a fresh one. Inside a worker the thread budget still gives
its fallbacks (a numeric spot check when no symbolic proof came in time), so verdicts are the same as in
the calling process.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from multiprocessing.connection import Connection
from typing import Any

from judgeprobe.cases.answers import budget
from judgeprobe.cases.answers.kinds.registry import KindSpec, known_kinds, register_kind

__all__ = ["in_worker", "row_digest", "row_digests", "serve", "warm"]

_state = {"in_worker": False, "warm": False}


def in_worker() -> bool:
    """True inside a grading worker (where computations run in place, never through another worker)."""
    return _state["in_worker"]


def row_digest(spec: KindSpec) -> bytes | None:
    """A digest of a row's pickled form (``None`` when it cannot be pickled, e.g. it holds a lambda)."""
    try:
        blob = pickle.dumps(spec, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # lambdas, local functions, objects of __main__ … : the row stays in its process
        return None
    return hashlib.sha256(blob).digest()


def row_digests() -> dict[str, bytes]:
    """Digests of every row this process knows, by kind name (rows that cannot be pickled are left out)."""
    digests = {}
    for kind in known_kinds():
        digest = row_digest(kind.spec)
        if digest is not None:
            digests[str(kind)] = digest
    return digests


def warm() -> None:
    """Load the answer-kind table and run one small grading of each route, so the lazily imported parts
    of sympy are in memory before the first real request (once per process)."""
    if _state["warm"]:
        return
    from judgeprobe.cases.answers.equivalence import equivalent
    from judgeprobe.cases.answers.grading import grade

    known_kinds()
    grade("x + 1", "So the answer is 1 + x.", kind="expression")
    grade("m(m-1)/2", "Answer: \\frac{m!}{2!\\,(m-2)!}", kind="expression")  # loads combinatorial simplify
    grade("\\tan^2 y + 1", "Answer: \\frac{1}{\\cos^{2}y}", kind="expression")  # loads trigonometric simplify
    grade("1/2", "Answer: 0.5", kind="number")
    grade("B", "Answer: (B)", kind="multiple_choice", choices=(("A", "1"), ("B", "2")))
    equivalent("{1, 2}", "{2, 1}", kind="set")
    _state["warm"] = True


def _vm_size() -> int | None:
    """This process's virtual memory size in bytes (Linux), else ``None``."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def limit_memory(allowance_mb: int) -> bool:
    """Cap the address space at the current size plus ``allowance_mb`` MiB (Linux only; 0 = no cap).

    Returns:
        Whether a cap was set.
    """
    if allowance_mb <= 0 or not sys.platform.startswith("linux"):
        return False
    import resource

    size = _vm_size()
    if size is None:
        return False
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = size + allowance_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY:
        cap = min(cap, soft)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    return True


def _load_rows(rows: tuple[bytes, ...]) -> str | None:
    """Register the rows the parent passed along; the reason when one cannot be loaded."""
    for blob in rows:
        try:
            spec = pickle.loads(blob)  # noqa: S301 - written by our own parent process, never by a user
        except Exception as exc:
            return f"an answer-kind row could not be loaded in the worker ({type(exc).__name__}: {exc})"
        if not isinstance(spec, KindSpec):
            return f"expected an answer-kind row, got {type(spec).__name__}"
        register_kind(spec, replace=True)
    return None


def _reply(
    function: Any, args: tuple[Any, ...], kwargs: dict[str, Any], rows: tuple[bytes, ...]
) -> tuple[Any, ...]:
    problem = _load_rows(rows)
    if problem is not None:
        return ("unavailable", problem)
    try:
        return ("ok", function(*args, **kwargs))
    except MemoryError:
        return ("memory", "")
    except Exception as exc:
        return ("raised", exc)


def serve(conn: Connection, allowance_mb: int) -> None:
    """The worker's main loop (the target of each worker process); returns when the parent goes away."""
    _state["in_worker"] = True
    limit_memory(allowance_mb)
    warm()
    try:
        conn.send(("ready", os.getpid(), row_digests()))
    except (EOFError, OSError):  # the parent went away while this worker started (a warm start at exit)
        return
    while True:
        try:
            function, args, kwargs, rows = conn.recv()
        except (EOFError, OSError):
            return
        except MemoryError:
            os._exit(3)
        reply = _reply(function, args, kwargs, rows)
        left = budget.stragglers()
        try:
            conn.send((reply, left))
        except (EOFError, OSError):
            return
        except Exception as exc:  # a result or exception that does not pickle
            conn.send((("raised", RuntimeError(f"{type(exc).__name__}: {exc}")), left))
        if left or reply[0] == "memory":
            os._exit(0)  # threads past their budget cannot be stopped; the process is, and is replaced
