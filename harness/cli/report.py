"""``judgeprobe report RUN_DIR``: rebuild every report of a run from its store and print the summary.

The run is the folder's latest (the one the last ``judgeprobe run`` in it made) unless ``--run KEY`` names
another (``judgeprobe runs RUN_DIR`` lists them). Its reports are rebuilt through the same tail as ``run``
(:func:`judgeprobe.harness.session.tail.run_tail`), with the analysis settings the run recorded, so without
``--threshold``/``--alpha`` the files are the ones ``run`` wrote.
"""

from __future__ import annotations

from pathlib import Path

import click

from judgeprobe.harness.cli.options import FiniteFloatRange
from judgeprobe.harness.core.errors import HarnessError

__all__ = ["report"]


@click.command("report")
@click.argument("run_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--run",
    "run_key",
    default=None,
    metavar="KEY",
    help="The run to report (its key or a unique prefix; see 'judgeprobe runs'). Default: the latest run.",
)
@click.option(
    "--threshold",
    type=FiniteFloatRange(0.0, 1.0, min_open=True, max_open=True),
    default=None,
    help="Smallest excess flip rate over placebo worth calling a bias (0.05 = 5 points) [default: the "
    "run's, else 0.05].",
)
@click.option(
    "--alpha",
    type=FiniteFloatRange(0.0, 1.0, min_open=True, max_open=True),
    default=None,
    help="False-discovery level for Benjamini–Hochberg q-values [default: the run's, else 0.05].",
)
@click.option(
    "--top", type=click.IntRange(min=0), default=5, show_default=True, help="Flipped cases to show."
)
@click.option("--quiet", is_flag=True, help="Write the files without printing the summary.")
def report(
    run_dir: Path, run_key: str | None, threshold: float | None, alpha: float | None, top: int, quiet: bool
) -> None:
    """Rebuild the reports (results.jsonl, summary.json, report.md, report.html, junit.xml and any
    registered format) of a run from RUN_DIR's store."""
    from judgeprobe.harness.cli.main import console as make_console
    from judgeprobe.harness.session.tail import run_settings, run_tail
    from judgeprobe.harness.store import RunStore, store_path

    if not run_dir.is_dir():
        raise click.BadParameter(
            f"{run_dir} is not a folder; pass the output folder of a run", param_hint="RUN_DIR"
        )
    try:
        settings = None
        if threshold is not None or alpha is not None:
            if not store_path(run_dir).is_file():
                raise click.UsageError(
                    f"{run_dir} holds no run store; pass the output folder of a 'judgeprobe run'"
                )
            with RunStore(store_path(run_dir)) as store:
                recorded = run_settings(store.find_run(run_key))
            given = {"threshold": threshold, "alpha": alpha}
            settings = recorded.model_copy(update={k: v for k, v in given.items() if v is not None})
        built = run_tail(run_dir, run_key, settings=settings, write=True, prompts=False)
    except (HarnessError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    if built.summary is None:
        raise click.UsageError(f"{run_dir}: run {built.run.key} has no draws yet; run 'judgeprobe run' first")
    if not quiet:
        from judgeprobe.harness.report.terminal import render_summary

        render_summary(built.summary, make_console(), variants=built.variants, top=top)
    click.echo(f"run {built.run.key} ({built.run.judge})")
    for path in built.paths:
        click.echo(f"wrote {path}")
