"""``judgeprobe run``: the probe suite against a judge, with a summary on screen and reports on disk.

With no arguments it runs every probe over the shipped library against the embedded default judge
(``builtin:reference``): offline, no keys. Rerunning the same command resumes from the run folder's store.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from judgeprobe.harness.cli.main import UsageProblem
from judgeprobe.harness.cli.main import console as make_console
from judgeprobe.harness.cli.options import FiniteFloatRange, selection_options
from judgeprobe.harness.core.errors import HarnessError
from judgeprobe.harness.run.runner import RunOptions
from judgeprobe.harness.stats.schema import Settings
from judgeprobe.harness.stats.summary import DEFAULT_SETTINGS

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
@click.option("--seed", default=0, show_default=True, help="Seed of the probes' random draws.")
@click.option(
    "--repeats",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Draws per variant; the unperturbed responses get as many placebo draws again.",
)
@click.option(
    "--concurrency", default=8, show_default=True, type=click.IntRange(min=1), help="Judge calls in flight."
)
@click.option(
    "--rpm", default=None, type=FiniteFloatRange(min=0, min_open=True), help="Requests-per-minute limit."
)
@click.option(
    "--timeout",
    "timeout_s",
    default=60.0,
    show_default=True,
    type=FiniteFloatRange(min=0, min_open=True),
    help="Seconds per attempt.",
)
@click.option(
    "--max-retries", default=4, show_default=True, type=click.IntRange(min=0), help="Retries per draw."
)
@click.option(
    "--threshold",
    default=DEFAULT_SETTINGS.threshold,
    show_default=True,
    type=FiniteFloatRange(min=0, max=1, min_open=True),
    help="Practical threshold: an excess flip rate at or above it counts as bias.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Run folder (default: judgeprobe-out/<judge>-<config hash>).",
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
    case_dirs: tuple[Path, ...],
    no_builtin_cases: bool,
    case_ids: tuple[str, ...],
    tags: tuple[str, ...],
    kinds: tuple[str, ...],
    modes: tuple[str, ...],
    probe_selector: str,
    seed: int,
    repeats: int,
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
    from judgeprobe.harness.session import plan_suite, run_suite, save_plan
    from judgeprobe.probes.errors import ProbeError

    console = make_console()
    try:
        plan = plan_suite(
            case_dirs=case_dirs, include_builtin_cases=not no_builtin_cases, case_ids=case_ids, tags=tags,
            kinds=kinds, modes=modes, probes=probe_selector, seed=seed,
        )  # fmt: skip
        if not plan.cases:
            raise click.UsageError("no case matches the selection; see 'judgeprobe cases list'")
        if dry_run:
            _print_dry_run(console, plan)
            return
        if plan_only:
            folder = save_plan(plan, judge=judge_spec, out=out_dir, repeats=repeats)
            console.print(
                f"{len(plan.variants)} variants written to {folder}/; no judge was called. Next: "
                f"judgeprobe batch export --judge {judge_spec} --out {folder} requests.jsonl"
            )
            return
        options = RunOptions(
            concurrency=concurrency, rpm=rpm, timeout_s=timeout_s, max_retries=max_retries, repeats=repeats
        )
        settings = Settings(**{**DEFAULT_SETTINGS.model_dump(), "threshold": threshold})
        result = run_suite(
            plan, judge=judge_spec, out=out_dir, options=options, settings=settings,
            show_progress=not no_progress and sys.stderr.isatty(),
        )  # fmt: skip
    except (CaseError, HarnessError, ProbeError) as exc:
        raise UsageProblem(str(exc)) from None
    from judgeprobe.harness.report.terminal import render_summary

    if result.summary is not None:
        render_summary(result.summary, console, variants=result.variants_by_id, top=top)
        _print_accuracy(console, result.summary)
        _print_disagreements(console, result.summary)
    stats = result.stats
    console.print(
        f"{stats.done} of {stats.planned} draws ended ({stats.new_calls} judge calls, "
        f"{stats.cache_hits} from the store): {stats.judged} judged, {stats.unscored} unscored, "
        f"{stats.errors} errors, {stats.skipped} skipped."
    )
    if result.paths:
        console.print(f"Reports in {result.run_dir}/: " + ", ".join(p.name for p in result.paths))
    if stats.interrupted:
        console.print("[yellow]Interrupted: finished draws are kept; rerun the same command to resume.[/]")
        sys.exit(130)


def _print_dry_run(console: Console, plan: object) -> None:
    from judgeprobe.harness.session import SuitePlan

    assert isinstance(plan, SuitePlan)
    # one plain line per variant (greppable, pipeable), then the counts
    for variant in plan.variants:
        click.echo(
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


def _print_accuracy(console: Console, summary: object) -> None:
    """Agreement of the unperturbed verdicts with the adjudicated labels, by answer kind."""
    from judgeprobe.harness.stats.schema import Summary

    assert isinstance(summary, Summary)
    rows = [row for row in summary.accuracy if row.stage == "before"]
    if not rows:
        return
    table = Table(title="Accuracy against the adjudicated labels (unperturbed responses, judged draws)")
    for column in ("answer kind", "agree", "n", "accuracy", "95% CI"):
        table.add_column(column, justify="left" if column == "answer kind" else "right")
    for row in sorted(rows, key=lambda r: (r.reference_doubt, r.answer_kind)):
        rate = row.agreement
        name = row.answer_kind + (" (disputed reference)" if row.reference_doubt else "")
        shown = f"{100 * rate.rate:.1f}%" if rate.rate is not None else "–"
        table.add_row(
            name, str(rate.events), str(rate.n), shown, f"{100 * rate.ci[0]:.1f}–{100 * rate.ci[1]:.1f}%"
        )
    console.print(table)


def _print_disagreements(console: Console, summary: object, limit: int = 30) -> None:
    """Unperturbed responses whose modal verdict disagrees with the adjudicated label."""
    from judgeprobe.harness.stats.schema import Summary

    assert isinstance(summary, Summary)
    rows = summary.disagreements
    if not rows:
        return
    table = Table(title=f"Disagreements with the adjudicated labels ({len(rows)} unperturbed responses)")
    for column in ("case", "response", "kind", "label", "judge said", "extracted", "doubt"):
        table.add_column(column, overflow="fold")
    for row in rows[:limit]:
        table.add_row(
            row.case_id, row.unit_id, row.answer_kind, row.label, row.outcome,
            (row.extracted_answer or "")[:40], "yes" if row.reference_doubt else "",
        )  # fmt: skip
    console.print(table)
    if len(rows) > limit:
        console.print(f"… and {len(rows) - limit} more in report.md")
