"""``judgeprobe judges``: list the judge backends, and show what a judge spec resolves to."""

from __future__ import annotations

import click
from rich.table import Table

from judgeprobe.harness.cli.main import console
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
    console().print(table)


@judges.command(name="show")
@click.argument("spec")
def show(spec: str) -> None:
    """Show the configuration and hash a judge SPEC (one-line spec or TOML file) resolves to."""
    try:
        judge = load_judge(load_config(spec))
    except HarnessError as exc:
        raise click.ClickException(str(exc)) from None
    out = console()
    out.print(f"[bold]judge[/bold]   {judge.name}")
    out.print(f"[bold]hash[/bold]    {judge.config_hash}")
    config = getattr(judge, "config", None)
    if config is not None:
        data = config.model_dump(mode="json", exclude={"template_text"})
        for key, value in data.items():
            if value not in (None, {}, ""):
                out.print(f"  {key} = {value!r}", highlight=False)
