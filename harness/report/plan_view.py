"""The dry run's view of a plan: one plain line per variant (greppable, pipeable), then counts per family."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.table import Table

from judgeprobe.harness.run.plan import SuitePlan

__all__ = ["render_plan"]


def render_plan(plan: SuitePlan, console: Console, *, echo: Callable[[str], object] = print) -> None:
    """Print every variant of ``plan`` as a line through ``echo``, then the variants by family to
    ``console``."""
    for variant in plan.variants:
        echo(
            f"{variant.id}  {variant.case_id}/{variant.unit_id}  {variant.relation}  "
            f"label={variant.label}  {variant.chain_name}"
        )
    table = Table(title=f"Variants by family ({len(plan.cases)} cases, seed {plan.seed})")
    table.add_column("family")
    table.add_column("invariant", justify="right")
    table.add_column("control", justify="right")
    table.add_column("total", justify="right")
    rows: dict[str, dict[str, int]] = {}
    for variant in plan.variants:
        row = rows.setdefault(variant.family, {"invariant": 0, "control": 0, "base": 0})
        row[str(variant.relation)] += 1
    for family, row in sorted(rows.items()):
        table.add_row(family, str(row["invariant"]), str(row["control"]), str(sum(row.values())))
    table.add_row("all", "", "", str(len(plan.variants)), style="bold")
    console.print(table)
    console.print(f"{len(plan.probes)} probes selected; no judge was called (--dry-run).")
