"""``judgeprobe probes``: the registered probes, with family, relation, parameters and description.

Exit codes: 0 fine, 2 usage error (an unknown family).
"""

from __future__ import annotations

import click
from rich.table import Table

from judgeprobe.cases.models import Mode
from judgeprobe.harness.cli.main import console
from judgeprobe.probes.base import ProbeInfo, list_families, list_probes

__all__ = ["param_text", "probes"]


def param_text(info: ProbeInfo) -> str:
    """Parameters of the default suite's grid, ``words=100|400|1600`` (dose parameters marked ``*``), and the
    share of grade units the default suite applies the probe to when it is not all of them (pairwise and
    score units get every probe)."""
    parts = []
    for key, values in sorted(info.params.items()):
        mark = "*" if key == info.dose_param else ""
        parts.append(
            f"{key}{mark}=" + "|".join(str(v) if not isinstance(v, str) else repr(v) for v in values)
        )
    if info.share < 1:
        parts.append(f"({info.share:.0%} of grade units)")
    return " ".join(parts) or "-"


@click.group("probes")
def probes() -> None:
    """List the registered probes."""


@probes.command("list")
@click.option("--family", "families", multiple=True, help="Show only this family; repeatable.")
def list_command(families: tuple[str, ...]) -> None:
    """Show every probe: name, family, relation, parameters (* marks the dose) and a one-line description.

    The default suite sweeps a dose over its whole grid on every unit and takes one value of every other
    parameter per unit (a stable hash picks it); paired controls go to a third of the units.
    """
    known = list_families()
    unknown = [family for family in families if family not in known]
    if unknown:
        raise click.UsageError(f"unknown family {unknown[0]!r}; known families: {', '.join(known)}")
    shown = [info for info in list_probes() if not families or info.family in families]
    table = Table(title=f"{len(shown)} probes", title_justify="left")
    table.add_column("name", no_wrap=True)
    table.add_column("family", no_wrap=True)
    table.add_column("relation", no_wrap=True)
    table.add_column("parameters", overflow="fold")
    table.add_column("description", overflow="fold")
    for info in shown:
        table.add_row(info.name, info.family, str(info.relation), param_text(info), info.description)
    console().print(table)
    console().print(_derived_note(shown))


def _derived_note(shown: list[ProbeInfo]) -> str:
    """How the default suite treats units derived from the grade library, with their number."""
    from judgeprobe.cases.loader import load_library
    from judgeprobe.probes.derived import DERIVED_SHARE, derived_counts

    counts = derived_counts(load_library())
    every = [info.name for info in shown if info.derived_share >= 1]
    return (
        f"Units derived from the shipped grade cases (runs with --mode pairwise/score, or a judge that "
        f"handles those modes): {counts[Mode.PAIRWISE]} pairs judged in both orders and "
        f"{counts[Mode.SCORE]} score units. Each probe takes {DERIVED_SHARE:.0%} of them (times its share)"
        + (f"; {', '.join(every)} takes every one." if every else ".")
    )
