"""The runner's draw writer: finished draws go to the store's journal once per event-loop tick and are
committed to SQLite in bulk (see :mod:`judgeprobe.harness.store.journal` for why that is both safe and cheap).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from judgeprobe.harness.core.records import DrawRecord

if TYPE_CHECKING:
    from judgeprobe.harness.store import RunStore

__all__ = ["DrawWriter"]


class DrawWriter:
    """Journals finished draws once per event-loop tick, commits them to SQLite in bulk.

    A journaled draw is safe from a killed process (see ``judgeprobe.harness.store.journal``), so a call's
    permit is released as soon as its draw is journaled; SQLite commits happen every ``COMMIT_EVERY_S``
    seconds or ``COMMIT_ROWS`` draws, whichever comes first, and at the end of the run.
    """

    COMMIT_ROWS = 500
    COMMIT_EVERY_S = 0.25

    def __init__(self, store: RunStore) -> None:
        self._store = store
        self._rows: list[DrawRecord] = []
        self._waiters: list[asyncio.Future[None]] = []
        self._scheduled = False
        self._timer: asyncio.TimerHandle | None = None
        self.error: BaseException | None = None

    def write(self, record: DrawRecord, *, wait: bool) -> asyncio.Future[None] | None:
        """Queue one draw; with ``wait``, a future that is done once the draw is journaled."""
        self._rows.append(record)
        future: asyncio.Future[None] | None = None
        loop = asyncio.get_running_loop()
        if wait:
            future = loop.create_future()
            self._waiters.append(future)
        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self.flush)
        return future

    def flush(self) -> None:
        """Journal the rows of this tick and wake their waiters."""
        self._scheduled = False
        rows, waiters = self._rows, self._waiters
        self._rows, self._waiters = [], []
        try:
            self._store.journal_draws(rows)
            if self._store.pending >= self.COMMIT_ROWS:
                self.commit()
            elif self._store.pending and self._timer is None:
                self._timer = asyncio.get_running_loop().call_later(self.COMMIT_EVERY_S, self.commit)
        except Exception as exc:
            self.error = exc
            for future in waiters:
                if not future.done():
                    future.set_exception(exc)
            return
        for future in waiters:
            if not future.done():
                future.set_result(None)

    def commit(self) -> None:
        """Commit journaled draws to SQLite."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        try:
            self._store.flush()
        except Exception as exc:
            self.error = exc

    def close(self) -> None:
        """Journal and commit everything still queued (also after a cancellation)."""
        self.flush()
        self.commit()
