"""What the audit reads: one judged answer per :class:`JudgedRow`, rows it cannot use as :class:`Unusable`.

Readers (:mod:`judgeprobe.harness.audit.readers`) turn every input shape into these two types; everything
after them (second opinion, taxonomy, team statistics) sees only these.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from judgeprobe.harness.core.errors import HarnessError

__all__ = ["AuditInputError", "JudgedRow", "Unusable"]


class AuditInputError(HarnessError, ValueError):
    """A results or questions file cannot be read at all. ``str()`` reads ``FILE:LINE: FIELD: message``.

    Rows that are merely unusable are not errors: they become :class:`Unusable` and are counted.
    """

    def __init__(self, path: Path | str, line: int | None, field: str | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.field = field
        self.message = message
        where = f"{self.path}:{line}" if line is not None else self.path
        what = f"{field}: " if field else ""
        super().__init__(f"{where}: {what}{message}")


@dataclass(frozen=True, slots=True)
class JudgedRow:
    """One answer a judge judged, in the audit's own vocabulary."""

    source: str
    """The results file the row came from, as given on the command line."""
    line: int
    """Line of the row in that file (HLE files: the line of the item's key)."""
    id: str
    """Question (item) id; rows of different teams on one question share it."""
    team: str
    """The team or model that answered."""
    phase: str | None
    """Phase or round of the competition (``None`` when the file has none)."""
    answer_type: str | None
    """``exactMatch`` / ``multipleChoice`` as the benchmark says, when known."""
    question: str | None
    """The question text, when known (from the row or ``--questions``)."""
    response: str
    """The full response the judge read (may be empty when only the extracted answer is known)."""
    reference: str
    """The reference (correct) answer."""
    extracted: str | None
    """The final answer the judge extracted (``None`` when it found none)."""
    explanation: str | None
    """The judge's explanation of its verdict."""
    correct: bool
    """The judge's verdict."""
    confidence: float | None
    """The confidence stated in the response, percent (0-100)."""
    part_score: float | None
    """A separately judged partial score, when the file has one."""
    category: str | None
    """The benchmark's category of the question, when known."""
    judge: str | None
    """Name of the judge model, when the file says."""

    @property
    def key(self) -> tuple[str, str]:
        """The item: ``(phase or "", id)``; the same question in two phases is two items."""
        return (self.phase or "", self.id)


@dataclass(frozen=True, slots=True)
class Unusable:
    """A row the audit could not use, and why (listed in every output; never silently dropped)."""

    source: str
    """The file."""
    line: int
    """Its line."""
    id: str | None
    """The row's id, when it had one."""
    team: str | None
    """The row's team, when known."""
    phase: str | None
    """The row's phase, when known."""
    field: str | None
    """The field at fault."""
    reason: str
    """What is wrong with it."""

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "source": self.source,
            "line": self.line,
            "id": self.id,
            "team": self.team,
            "phase": self.phase,
            "field": self.field,
            "reason": self.reason,
        }
