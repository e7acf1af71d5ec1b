"""``judgeprobe judges``: list the judge backends, and show what a judge spec resolves to."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from judgeprobe.harness.cli.main import UsageProblem
from judgeprobe.harness.core.errors import HarnessError
from judgeprobe.harness.judges.registry import available_backends, load_config, load_judge

__all__ = ["judges"]


@click.group(name="judges")
def judges() -> None:
    """List the judge backends and inspect judge configurations."""


@judges.command(name="list")
def list_backends() -> None:
    """Every registered backend: shipped ones and those installed through the entry-point group
    ``judgeprobe.judges``."""
    table = Table(title="Judge backends", title_justify="left")
    table.add_column("backend", style="bold")
    table.add_column("description")
    table.add_column("origin")
    for info in available_backends():
        table.add_row(info.name, info.description, info.origin)
    Console().print(table)


@judges.command(name="show")
@click.argument("spec")
def show(spec: str) -> None:
    """Show the configuration and hash a judge SPEC (one-line spec or TOML file) resolves to."""
    try:
        judge = load_judge(load_config(spec))
    except HarnessError as exc:
        raise UsageProblem(str(exc)) from None
    console = Console()
    console.print(f"[bold]judge[/bold]   {judge.name}")
    console.print(f"[bold]hash[/bold]    {judge.config_hash}")
    config = getattr(judge, "config", None)
    shown = getattr(config, "shown", None)
    if callable(shown):  # header values, secret params and URL query values are printed as "…"
        for key, value in shown().items():
            if value not in (None, {}, "", []):
                console.print(f"  {key} = {value!r}", highlight=False)
