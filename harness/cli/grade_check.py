"""The output of ``judgeprobe cases grade-check``: the agreement table and the disagreements."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from rich.console import Console
from rich.table import Table

from judgeprobe.cases.case_library import Library
from judgeprobe.harness.report.fmt import rate_text
from judgeprobe.harness.stats.grade_check import GradeCheck, grade_check

__all__ = ["agreement_table", "report_grade_check"]


def agreement_table(check: GradeCheck) -> Table:
    """Agreement per part and answer kind."""
    table = Table(title="builtin:reference against the labels (undecided responses count as disagreeing)")
    table.add_column("part", no_wrap=True)
    table.add_column("answer kind", no_wrap=True)
    for column in ("agreement (n) [95% CI]", "undecided", "false accepts", "false rejects"):
        table.add_column(column, justify="right", no_wrap=True)
    for row in check.rows:
        counts = (str(row.undecided), str(row.false_accepts), str(row.false_rejects))
        style = "bold" if row.kind == "all" else None
        table.add_row(row.part, row.kind, rate_text(row.agreement), *counts, style=style)
    return table


def report_grade_check(
    library: Library, console: Console, *, list_held_out: bool, json_out: Path | None, check: bool
) -> int:
    """Print the check; return the exit status (1 when a target is missed and ``check`` is on)."""
    result = grade_check(library)
    console.print(agreement_table(result))
    if result.doubted:
        console.print(f"{result.doubted} responses of reference-doubted cases are left out.")
    shown = [r for r in result.responses if not r.agrees and (r.part == "dev" or list_held_out)]
    hidden = sum(1 for r in result.responses if not r.agrees and r.part == "held-out" and not list_held_out)
    if shown:
        table = Table(title="disagreements", show_lines=False)
        for column in ("part", "case / response", "label", "grader", "answer", "reason"):
            table.add_column(column, no_wrap=column in ("part", "case / response", "label", "grader"))
        for r in shown:
            table.add_row(
                r.part, f"{r.case_id} / {r.response_id}", r.label, r.outcome, r.answer[:40], r.reason[:90]
            )
        console.print(table)
    if hidden:
        console.print(
            f"{hidden} held-out disagreement(s) not listed (--list-held-out shows them; do not tune on them)."
        )
    if json_out is not None:
        payload = {
            "targets": result.targets,
            "doubted": result.doubted,
            "rows": [{**asdict(row), "agreement": row.agreement.model_dump()} for row in result.rows],
            "responses": [asdict(r) for r in result.responses],
            "failures": result.failures(),
        }
        json_out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    problems = result.failures()
    for problem in problems:
        console.print(f"[bold red]below target:[/] {problem}")
    if not problems:
        console.print("[bold green]grade-check passed:[/] " + ", ".join(
            f"{part} {row.agreement.rate:.1%}" for part in ("dev", "held-out")
            if (row := result.total(part)) is not None and row.agreement.rate is not None))  # fmt: skip
    return 1 if problems and check else 0
