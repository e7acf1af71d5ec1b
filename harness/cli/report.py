"""``judgeprobe report RUN_DIR``: rebuild every report of a run from its store and print the summary."""

from __future__ import annotations

from pathlib import Path

import click

from judgeprobe.harness.cli.options import FiniteFloatRange
from judgeprobe.harness.core.errors import HarnessError

__all__ = ["report"]


@click.command("report")
@click.argument("run_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--threshold",
    type=FiniteFloatRange(0.0, 1.0, min_open=True, max_open=True),
    default=0.05,
    show_default=True,
    help="Smallest excess flip rate over placebo worth calling a bias (0.05 = 5 points).",
)
@click.option(
    "--alpha",
    type=FiniteFloatRange(0.0, 1.0, min_open=True, max_open=True),
    default=0.05,
    show_default=True,
    help="False-discovery level for Benjamini–Hochberg q-values.",
)
@click.option(
    "--top", type=click.IntRange(min=0), default=5, show_default=True, help="Flipped cases to show."
)
@click.option("--quiet", is_flag=True, help="Write the files without printing the summary.")
def report(run_dir: Path, threshold: float, alpha: float, top: int, quiet: bool) -> None:
    """Rebuild results.jsonl, summary.json, report.md, report.html and junit.xml from RUN_DIR's store."""
    from judgeprobe.harness.report.rebuild import rebuild_reports
    from judgeprobe.harness.stats.summary import DEFAULT_SETTINGS

    if not run_dir.is_dir():
        raise click.BadParameter(
            f"{run_dir} is not a folder; pass the output folder of a run", param_hint="RUN_DIR"
        )
    settings = DEFAULT_SETTINGS.model_copy(update={"threshold": threshold, "alpha": alpha})
    try:
        built = rebuild_reports(run_dir, settings=settings)
    except (HarnessError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    if not quiet:
        from judgeprobe.harness.report.terminal import print_summary

        print_summary(built.summary, variants=built.variants, top=top)
    for path in built.paths:
        click.echo(f"wrote {path}")
