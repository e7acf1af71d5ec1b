"""Score labels: the expected range of a score-mode variant.

A variant's ``label`` is text, because it is stored, hashed into the variant id and written to every report
as text: grade ``correct``/``incorrect``, pairwise a response id or ``tie``, score ``"low-high"``. A score
label is made and read only here: :class:`ScoreLabel` is the pair, ``str()`` gives its stored form and
:meth:`ScoreLabel.parse` reads it back. Probes that change a score unit's range, the statistics that ask
whether a score lies in it and the reports all go through these two.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["ScoreLabel"]


class ScoreLabel(NamedTuple):
    """An expected score range, both ends included (``low <= high``)."""

    low: int
    """Lowest score that agrees with the label."""
    high: int
    """Highest score that agrees with the label."""

    def __str__(self) -> str:
        """The stored form, ``"low-high"``."""
        return f"{self.low}-{self.high}"

    @classmethod
    def parse(cls, text: str) -> ScoreLabel | None:
        """The range a stored label ``"low-high"`` names, or ``None`` when ``text`` is not a score label
        (a grade or pairwise label, or a malformed one)."""
        low, sep, high = text.partition("-")
        if not sep or not low.isdigit() or not high.isdigit():
            return None
        pair = cls(int(low), int(high))
        return pair if pair.low <= pair.high else None

    def contains(self, score: float) -> bool:
        """Whether ``score`` lies in the range."""
        return self.low <= score <= self.high
