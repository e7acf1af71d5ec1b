"""What a case states about its reference, beyond the reference itself: the tolerance of a number, other
names the case accepts, and what a multiple-choice answer whose letter and text disagree gets.

:class:`ReferenceRules` travels with every variant and judge request of the case, so the built-in graders
(and any judge that wants them) grade by the case's own rules. It never holds a label or the case's
``equivalents`` (those are for the probes, not the graders).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from judgeprobe.cases.answers.tolerance import Tolerance

__all__ = ["CHOICE_CONFLICTS", "ChoiceConflict", "ReferenceRules"]

ChoiceConflict = Literal["incorrect", "undecided"]
"""What a multiple-choice answer gets when its letter and its choice text name different choices."""
CHOICE_CONFLICTS: tuple[ChoiceConflict, ...] = ("incorrect", "undecided")


@dataclass(frozen=True, slots=True)
class ReferenceRules:
    """A case's statements about its reference that graders honour (all optional)."""

    tolerance: Tolerance | None = None
    """How close a number must be (``None``: the kind's default)."""
    aliases: tuple[str, ...] = ()
    """Other names of the reference that the case accepts (added to the shared alias tables)."""
    choice_conflict: ChoiceConflict = "incorrect"
    """Multiple choice: the verdict on ``B – <text of C>`` (``incorrect`` or ``undecided``)."""

    def __post_init__(self) -> None:
        if self.choice_conflict not in CHOICE_CONFLICTS:
            raise ValueError(
                f"expected choice_conflict 'incorrect' or 'undecided', got {self.choice_conflict!r}"
            )
        if not isinstance(self.aliases, tuple):
            object.__setattr__(self, "aliases", tuple(self.aliases))

    @property
    def empty(self) -> bool:
        """True when every rule is the default (such rules change no id and no request key)."""
        return self.tolerance is None and not self.aliases and self.choice_conflict == "incorrect"

    def to_json(self) -> dict[str, Any]:
        """The rules that are set, as JSON-ready values."""
        out: dict[str, Any] = {}
        if self.tolerance is not None:
            out["tolerance"] = self.tolerance.to_json()
        if self.aliases:
            out["aliases"] = list(self.aliases)
        if self.choice_conflict != "incorrect":
            out["choice_conflict"] = self.choice_conflict
        return out

    def key(self) -> str:
        """Canonical JSON of :meth:`to_json`, for content hashes."""
        return json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> ReferenceRules | None:
        """Inverse of :meth:`to_json` (``None`` for ``None`` or empty rules)."""
        if not data:
            return None
        rules = cls(
            tolerance=Tolerance.of(data.get("tolerance")) if data.get("tolerance") is not None else None,
            aliases=tuple(str(a) for a in data.get("aliases", ())),
            choice_conflict=data.get("choice_conflict", "incorrect"),
        )
        return None if rules.empty else rules

    @classmethod
    def of(
        cls,
        *,
        tolerance: object = None,
        aliases: Sequence[str] = (),
        choice_conflict: ChoiceConflict = "incorrect",
    ) -> ReferenceRules | None:
        """Rules from a case's fields, or ``None`` when none is set."""
        rules = cls(Tolerance.of(tolerance), tuple(aliases), choice_conflict)
        return None if rules.empty else rules
