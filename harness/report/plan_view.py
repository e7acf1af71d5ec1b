"""The dry run's view of a plan: its counts (cases, probes, variants by family, draws), and on request one
plain line per variant (greppable, pipeable)."""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Console
from rich.table import Table

from judgeprobe.harness.run.plan import SuitePlan
from judgeprobe.probes.variant import Relation

__all__ = ["planned_draws", "render_plan", "variant_lines"]


def planned_draws(plan: SuitePlan, *, repeats: int = 1) -> int:
    """Draws a run of ``plan`` makes: ``repeats`` per variant, and as many placebo draws again per base
    variant."""
    return sum(2 * repeats if v.relation is Relation.BASE else repeats for v in plan.variants)


def variant_lines(plan: SuitePlan) -> Iterator[str]:
    """One line per variant: ``id  case/unit  relation  label=…  chain``."""
    for variant in plan.variants:
        yield (
            f"{variant.id}  {variant.case_id}/{variant.unit_id}  {variant.relation}  "
            f"label={variant.label}  {variant.chain_name}"
        )


def render_plan(plan: SuitePlan, console: Console, *, repeats: int = 1) -> None:
    """Print the variants by family and the totals to ``console``."""
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
    for mode, units in plan.derived_units().items():
        what = "pairwise pairs, each judged in both orders" if mode == "pairwise" else "score units"
        console.print(f"Derived from the selected grade cases: {units} {what}.")
    console.print(
        f"{len(plan.cases)} cases, {len(plan.probes)} probes, {len(plan.variants)} variants, "
        f"{planned_draws(plan, repeats=repeats)} draws (repeats {repeats}); no judge was called (--dry-run)."
    )
