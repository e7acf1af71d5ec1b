"""The store's side file: draws that are safe from a killed process but not yet committed to SQLite.

SQLite rewrites whole pages on every commit, so committing each handful of draws costs far more than
the draws themselves. The runner instead appends finished draws here (one ``write`` call per event-loop
tick: once it returns, the bytes are in the kernel and survive the process being killed) and commits them
to SQLite in bulk. Opening a store replays whatever a killed process left here.

Format: one JSON array per line, the values of one ``draws`` row in column order.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["Journal"]

Row = tuple[Any, ...]


class Journal:
    """An append-only file of rows of a fixed width.

    Args:
        path: The side file (created on the first append).
        width: Values per row; a line of another width ends recovery.
    """

    def __init__(self, path: Path, *, width: int) -> None:
        self.path = path
        self.width = width
        self._fd: int | None = None

    def append(self, rows: Sequence[Row]) -> None:
        """Write ``rows`` with one ``write`` call (repeated only if the kernel takes part of it)."""
        if not rows:
            return
        if self._fd is None:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        text = "".join(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n" for row in rows)
        view = memoryview(text.encode())
        while view:
            view = view[os.write(self._fd, view) :]

    def truncate(self) -> None:
        """Empty the file (its rows are committed)."""
        if self._fd is not None:
            os.ftruncate(self._fd, 0)

    def recover(self) -> list[Row]:
        """Rows left by a previous process; a line cut off by a kill (and anything after it) is dropped."""
        if not self.path.exists():
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
        """Close and remove the file (call only once its rows are committed)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self.path.unlink(missing_ok=True)
