"""``judgeprobe search``: find the smallest chain of invariant probes that flips a judge on one case.

Exit codes: 0 the search ran (whether or not it found a flip), 2 usage error (unknown case, unit, probe or
judge spec; a budget below 2), 1 the case library cannot be loaded.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from judgeprobe.harness.core.verdict import Verdict
from judgeprobe.harness.run.search import SearchResult, search_flip

__all__ = ["search"]


def _verdict(verdict: Verdict | None) -> str:
    if verdict is None:
        return "-"
    text = verdict.outcome if verdict.outcome is not None else f"{verdict.status} ({verdict.reason})"
    if verdict.extracted_answer:
        text += f"  (extracted answer: {verdict.extracted_answer})"
    return text


def _print(console: Console, result: SearchResult) -> None:
    console.print(f"case [bold]{result.case_id}[/] unit [bold]{result.unit_id}[/]  label {result.base.label}")
    console.print(f"base verdict: [bold]{_verdict(result.base_verdict)}[/]")
    if result.chain is None or result.variant is None:
        console.print(f"[yellow]no flip[/]: {result.note or 'no chain changed the verdict'}")
    else:
        console.print(f"minimal chain: [bold cyan]{result.chain.name}[/]")
        console.print(f"flipped verdict: [bold red]{_verdict(result.verdict)}[/]")
        body = "\n\n".join(f"[{slot.response_id}]\n{slot.text}" for slot in result.variant.slots)
        if result.variant.reference != result.base.reference:
            body = f"reference: {result.variant.reference}\n\n{body}"
        console.print(Panel(Text(body), title="variant", title_align="left"))
    console.print(
        f"judge calls: {result.calls} of {result.budget} budget; chains tried: {result.chains_tried}"
    )


@click.command("search")
@click.option(
    "--judge",
    "judge_spec",
    default="builtin:reference",
    show_default=True,
    help="Judge spec (e.g. builtin:reference, openai:MODEL@URL) or a judge .toml file.",
)
@click.option(
    "--case", "case_id", required=True, help="Id of the case to search (see 'judgeprobe cases list')."
)
@click.option("--unit", default=None, help="Response id to search (default: the case's first unit).")
@click.option(
    "--budget",
    default=50,
    show_default=True,
    type=click.IntRange(min=2),
    help="Maximum judge calls, the base verdict included.",
)
@click.option("--seed", default=0, show_default=True, help="Seed of the probes and of the search.")
@click.option(
    "--max-steps",
    default=3,
    show_default=True,
    type=click.IntRange(min=1, max=6),
    help="Longest chain to try.",
)
@click.option(
    "--cases",
    "case_dirs",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Extra folder or file of cases (besides the shipped library); repeatable.",
)
@click.option(
    "--probes",
    "probe_selector",
    default="all",
    show_default=True,
    help="Families and/or probe names to draw from (comma-separated); only invariant probes are used.",
)
def search(
    judge_spec: str,
    case_id: str,
    unit: str | None,
    budget: int,
    seed: int,
    max_steps: int,
    case_dirs: tuple[Path, ...],
    probe_selector: str,
) -> None:
    """Search for a minimal chain of invariant probes that changes the judge's verdict on one case."""
    from judgeprobe.cases.errors import CaseError
    from judgeprobe.cases.loader import load_library
    from judgeprobe.harness.core.errors import ConfigError
    from judgeprobe.harness.judges.registry import load_judge
    from judgeprobe.probes.errors import ProbeError
    from judgeprobe.probes.selector import select_probes

    try:
        library = load_library(case_dirs)
    except CaseError as exc:
        click.echo(f"the case library cannot be loaded: {exc}", err=True)
        raise SystemExit(1) from None
    try:
        case = library.by_id(case_id)
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0])) from None
    try:
        selected = select_probes(probe_selector)
        judge = load_judge(judge_spec)
        judge.preflight()
        result = search_flip(
            judge, case, unit=unit, budget=budget, seed=seed, max_steps=max_steps, probes=selected
        )
    except (ProbeError, ConfigError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    from judgeprobe.harness.cli.main import console

    _print(console(), result)
