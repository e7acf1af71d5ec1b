"""The store's side file: draws that are safe from a killed process but not yet committed to SQLite.

SQLite rewrites whole pages on every commit, so committing each handful of draws costs far more than
the draws themselves. The runner instead appends finished draws here (one ``write`` call per event-loop
tick: once it returns, the bytes are in the kernel and survive the process being killed) and commits them
to SQLite in bulk. Opening a store replays whatever a killed process left here.

The process that writes the file holds an exclusive ``flock`` on it for as long as it has it open; the
kernel drops the lock when that process dies. So a file whose lock can be taken was left by a dead writer
and is replayed, while a file whose lock is held belongs to a live run and is left alone (a report or a
replay reading the folder meanwhile does not disturb it), and a second run writing into the same folder
at the same time is refused. (Without ``fcntl``, on Windows, there is no such guard.)

Format: one JSON array per line, the values of one ``draws`` row in column order.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from judgeprobe.harness.core.errors import StoreError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["Journal"]

Row = tuple[Any, ...]


class Journal:
    """An append-only file of rows of a fixed width, owned by one process at a time.

    Args:
        path: The side file (created on the first append).
        width: Values per row; a line of another width ends recovery.
    """

    def __init__(self, path: Path, *, width: int) -> None:
        self.path = path
        self.width = width
        self._fd: int | None = None

    def _take(self, *, create: bool) -> bool:
        """Open the file and take its lock; ``False`` when another live process holds it."""
        if self._fd is not None:
            return True
        flags = os.O_RDWR | os.O_APPEND | (os.O_CREAT if create else 0)
        try:
            fd = os.open(self.path, flags, 0o600)
        except FileNotFoundError:
            return False
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
        self._fd = fd
        return True

    def claim(self) -> None:
        """Take the file (creating it) before any work that will end in :meth:`append`.

        Raises:
            StoreError: Another live process is writing this store.
        """
        if not self._take(create=True):
            raise StoreError(
                f"another judgeprobe process is writing {self.path.parent}; wait for it to finish or "
                "write to another output folder"
            )

    def append(self, rows: Sequence[Row]) -> None:
        """Write ``rows`` with one ``write`` call (repeated only if the kernel takes part of it).

        Raises:
            StoreError: Another live process is writing this store.
        """
        if not rows:
            return
        text = "".join(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n" for row in rows)
        data = text.encode()
        if not self._take(create=True):
            raise StoreError(
                f"another judgeprobe process is writing {self.path.parent}; wait for it to finish or "
                "write to another output folder"
            )
        assert self._fd is not None
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]

    def truncate(self) -> None:
        """Empty the file (its rows are committed)."""
        if self._fd is not None:
            os.ftruncate(self._fd, 0)

    def recover(self) -> list[Row]:
        """Rows left by a dead process (their file is then ours); a line cut off by a kill ends them.

        Returns nothing when there is no file, or when a live process owns it.
        """
        if not self.path.exists() or not self._take(create=False):
            return []
        rows: list[Row] = []
        with self.path.open("rb") as lines:
            for line in lines:
                try:
                    row = json.loads(line)
                except ValueError:
                    break
                if not isinstance(row, list) or len(row) != self.width:
                    break
                rows.append(tuple(row))
        return rows

    def close(self) -> None:
        """Remove the file if this process owns it (its rows must be committed), and release it."""
        if self._fd is not None:
            self.path.unlink(missing_ok=True)
            os.close(self._fd)
            self._fd = None
