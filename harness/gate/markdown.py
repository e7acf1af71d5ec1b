"""The gate's markdown summary (for a pull request or the GitHub Actions job summary).

:func:`render_gate_markdown` writes the verdict, a per-family table against the limits, the failed rules
with the cases behind them, and the baseline changes; :func:`append_step_summary` appends it to the file
named by ``$GITHUB_STEP_SUMMARY`` when that variable is set.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from judgeprobe.harness.gate.rules import CASES_SHOWN, GateResult

__all__ = ["append_step_summary", "render_gate_markdown"]


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def render_gate_markdown(result: GateResult, *, run_dir: Path | None = None) -> str:
    """The gate's result as markdown."""
    mark = "✅ passed" if result.passed else "❌ failed"
    lines = [f"## judgeprobe gate: {mark}", ""]
    lines.append(
        f"Judge `{_cell(result.judge)}` (configuration `{result.judge_hash}`)"
        + (f", run folder `{run_dir}`" if run_dir else "")
        + "."
    )
    lines.append("")
    summary = result.summary
    failed_families = {f.family for f in result.failures if f.family is not None}
    if summary is not None and summary.families:
        lines += [
            "| family | pairs | flip rate | placebo | excess (95% CI) | limit | statistics | gate |",
            "|---|---:|---:|---:|---:|---:|---|---|",
        ]
        for fam in summary.families:
            low, high = fam.excess_ci
            status = "❌" if fam.family in failed_families else "✅"
            lines.append(
                f"| {_cell(fam.family)} | {fam.pairs} | {_pct(fam.flips.rate)} | {_pct(fam.placebo.rate)} | "
                f"{_pct(fam.excess)} ({_pct(low)} to {_pct(high)}) | "
                f"{_pct(result.settings.flip_limit(fam.family))} | "
                f"{fam.verdict} | {status} |"
            )
        lines.append("")
    controls = [c for c in summary.controls if c.level == "family"] if summary is not None else []
    if controls and result.settings.max_control_miss_rate is not None:
        lines += ["| control family | misses | miss rate | limit |", "|---|---:|---:|---:|"]
        for control in controls:
            lines.append(
                f"| {_cell(control.family)} | {control.misses.events} of {control.misses.n} | "
                f"{_pct(control.misses.rate)} | {_pct(result.settings.max_control_miss_rate)} |"
            )
        lines.append("")
    if result.failures:
        lines += ["### Failed rules", ""]
        for failure in result.failures:
            lines.append(f"- **{failure.rule}** — {_cell(failure.message)}")
            for case in failure.cases[:CASES_SHOWN]:
                lines.append(f"  - `{_cell(case)}`")
            if len(failure.cases) > CASES_SHOWN:
                lines.append(f"  - … and {len(failure.cases) - CASES_SHOWN} more")
        lines.append("")
    comparison = result.comparison
    if comparison is not None and (comparison.improvements or comparison.verdict_changes):
        lines += ["### Changes against the baseline that do not fail the gate", ""]
        for change in comparison.improvements:
            old, new = change.old, change.new
            assert old is not None and new is not None
            lines.append(
                f"- `{new.case}/{new.unit} {new.probe}`: flips less ({_pct(old.rate)} → {_pct(new.rate)})"
            )
        for change in comparison.verdict_changes:
            old, new = change.old, change.new
            assert old is not None and new is not None
            lines.append(
                f"- `{new.case}/{new.unit}`: unperturbed verdict {old.verdict!r} → {new.verdict!r} "
                f"(label {new.label!r})"
            )
        lines.append("")
    if result.notes:
        lines += ["### Notes", ""] + [f"- {_cell(note)}" for note in result.notes] + [""]
    return "\n".join(lines)


def append_step_summary(text: str, *, environ: Mapping[str, str] | None = None) -> Path | None:
    """Append ``text`` to ``$GITHUB_STEP_SUMMARY`` when it is set; return the file written (or ``None``)."""
    env = os.environ if environ is None else environ
    target = env.get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    path = Path(target)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text if text.endswith("\n") else text + "\n")
    return path
