"""Shards: one run's plan split over several machines, each running a part into its own folder.

``judgeprobe run --shard i/N`` keeps the cases whose position in the plan's case order (library order after
selection) is ``i - 1`` modulo ``N``, with every variant of those cases: a case's base, placebo, perturbed
and control draws stay on one machine, so each shard is a complete run of its cases. The split is a function
of the selection alone — the same command on every machine, with only ``i`` changing, covers every case
exactly once. ``judgeprobe merge`` puts the shard folders back together as the one run they are parts of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.run.plan import SuitePlan

__all__ = ["Shard", "shard_plan"]

_FORM = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True, order=True)
class Shard:
    """Part ``index`` (from 1) of ``count``."""

    index: int
    """Which part, ``1..count``."""
    count: int
    """How many parts the run is split into."""

    def __post_init__(self) -> None:
        if not 1 <= self.index <= self.count:
            raise ConfigError(
                f"a shard is i/N with 1 <= i <= N, got {self.index}/{self.count}; e.g. --shard 2/4"
            )

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"2/4"`` -> ``Shard(2, 4)``.

        Raises:
            ConfigError: Not of the form ``i/N`` with ``1 <= i <= N``.
        """
        found = _FORM.match(text)
        if found is None:
            raise ConfigError(f"a shard is written i/N (e.g. 2/4 for the second of four), got {text!r}")
        return cls(int(found.group(1)), int(found.group(2)))

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def keeps(self, position: int) -> bool:
        """Whether the case at ``position`` (from 0) of the plan's case order is in this shard."""
        return position % self.count == self.index - 1


def shard_plan(plan: SuitePlan, shard: Shard) -> SuitePlan:
    """The part of ``plan`` that ``shard`` runs: its cases and every variant of them."""
    cases = tuple(case for position, case in enumerate(plan.cases) if shard.keeps(position))
    kept = {case.id for case in cases}
    return replace(
        plan,
        cases=cases,
        variants=tuple(v for v in plan.variants if v.case_id in kept),
        reference_doubt={case: doubt for case, doubt in plan.reference_doubt.items() if case in kept},
    )
