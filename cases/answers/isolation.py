"""Grader isolation: symbolic work runs in worker processes that can be stopped.

A thread cannot be killed, so a time budget on a thread (:mod:`judgeprobe.cases.answers.budget`) only
gives the caller its control back: the computation keeps running, and enough of them disable every later
budgeted call of the process. Here each grading computation runs in a small pool of worker processes
(:mod:`judgeprobe.cases.answers.isolation_worker`), each with a memory allowance (``RLIMIT_AS``, Linux)
and, per computation, a wall time. A worker that misses the wall time is killed and replaced; one left
with threads running past their budget, or that ran out of memory, retires after its reply and is
replaced. So no input can slow down or change the grading of any other, and the caller never waits longer
than the wall time for one computation (plus, when every worker is busy, its turn in the queue).

Workers start from a fork server that has imported and warmed the answers package (Linux; no thread of
the calling process is ever forked), elsewhere by ``spawn``. They are started on first use and live until
the process exits.

Settings come from the environment: ``JUDGEPROBE_GRADER_WORKERS`` (default 2; ``0`` grades in the calling
process, as before isolation) and ``JUDGEPROBE_GRADER_MEMORY_MB`` (default 1024; ``0`` sets no cap). When no
process can be started at all, grading falls back to the calling process with a warning.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing import spawn
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import Any, Literal

from judgeprobe.cases.answers.isolation_worker import in_worker, row_digest, serve
from judgeprobe.cases.answers.kinds.registry import KindSpec

__all__ = [
    "DEFAULT_MEMORY_MB",
    "DEFAULT_WORKERS",
    "GraderPool",
    "Outcome",
    "grader_pool",
    "shutdown_grader_pool",
]

DEFAULT_WORKERS = 2
"""Worker processes when ``JUDGEPROBE_GRADER_WORKERS`` is not set."""
DEFAULT_MEMORY_MB = 1024
"""Address space a worker may add to its start-up size, in MiB, when ``JUDGEPROBE_GRADER_MEMORY_MB`` is
not set."""
START_TIMEOUT_S = 120.0
"""Longest wait for a new worker to report ready (the first one also starts the fork server)."""

_log = logging.getLogger(__name__)
Status = Literal["ok", "raised", "timeout", "died", "memory", "unavailable"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one computation sent to a worker."""

    status: Status
    """``ok`` (``value`` holds the result), ``raised`` (``value`` holds the exception), ``timeout`` (the
    worker was killed at the wall time), ``died`` (the worker ended without a reply), ``memory`` (it ran
    out of its memory allowance), ``unavailable`` (no worker can run it: run it in the calling process)."""
    value: Any = None
    """The result or the exception."""
    reason: str = ""
    """Why the computation gave no result (empty when it did)."""


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, process: Any, conn: Connection, digests: dict[str, bytes]) -> None:
        self.process = process
        self.conn = conn
        self.digests = digests
        """Digest of each answer-kind row the worker holds, by kind name."""

    def stop(self) -> None:
        """Kill the process (if still running) and close the pipe."""
        try:
            if self.process.is_alive():
                self.process.kill()
            self.process.join(5)
        except (OSError, ValueError, AssertionError):  # already reaped, or never fully started
            pass
        self.conn.close()


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        _log.warning("%s=%r is not a whole number; using %d", name, raw, default)
        return default
    return max(0, value)


WORKER_NAME = "judgeprobe-grader"
"""The name of every worker process."""


def _without_main(original: Callable[[str], dict[str, Any]]) -> Callable[[str], dict[str, Any]]:
    def get_preparation_data(name: str) -> dict[str, Any]:
        data = original(name)
        if name == WORKER_NAME:
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
        return data

    get_preparation_data.judgeprobe_filter = True  # type: ignore[attr-defined]
    return get_preparation_data


def _context() -> Any:
    """The fork server with the answers package preloaded (Linux), else ``spawn``.

    A worker needs nothing from the calling program's main module, so it does not import it: by default
    multiprocessing re-imports a script's main module in each child, which re-runs a script without an
    ``if __name__ == "__main__"`` guard and costs every worker the command line's imports. The preparation
    data of processes named :data:`WORKER_NAME` (ours alone) is filtered for that.
    """
    if not getattr(spawn.get_preparation_data, "judgeprobe_filter", False):
        filtered: Any = _without_main(spawn.get_preparation_data)
        spawn.get_preparation_data = filtered
    if sys.platform.startswith("linux"):
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["judgeprobe.cases.answers.isolation_preload"])
        return context
    return multiprocessing.get_context("spawn")


class GraderPool:
    """A pool of worker processes, each running one computation at a time; safe to use from many threads.

    Args:
        size: Most workers alive at once.
        memory_mb: Address space each worker may add to its start-up size (0: no cap).
    """

    def __init__(self, size: int, *, memory_mb: int = DEFAULT_MEMORY_MB) -> None:
        if size < 1:
            raise ValueError(f"expected at least one worker, got size={size}")
        self.size = size
        self.memory_mb = memory_mb
        self.started = 0
        """Workers started so far (replacements included)."""
        self.replaced = 0
        """Workers stopped because of a wall time, stragglers, memory or a crash."""
        self._idle: list[_Worker] = []
        self._live = 0
        self._cond = threading.Condition()
        self._closed = False
        self._context = _context()

    # -- workers ---------------------------------------------------------------------------------------

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=serve, args=(child, self.memory_mb), name=WORKER_NAME, daemon=True
        )
        try:
            process.start()
        finally:
            child.close()
        try:
            if not parent.poll(START_TIMEOUT_S):
                raise OSError(f"a grading worker did not start within {START_TIMEOUT_S:g} s")
            hello = parent.recv()
        except (EOFError, OSError):
            worker = _Worker(process, parent, {})
            worker.stop()
            raise OSError("a grading worker exited while starting") from None
        self.started += 1
        return _Worker(process, parent, dict(hello[2]))

    def _acquire(self) -> _Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise OSError("the grader pool is shut down")
                if self._idle:
                    return self._idle.pop()
                if self._live < self.size:
                    self._live += 1
                    break
                self._cond.wait()
        try:
            return self._start()
        except BaseException:
            with self._cond:
                self._live -= 1
                self._cond.notify()
            raise

    def _release(self, worker: _Worker, *, keep: bool) -> None:
        """Return a healthy worker to the pool, or stop a spent one (its slot is refilled on demand)."""
        with self._cond:
            kept = keep and not self._closed
            if kept:
                self._idle.append(worker)
            else:
                self._live -= 1
                self.replaced += not keep
            self._cond.notify()
        if not kept:
            worker.stop()

    def warm(self) -> None:
        """Start a worker now (the first also starts the fork server, a second or two), so that a
        computation asked for later need not wait for it; nothing is started when one is idle. Never
        raises: a worker that cannot start is the later computation's to report."""
        try:
            worker = self._acquire()
        except OSError:
            return
        self._release(worker, keep=True)

    def close(self) -> None:
        """Stop every idle worker; busy ones are stopped when their computation returns."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._live -= len(idle)
            self._cond.notify_all()
        for worker in idle:
            worker.stop()

    # -- calls -----------------------------------------------------------------------------------------

    def call(
        self,
        function: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        wall_s: float,
        rows: Iterable[KindSpec] = (),
    ) -> Outcome:
        """Run ``function(*args, **kwargs)`` in a worker and wait at most ``wall_s`` seconds for it.

        Args:
            function: A module-level function (it is sent by name).
            args: Positional arguments (picklable).
            kwargs: Keyword arguments (picklable).
            wall_s: The wall time; a worker still busy then is killed and replaced.
            rows: Answer-kind rows the computation reads; any the worker does not hold as they are here is
                sent along (a row that cannot be pickled makes the outcome ``unavailable``).

        Returns:
            The :class:`Outcome`; never raises for what the computation does.
        """
        specs = list(rows)
        digests: list[tuple[KindSpec, bytes]] = []
        for spec in specs:
            digest = _cached_digest(spec)
            if digest is None:
                return Outcome("unavailable", reason=f"answer kind {spec.name!r} cannot be sent to a worker")
            digests.append((spec, digest))
        worker = self._acquire()
        keep = False
        try:
            missing = [spec for spec, digest in digests if worker.digests.get(spec.name) != digest]
            blobs = tuple(bytes(ForkingPickler.dumps(spec)) for spec in missing)
            try:
                message = bytes(ForkingPickler.dumps((function, args, kwargs, blobs)))
            except Exception as exc:
                keep = True
                return Outcome("unavailable", reason=f"the computation cannot be sent to a worker ({exc})")
            try:
                worker.conn.send_bytes(message)
                if not worker.conn.poll(wall_s):
                    return Outcome("timeout", reason=f"no result within {wall_s:g} s; the worker was stopped")
                reply, left = worker.conn.recv()
            except (EOFError, OSError):
                worker.process.join(5)  # reap it, so its exit code is known
                code = worker.process.exitcode
                how = f" (exit code {code})" if code is not None else ""
                return Outcome("died", reason=f"the grading worker ended without a result{how}")
            status: Status = reply[0]
            keep = not left and status in ("ok", "raised", "unavailable")
            if status == "ok" or status == "raised":
                for spec, digest in digests:
                    worker.digests[spec.name] = digest
                return Outcome(status, value=reply[1])
            if status == "memory":
                return Outcome(
                    "memory", reason=f"the computation ran out of its {self.memory_mb} MiB allowance"
                )
            return Outcome("unavailable", reason=str(reply[1]))
        finally:
            self._release(worker, keep=keep)


_DIGESTS: dict[int, tuple[KindSpec, bytes | None]] = {}
"""Row digests by row identity (the row is kept so its id is never reused by another object)."""


def _cached_digest(spec: KindSpec) -> bytes | None:
    known = _DIGESTS.get(id(spec))
    if known is not None and known[0] is spec:
        return known[1]
    digest = row_digest(spec)
    _DIGESTS[id(spec)] = (spec, digest)
    return digest


_pool: dict[str, GraderPool | None] = {}
_pool_lock = threading.Lock()


def grader_pool() -> GraderPool | None:
    """The process's grader pool, or ``None`` when computations should run in the calling process (inside
    a worker, with ``JUDGEPROBE_GRADER_WORKERS=0``, or when no process can be started)."""
    if in_worker():
        return None
    pool = _pool.get("pool", False)
    if pool is not False:
        return pool  # type: ignore[return-value]
    with _pool_lock:
        if "pool" not in _pool:
            workers = _env_int("JUDGEPROBE_GRADER_WORKERS", DEFAULT_WORKERS)
            memory = _env_int("JUDGEPROBE_GRADER_MEMORY_MB", DEFAULT_MEMORY_MB)
            _pool["pool"] = GraderPool(workers, memory_mb=memory) if workers > 0 else None
        return _pool["pool"]


def pool_unavailable(reason: str) -> None:
    """Give up on worker processes for the rest of the process (they cannot be started here)."""
    with _pool_lock:
        pool = _pool.get("pool")
        _pool["pool"] = None
    if pool is not None:
        pool.close()
        _log.warning("grading runs in the calling process without isolation: %s", reason)


def shutdown_grader_pool() -> None:
    """Stop the workers; the next grading starts a new pool (with the environment's settings then)."""
    with _pool_lock:
        pool = _pool.pop("pool", None)
    if pool is not None:
        pool.close()


atexit.register(shutdown_grader_pool)
