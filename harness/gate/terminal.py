"""The gate's result on a terminal: the families against their limits, the failed rules, the verdict."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from judgeprobe.harness.gate.rules import GateResult

__all__ = ["print_result"]


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def print_result(console: Console, result: GateResult, *, run_dir: Path | None = None) -> None:
    """Print ``result``: a table of families, each failed rule with its cases, notes, and PASSED/FAILED."""
    summary = result.summary
    failed = {f.family for f in result.failures if f.family is not None}
    if summary is not None and summary.families:
        table = Table(title=f"Gate: {escape(result.judge)} ({result.judge_hash})")
        for column in (
            "family",
            "pairs",
            "flip rate",
            "placebo",
            "excess",
            "95% CI",
            "limit",
            "stats",
            "gate",
        ):
            table.add_column(column, justify="left" if column in ("family", "stats", "gate") else "right")
        for fam in summary.families:
            low, high = fam.excess_ci
            table.add_row(
                fam.family,
                str(fam.pairs),
                _pct(fam.flips.rate),
                _pct(fam.placebo.rate),
                _pct(fam.excess),
                f"{_pct(low)} to {_pct(high)}",
                _pct(result.settings.flip_limit(fam.family)),
                fam.verdict,
                "[red]FAIL[/]" if fam.family in failed else "[green]ok[/]",
            )
        console.print(table)
    for failure in result.failures:
        console.print(f"[red]✗[/] {escape(failure.explain())}", highlight=False, soft_wrap=True)
    for note in result.notes:
        console.print(f"[dim]note:[/] {escape(note)}", highlight=False, soft_wrap=True)
    if result.passed:
        console.print("[bold green]PASSED[/]: every gate rule holds.")
    else:
        rules = ", ".join(
            dict.fromkeys(f.rule + (f" ({f.family})" if f.family else "") for f in result.failures)
        )
        console.print(f"[bold red]FAILED[/]: {escape(rules)}", highlight=False)
