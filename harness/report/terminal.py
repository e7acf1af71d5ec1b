"""The rich terminal summary: families and probes with their figures and verdicts, controls with miss rates,
accuracy, the most telling flipped cases with a before/after diff and the judge's extracted answer, then the
accuracy against the labels by answer kind and the disagreements with the labels.

``judgeprobe run`` and ``judgeprobe report`` both print a run through :func:`render_summary`, so they show
the same tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from judgeprobe.harness.report.audit import FlipAudit, audits
from judgeprobe.harness.report.fmt import pct, pts, q_text, rate_text
from judgeprobe.harness.report.pairwise import (
    POSITION_HEADER,
    POSITION_TITLE,
    SELF_HEADER,
    SELF_INTRO,
    SELF_TITLE,
    position_intro,
    position_rows,
    self_preference_rows,
)
from judgeprobe.harness.stats.schema import ControlResult, InvariantResult, Summary
from judgeprobe.harness.stats.verdict_schema import ErrorReason, JudgeVerdict
from judgeprobe.probes.variant import Variant

__all__ = ["error_table", "print_summary", "render_summary", "verdict_lines"]

_STYLE = {"biased": "bold red", "clean": "green", "inconclusive": "yellow"}


def _invariant_table(title: str, rows: Sequence[InvariantResult], *, by_probe: bool) -> Table:
    table = Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True
    )
    table.add_column("probe" if by_probe else "family", overflow="fold", min_width=16)
    table.add_column("verdict", no_wrap=True)
    table.add_column("units/pairs", justify="right", no_wrap=True)
    for name in ("flips", "placebo"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("excess [95% CI]", justify="right", no_wrap=True)
    table.add_column("q", justify="right", no_wrap=True)
    table.add_column("MDE", justify="right", no_wrap=True)
    for r in rows:
        name = (str(r.probe) if by_probe else r.family) + ("*" if r.few_clusters else "")
        low, high = r.excess_ci
        table.add_row(
            name,
            Text(r.verdict.upper(), style=_STYLE[r.verdict]),
            f"{r.units}/{r.pairs}",
            pct(r.flips.rate),
            pct(r.placebo.rate),
            f"{pts(r.excess)} [{pts(low)}, {pts(high)}]" if r.pairs else "no pairs",
            q_text(r.q),
            pct(r.mde),
        )
    return table


def _undecided(rows: Sequence[InvariantResult]) -> Text | None:
    parts = [f"{r.probe or r.family} ≈{r.more_pairs}" for r in rows if r.more_pairs]
    if not parts:
        return None
    return Text("more pairs that would decide the inconclusive ones: " + ", ".join(parts), style="dim")


def verdict_lines(verdict: JudgeVerdict) -> list[Text]:
    """The judge's verdict: a headline, then one line per check (✗ failed, ✓ passed, – not measured)."""
    reliable = verdict.verdict == "reliable"
    failed = [c for c in verdict.checks if c.status == "fail"]
    head = Text.assemble(
        ("Judge: ", "bold"),
        (verdict.verdict.upper(), "bold green" if reliable else "bold red"),
        " — " + ("every check holds" if reliable else "failed: " + ", ".join(c.title for c in failed)),
    )
    lines = [head]
    marks = {"fail": ("✗", "red"), "pass": ("✓", "green"), "not_measured": ("–", "dim")}
    for check in verdict.checks:
        mark, style = marks[check.status]
        lines.append(Text.assemble(f"  {mark} ", (check.message, style if check.status == "fail" else "")))
    return lines


def error_table(reasons: Sequence[ErrorReason]) -> Table:
    """Why draws errored or went unscored: kind, count, the first message and where it came from."""
    table = Table(
        title="Why draws failed (by kind; the first message of each)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for column in ("status", "kind", "draws", "first message", "first draw"):
        table.add_column(column, justify="right" if column == "draws" else "left", overflow="fold")
    for r in reasons:
        more = f" (+{r.messages - 1} other messages)" if r.messages > 1 else ""
        table.add_row(r.status, r.kind, str(r.count), Text(r.first_message + more), Text(r.first_draw))
    return table


def _control_table(rows: Sequence[ControlResult], limit: float | None = None) -> Table:
    table = Table(
        title="Controls (meaning broken on purpose: the verdict must change)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("family / probe")
    table.add_column("miss rate (n) [95% CI]", justify="right")
    table.add_column("agrees with new label", justify="right")
    table.add_column("left out", justify="right")
    for c in rows:
        name = c.family if c.level == "family" else f"  {c.probe}"
        above = limit if limit is not None else 0.5
        style = "bold red" if (c.misses.rate or 0) > above + 1e-12 else ""
        table.add_row(
            name, Text(rate_text(c.misses), style=style), pct(c.label_agreement.rate), str(c.excluded)
        )
    return table


def _pairwise_table(title: str, caption: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    table = Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, caption=caption,
        caption_justify="left",
    )  # fmt: skip
    for i, name in enumerate(header):
        table.add_column(name, justify="left" if i == 0 else "right", overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def _control_legend(limit: float) -> Text:
    return Text(
        "left out: draws of units whose unperturbed verdict was already wrong (not counted as misses); "
        f"red: a miss rate above the limit {pct(limit)}",
        style="dim",
    )


def _accuracy(summary: Summary) -> Table:
    table = Table(
        title="HLE-style accuracy (grade mode)", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False
    )
    table.add_column("stage")
    table.add_column("accuracy (judged)", justify="right")
    table.add_column("accuracy (all draws)", justify="right")
    table.add_column("RMS calibration error", justify="right")
    for h in summary.hle:
        cal = "–" if h.calibration is None else f"{pct(h.calibration.rms)} (n={h.calibration.n})"
        table.add_row(h.stage, rate_text(h.accuracy), pct(h.accuracy_all.rate), cal)
    return table


def _flip_panel(audit: FlipAudit) -> Panel:
    item = audit.item
    lines: list[RenderableType] = []
    kind = "flipped" if item.relation == "invariant" else "missed (verdict unchanged)"
    head = Text(f"{item.case_id} / {item.unit_id} · {item.chain} · {kind} {item.events}/{item.n} draws")
    if item.relation == "invariant":
        head.append(f" (placebo {item.placebo_events}/{item.n})", style="dim")
    lines.append(head)
    lines.append(Text(f"base verdict {item.base_outcome!r} → {', '.join(item.outcomes)}"))
    if item.extracted_answer is not None or item.final_answer is not None:
        lines.append(
            Text(
                f"judge extracted {item.extracted_answer!r}; response states {item.final_answer!r}",
                style="cyan",
            )
        )
    if item.flip_class:
        lines.append(Text(f"class: {item.flip_class}", style="dim"))
    if item.reference_doubt:
        lines.append(Text("reference disputed: may be the judge being right", style="magenta"))
    for line in audit.diff[:12]:
        style = "green" if line.startswith("+") else "red" if line.startswith("-") else "dim"
        lines.append(Text(line[:160], style=style))
    return Panel(Group(*lines), expand=False)


def render_summary(
    summary: Summary, console: Console, *, variants: Mapping[str, Variant] | None = None, top: int = 5
) -> None:
    """Print the summary to ``console``."""
    run = summary.run
    d = run.draws
    console.print(
        Text.assemble(
            ("judgeprobe ", "bold"),
            f"{run.judge or 'unknown judge'} · run {run.run_id or '–'} · {run.cases} cases, "
            f"{run.units} units, "
            f"{run.variants} variants, {d.draws} draws (repeats {run.repeats}): {d.judged} judged, "
            f"{d.unscored} unscored, {d.error} errors, {d.skipped} skipped",
        )
    )
    if summary.judge_verdict is not None:
        for line in verdict_lines(summary.judge_verdict):
            console.print(line)
    for warning in summary.warnings:
        console.print(Text(f"! {warning}", style="yellow"))
    if summary.error_reasons:
        console.print(error_table(summary.error_reasons))
    for title, rows, by_probe in (
        ("Families (invariant probes pooled)", summary.families, False),
        ("Probes", summary.probes, True),
    ):
        if rows:
            console.print(_invariant_table(title, rows, by_probe=by_probe))
            note = _undecided(rows)
            if note is not None:
                console.print(note)
    if summary.position is not None:
        intro = position_intro(summary.position)
        console.print(_pairwise_table(POSITION_TITLE, intro, POSITION_HEADER, position_rows(summary)))
    if summary.self_preference:
        console.print(_pairwise_table(SELF_TITLE, SELF_INTRO, SELF_HEADER, self_preference_rows(summary)))
    if summary.controls:
        console.print(_control_table(summary.controls, summary.settings.max_control_miss_rate))
        console.print(_control_legend(summary.settings.max_control_miss_rate))
    if summary.hle:
        console.print(_accuracy(summary))
    classes = ", ".join(f"{k} {v}" for k, v in summary.flip_classes.items() if v)
    if classes:
        console.print(Text(f"Flip classes: {classes}"))
    if variants is not None and summary.flipped:
        console.print(Text("Most telling flips", style="bold"))
        for audit in audits(summary, variants, limit=top):
            console.print(_flip_panel(audit))
    s = summary.settings
    console.print(
        Text(
            f"biased = q < {s.alpha} and excess ≥ {100 * s.threshold:.0f} pts with the 95% CI above 0; "
            f"clean = CI upper bound < {100 * s.threshold:.0f} pts; * = fewer than {s.min_clusters} cases. "
            f"BH scope: {summary.bh_scope}.",
            style="dim",
        )
    )
    accuracy = _label_accuracy(summary)
    if accuracy is not None:
        console.print(Text("Accuracy against the adjudicated labels (unperturbed responses, judged draws)"))
        console.print(accuracy)
    _print_disagreements(console, summary)


def _label_accuracy(summary: Summary) -> Table | None:
    """Agreement of the unperturbed verdicts with the adjudicated labels, by answer kind."""
    rows = [row for row in summary.accuracy if row.stage == "before"]
    if not rows:
        return None
    table = Table()  # its title is printed above it: a title wider than the table would be wrapped
    for column in ("answer kind", "agree", "n", "accuracy", "95% CI", "undecided"):
        table.add_column(column, justify="left" if column == "answer kind" else "right")
    for row in sorted(rows, key=lambda r: (r.reference_doubt, r.answer_kind)):
        rate = row.agreement
        name = row.answer_kind + (" (disputed reference)" if row.reference_doubt else "")
        shown = f"{100 * rate.rate:.1f}%" if rate.rate is not None else "–"
        ci = f"{100 * rate.ci[0]:.1f}–{100 * rate.ci[1]:.1f}%"
        table.add_row(name, str(rate.events), str(rate.n), shown, ci, str(row.undecided))
    return table


def _print_disagreements(console: Console, summary: Summary, limit: int = 30) -> None:
    """Unperturbed responses whose modal verdict disagrees with the adjudicated label."""
    rows = summary.disagreements
    if not rows:
        return
    console.print(Text(f"Disagreements with the adjudicated labels ({len(rows)} unperturbed responses)"))
    table = Table()
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


def print_summary(summary: Summary, *, variants: Mapping[str, Variant] | None = None, top: int = 5) -> None:
    """Print the summary to standard output."""
    render_summary(summary, Console(), variants=variants, top=top)
