"""The terminal summary of an audit (rich): teams, disagreements, error types, answer form, files written."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from judgeprobe.harness.report.fmt import ci, pct, pts, q_text

__all__ = ["print_summary"]


def print_summary(console: Console, report: Mapping[str, Any], files: Sequence[Path] = ()) -> None:
    """Print the summary of ``report`` (an ``audit.json`` document) and the files written."""
    grader = report["grader"]
    console.print(
        f"[bold]judgeprobe audit[/]: {report['rows']} judged answers, {report['unusable']['count']} "
        "unusable; "
        f"second opinion {grader['spec']} ({grader['policy']}), a second opinion, not ground truth"
    )
    for warning in report["warnings"]:
        console.print(f"[yellow]warning:[/] {warning}")
    teams = Table(title="teams (accuracy counts missing items as wrong; 95% Wilson intervals)")
    for column in ("team", "accuracy", "missing", "calibration error", "solved only by it"):
        teams.add_column(column, justify="left" if column == "team" else "right")
    for team, e in report["teams"].items():
        acc = f"{pct(e['accuracy'])} ({e['judged_correct']}/{e['items']}) {ci(tuple(e['accuracy_ci']))}"
        teams.add_row(team, acc, str(e["missing"]), pct(e["calibration_error"]), str(e["unique_correct"]))
    console.print(teams)
    counts = report["disagreement_counts"]
    agreement = report["agreement"]
    console.print(
        "judge vs grader: "
        + ", ".join(f"{kind} {n}" for kind, n in counts.items())
        + f"; agreement where decided {pct(agreement['agreement'])} "
        + f"({agreement['agree']}/{agreement['decided']})"
    )
    labels = report["taxonomy"]["labels"]
    overall = report["error_types"]["overall"]
    wrong = sum(overall.values())
    if wrong:
        console.print(
            "error types of wrong answers: "
            + ", ".join(f"{labels[t]} {n}" for t, n in sorted(overall.items(), key=lambda kv: -kv[1]) if n)
        )
    mc = report["mc"]["by_team"]
    if mc:
        form = Table(title="multiple choice: letter only vs letter + text")
        for column in ("team", "letter only", "letter + text", "difference", "p"):
            form.add_column(column, justify="left" if column == "team" else "right")
        for team, e in mc.items():
            form.add_row(
                team,
                f"{pct(e['letter_only']['accuracy'])} (n={e['letter_only']['n']})",
                f"{pct(e['letter_and_text']['accuracy'])} (n={e['letter_and_text']['n']})",
                pts(e["difference"]),
                q_text(e["p_fisher"]),
            )
        console.print(form)
        within = report["mc"]["within_questions"]
        if within["questions"]:
            console.print(
                f"within questions ({within['questions']}): mean difference {pts(within['mean_difference'])} "
                f"points, sign test p = {q_text(within['p_sign_test'])}"
            )
    if report.get("rejudge"):
        r = report["rejudge"]
        console.print(
            f"re-judged {r['requested']} by {r['judge']}: agrees with the original judge on "
            f"{r['agree_original']}, "
            f"with the grader on {r['agree_grader']}"
        )
    if files:
        console.print("wrote: " + ", ".join(str(f) for f in files))
