"""The outcome of comparing two answers."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Decision", "Judgement", "Uncacheable", "different", "same", "undecided"]


class Decision(StrEnum):
    """Whether two answers name the same thing."""

    EQUIVALENT = "equivalent"
    """Same answer in another form."""
    DIFFERENT = "different"
    """A different answer (including a hedged or empty one)."""
    UNDECIDED = "undecided"
    """The checker cannot tell: unparseable, over a limit, or out of time."""


@dataclass(frozen=True, slots=True)
class Judgement:
    """A decision with the reason behind it, so a grader's verdict can be audited."""

    decision: Decision
    """The decision."""
    reason: str
    """Why, in a few words (``symbolic difference is 0``, ``parse budget exceeded``)."""

    @property
    def equivalent(self) -> bool:
        """True when the decision is :attr:`Decision.EQUIVALENT`."""
        return self.decision is Decision.EQUIVALENT


def same(reason: str) -> Judgement:
    """An equivalent judgement."""
    return Judgement(Decision.EQUIVALENT, reason)


def different(reason: str) -> Judgement:
    """A different judgement."""
    return Judgement(Decision.DIFFERENT, reason)


def undecided(reason: str) -> Judgement:
    """An undecided judgement."""
    return Judgement(Decision.UNDECIDED, reason)


class Uncacheable(Exception):
    """Raised by a comparer whose judgement depends on timing (a budget ran out): the judgement is returned
    to the caller but not cached."""

    def __init__(self, judgement: Judgement) -> None:
        super().__init__(judgement.reason)
        self.judgement = judgement
