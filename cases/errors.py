"""Exceptions of the ``cases`` package.

Hierarchy::

    CaseError                         root of everything ``cases`` raises on purpose
    ├── CaseFileError (ValueError)    a case file is malformed; names file, line and field
    │   └── DuplicateCaseId           the same case id appears twice (possibly across files)
    └── NewCaseError (ValueError)     a scaffolded case cannot be added (id taken, does not lint)

Answer parsing never raises for bad input: it returns an "undecided" result (see
``judgeprobe.cases.answers``).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["CaseError", "CaseFileError", "DuplicateCaseId", "NewCaseError"]


class CaseError(Exception):
    """Root of the ``cases`` package's exceptions."""


class CaseFileError(CaseError, ValueError):
    """A malformed case file. ``str()`` reads ``FILE:LINE: FIELD: message``."""

    def __init__(self, path: Path | str, line: int | None, field: str | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.field = field
        self.message = message
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        what = f"{field}: " if field else ""
        super().__init__(f"{where}: {what}{message}")


class DuplicateCaseId(CaseFileError):
    """The same case id is defined twice."""


class NewCaseError(CaseError, ValueError):
    """A scaffolded case cannot be added to its file: its id is taken, it does not lint, or the file is
    broken. The message says which (every lint error included)."""
