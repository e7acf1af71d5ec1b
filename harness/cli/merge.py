"""``judgeprobe merge``: put the folders of a sharded run back together as one run, with its reports."""

from __future__ import annotations

from pathlib import Path

import click

from judgeprobe.harness.cli.main import UsageProblem
from judgeprobe.harness.core.errors import HarnessError

__all__ = ["merge"]


@click.command("merge")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.argument(
    "shards", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option("--quiet", is_flag=True, help="Only say where the reports are.")
@click.option(
    "--fail-on",
    type=click.Choice(["unreliable", "biased", "never"]),
    default="unreliable",
    show_default=True,
    help="Exit 1 when the merged run's judge is unreliable, also when a family is biased, or never (as "
    "'judgeprobe run').",
)
def merge(out: Path, shards: tuple[Path, ...], quiet: bool, fail_on: str) -> None:
    """Merge the run folders SHARDS of 'judgeprobe run --shard i/N' (every part once) into OUT, and write the
    whole run's reports there, as one unsharded run would have.

    Exit status, as 'judgeprobe run' gives for the whole run: 0 merged and the judge is reliable; 1 the
    judge is unreliable (or, with --fail-on biased, a family is biased; --fail-on never: 0); 2 when the
    folders are not every part of one run (or OUT already holds a run).
    """
    from judgeprobe.harness.cli.main import console as make_console
    from judgeprobe.harness.cli.run import exit_for_verdict
    from judgeprobe.harness.session.merge import merge_shards

    try:
        merged = merge_shards(shards, out)
    except HarnessError as exc:
        raise UsageProblem(str(exc)) from None
    console = make_console()
    results = merged.results
    if results.summary is not None and not quiet:
        from judgeprobe.harness.report.terminal import render_summary

        render_summary(results.summary, console, variants=results.variants)
    console.print(
        f"Merged shards {', '.join(merged.shards)} ({merged.draws} draws) into run {results.run.key}; "
        f"reports in {out}/: " + ", ".join(p.name for p in results.paths)
    )
    exit_for_verdict(results.summary, console, fail_on=fail_on)
