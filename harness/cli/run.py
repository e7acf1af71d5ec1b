"""``judgeprobe run``: the probe suite against a judge, with a summary on screen and reports on disk.

With no arguments it runs every probe over the shipped library against the embedded default judge
(``builtin:reference``): offline, no keys. Rerunning the same command resumes from the run folder's store.
``--adaptive`` draws in rounds and stops drawing each test once it is settled (``docs/decisions.md``).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from judgeprobe.harness.cli.main import UsageProblem
from judgeprobe.harness.cli.main import console as make_console
from judgeprobe.harness.cli.options import selection_options
from judgeprobe.harness.core.errors import HarnessError
from judgeprobe.harness.run.runner import RunOptions
from judgeprobe.harness.run.selection import Selection
from judgeprobe.harness.stats.schema import Settings
from judgeprobe.harness.stats.summary import DEFAULT_SETTINGS

if TYPE_CHECKING:
    from rich.console import Console

    from judgeprobe.harness.run.options import RunStats
    from judgeprobe.harness.stats.schema import Summary
    from judgeprobe.probes.variant import Variant

__all__ = ["run"]


@click.command("run")
@click.option(
    "--judge",
    "judge_spec",
    default="builtin:reference",
    show_default=True,
    help="Judge spec (builtin:reference, openai:MODEL@URL, command:…, python:mod:fn, replay:DIR) "
    "or a .toml file.",
)
@selection_options(from_settings=False)
@click.option(
    "--repeats",
    default=None,
    type=click.IntRange(min=1),
    help="Draws per variant; the unperturbed responses get as many placebo draws again. With --adaptive: "
    "the most draws per variant.  [default: 1; with --adaptive: 8]",
)
@click.option(
    "--adaptive",
    is_flag=True,
    help="Draw in rounds: once per variant, then again only where a test is still undecided and more draws "
    "can decide it, until settled or a budget runs out.",
)
@click.option(
    "--max-calls",
    default=None,
    type=click.IntRange(min=1),
    help="With --adaptive: the most draws (judge calls on an empty store) the run may make.",
)
@click.option(
    "--max-cost",
    default=None,
    type=click.FloatRange(min=0, min_open=True),
    help="Stop starting calls once they cost this much (needs [judge.price] in the judge file).",
)
@click.option(
    "--shard",
    "shard_text",
    default=None,
    metavar="I/N",
    help="Run part I of N of the plan (cases split by their order; 'judgeprobe merge' joins the parts).",
)
@click.option(
    "--tpm",
    default=None,
    type=click.FloatRange(min=0, min_open=True),
    help="Tokens-per-minute limit (prompt and reply), beside --rpm.",
)
@click.option(
    "--concurrency", default=8, show_default=True, type=click.IntRange(min=1), help="Judge calls in flight."
)
@click.option(
    "--rpm", default=None, type=click.FloatRange(min=0, min_open=True), help="Requests-per-minute limit."
)
@click.option(
    "--timeout",
    "timeout_s",
    default=60.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds per attempt.",
)
@click.option(
    "--max-retries", default=4, show_default=True, type=click.IntRange(min=0), help="Retries per draw."
)
@click.option(
    "--threshold",
    default=DEFAULT_SETTINGS.threshold,
    show_default=True,
    type=click.FloatRange(min=0, max=1, min_open=True),
    help="Practical threshold: an excess flip rate at or above it counts as bias.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Run folder (default: judgeprobe-out/<judge>-<run key>; the key digests the judge, the selection "
    "and --repeats).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="List the variants (id, case/unit, relation, label, chain) and counts per family; call no judge.",
)
@click.option(
    "--plan-only",
    is_flag=True,
    help="Write the variants into the run folder's store and stop (then 'judgeprobe batch export').",
)
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@click.option(
    "--top", default=5, show_default=True, type=click.IntRange(min=0), help="Flipped cases shown in full."
)
def run(
    judge_spec: str,
    selection: Selection,
    repeats: int | None,
    adaptive: bool,
    max_calls: int | None,
    max_cost: float | None,
    shard_text: str | None,
    tpm: float | None,
    concurrency: int,
    rpm: float | None,
    timeout_s: float,
    max_retries: int,
    threshold: float,
    out_dir: Path | None,
    dry_run: bool,
    plan_only: bool,
    no_progress: bool,
    top: int,
) -> None:
    """Run the probe suite against a judge and report which biases flip its verdicts.

    Exit status: 0 when the run finished (whatever it found), 2 on a usage, configuration or case-file
    error, 130 when interrupted (finished draws are kept; rerun to resume).
    """
    from judgeprobe.cases.errors import CaseError
    from judgeprobe.harness.judges.registry import load_judge
    from judgeprobe.harness.run.selection import run_key
    from judgeprobe.harness.run.shard import Shard
    from judgeprobe.harness.session import default_out_dir, plan_suite, run_suite, save_plan
    from judgeprobe.harness.session.adaptive import AdaptiveOptions
    from judgeprobe.harness.session.fresh import reuse_run
    from judgeprobe.harness.stats.sequential import SequentialDesign
    from judgeprobe.probes.errors import ProbeError

    console = make_console()
    if max_calls is not None and not adaptive:
        raise UsageProblem("--max-calls needs --adaptive (a fixed run makes every draw of --repeats)")
    if repeats is None:
        repeats = SequentialDesign().max_draws if adaptive else 1
    if adaptive and repeats < 2:
        raise UsageProblem(
            f"--adaptive needs --repeats 2 or more (the most draws per variant), got --repeats {repeats}"
        )
    settings = Settings(**{**DEFAULT_SETTINGS.model_dump(), "threshold": threshold})
    try:
        shard = None if shard_text is None else Shard.parse(shard_text)
    except HarnessError as exc:
        raise UsageProblem(str(exc)) from None
    if shard is not None and adaptive:
        raise UsageProblem(
            "--shard and --adaptive do not mix: an adaptive run decides what to draw from every test's draws "
            "so far; run it on one machine, or shard a fixed run"
        )
    rounds = None
    if adaptive:
        rounds = AdaptiveOptions(SequentialDesign(max_draws=repeats), max_calls=max_calls, max_cost=max_cost)
    try:
        judge = load_judge(judge_spec)
        if not (dry_run or plan_only):
            identity = None if rounds is None else rounds.identity(settings)
            part = None if shard is None else str(shard)
            folder = out_dir or default_out_dir(
                judge, selection, repeats=repeats, adaptive=identity, shard=part
            )
            key = run_key(judge.config_hash, selection, repeats=repeats, adaptive=identity, shard=part)
            reused = reuse_run(folder, key, settings=settings, top=top)
            if reused is not None:
                _report(console, reused.summary, reused.variants, reused.stats, reused.run.key, folder,
                        reused.paths, top=top)  # fmt: skip
                console.print(
                    "Up to date: every draw of this run is in the store and its reports were made from them "
                    "with this judgeprobe and these settings ('judgeprobe report' rebuilds them)."
                )
                return
        plan = plan_suite(selection)
        if not plan.cases:
            raise click.UsageError("no case matches the selection; see 'judgeprobe cases list'")
        if dry_run:
            from judgeprobe.harness.report.plan_view import render_plan

            render_plan(plan, console, echo=click.echo)
            return
        if plan_only:
            folder = save_plan(plan, judge=judge, out=out_dir, repeats=repeats)
            console.print(
                f"{len(plan.variants)} variants written to {folder}/; no judge was called. Next: "
                f"judgeprobe batch export --judge {judge_spec} --out {folder} requests.jsonl"
            )
            return
        options = RunOptions(
            concurrency=concurrency, rpm=rpm, timeout_s=timeout_s, max_retries=max_retries, repeats=repeats,
            tpm=tpm, max_cost=None if adaptive else max_cost,
        )  # fmt: skip
        result = run_suite(
            plan, judge=judge, out=out_dir, options=options, settings=settings,
            show_progress=not no_progress and sys.stderr.isatty(), adaptive=rounds, shard=shard,
        )  # fmt: skip
    except (CaseError, HarnessError, ProbeError) as exc:
        raise UsageProblem(str(exc)) from None
    _report(console, result.summary, result.variants_by_id, result.stats, result.run.key, result.run_dir,
            result.paths, top=top)  # fmt: skip
    if result.stats.interrupted:
        console.print("[yellow]Interrupted: finished draws are kept; rerun the same command to resume.[/]")
        sys.exit(130)


def _report(
    console: Console,
    summary: Summary | None,
    variants: Mapping[str, Variant],
    stats: RunStats,
    key: str,
    folder: Path,
    paths: Sequence[Path],
    *,
    top: int,
) -> None:
    """Print the summary, what the run did and where its reports are."""
    from judgeprobe.harness.report.terminal import render_summary
    from judgeprobe.harness.run.progress import spent

    if summary is not None:
        render_summary(summary, console, variants=variants, top=top)
    console.print(
        f"{stats.done} of {stats.planned} draws ended ({stats.new_calls} judge calls, "
        f"{stats.cache_hits} from the store): {stats.judged} judged, {stats.unscored} unscored, "
        f"{stats.errors} errors, {stats.skipped} skipped."
    )
    usage = spent(stats)
    if usage is not None:
        console.print(f"This invocation's calls used {usage}.")
    sequential = summary.run.sequential if summary is not None else None
    if sequential is not None:
        console.print(
            f"Adaptive: {sequential.rounds} rounds, {sequential.draws} draws; stopped: {sequential.stopped}."
        )
    if stats.stopped:
        console.print(f"[yellow]Stopped: {stats.stopped}; rerun with a larger budget to carry on.[/]")
    if paths:
        console.print(f"Reports of run {key} in {folder}/: " + ", ".join(p.name for p in paths))
