"""Gate one run: read (or write) the baseline, compare, and apply the rules.

The one path behind ``judgeprobe gate`` and the pytest plugin's items. A run's frame and summary come from
the run tail (:func:`judgeprobe.harness.session.tail.run_tail`), live or recorded, so a gate sees exactly
the draws ``run`` and ``report`` show for that run.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from judgeprobe.harness.gate.baseline import (
    BaselineError,
    compare,
    entries_from_frame,
    read_baseline,
    updated,
    write_baseline,
)
from judgeprobe.harness.gate.rules import GateResult, evaluate
from judgeprobe.harness.gate.settings import GateSettings
from judgeprobe.harness.stats.schema import Summary

if TYPE_CHECKING:
    from judgeprobe.harness.session import RunResults, SuiteRun

__all__ = ["gate_frame", "gate_recorded", "gate_run", "registered_probe_names"]


def registered_probe_names() -> list[str]:
    """Names of every registered probe (entries for other probes are pruned on update)."""
    from judgeprobe.probes.selector import select_probes

    return [info.name for info in select_probes(None)]


def gate_frame(
    frame: pd.DataFrame,
    summary: Summary | None,
    settings: GateSettings,
    *,
    judge: str,
    judge_hash: str,
    repeats: int,
    covered_cases: Iterable[str],
    covered_probes: Iterable[str],
    baseline: Path | None = None,
    update_baseline: bool = False,
    known_cases: Iterable[str] | None = None,
    known_probes: Iterable[str] | None = None,
) -> GateResult:
    """Gate one judge's draws.

    Args:
        frame: This judge's draws on the run's variants.
        summary: Their summary (``None``: no draws).
        settings: Thresholds.
        judge: Judge display name.
        judge_hash: Judge configuration hash.
        repeats: Draws per variant.
        covered_cases: Case ids the run selected.
        covered_probes: Probe names the run selected.
        baseline: Baseline file (``None``: no comparison).
        update_baseline: Write the baseline from this run instead of comparing with it.
        known_cases: Case ids that exist (``None``: unknown; entries of other cases are kept on update).
        known_probes: Probe names that exist (``None``: unknown).

    Raises:
        BaselineError: The baseline file is malformed (and is not being rewritten).
    """
    cases, probes = list(covered_cases), list(covered_probes)
    current = entries_from_frame(frame)
    notes: list[str] = []
    if baseline is not None and update_baseline:
        old = None
        if baseline.is_file():
            try:
                old = read_baseline(baseline)
            except BaselineError as exc:  # e.g. merge-conflict markers: rewrite it from this run
                notes.append(f"the old baseline was unreadable and is rewritten from this run ({exc})")
        new, counts = updated(
            old,
            current,
            judge=judge,
            judge_hash=judge_hash,
            repeats=repeats,
            covered_cases=cases,
            covered_probes=probes,
            known_cases=known_cases,
            known_probes=known_probes,
        )
        write_baseline(baseline, new)
        notes.append(
            f"baseline written to {baseline.name}: {counts.added} added, {counts.changed} changed, "
            f"{counts.removed} removed, {counts.kept} kept"
        )
        return evaluate(
            summary, frame, settings, judge=judge, judge_hash=judge_hash, update=counts, notes=notes
        )
    if baseline is not None and not baseline.is_file():
        return evaluate(
            summary, frame, settings, judge=judge, judge_hash=judge_hash, baseline_missing=str(baseline)
        )
    comparison = None
    if baseline is not None:
        comparison = compare(
            read_baseline(baseline),
            current,
            judge_hash=judge_hash,
            tolerance=settings.noise_tolerance,
            covered_cases=cases,
            covered_probes=probes,
        )
    return evaluate(summary, frame, settings, judge=judge, judge_hash=judge_hash, comparison=comparison)


def gate_run(
    suite: SuiteRun,
    settings: GateSettings,
    *,
    baseline: Path | None = None,
    update_baseline: bool = False,
    known_cases: Iterable[str] | None = None,
) -> GateResult:
    """Gate a finished :class:`~judgeprobe.harness.session.SuiteRun` (see :func:`gate_frame`)."""
    return gate_frame(
        suite.frame,
        suite.summary,
        settings,
        judge=suite.judge_name,
        judge_hash=suite.judge_hash,
        repeats=suite.run.repeats or 1,
        covered_cases=[c.id for c in suite.plan.cases],
        covered_probes=[p.name for p in suite.plan.probes],
        baseline=baseline,
        update_baseline=update_baseline,
        known_cases=known_cases,
        known_probes=registered_probe_names(),
    )


def gate_recorded(
    results: RunResults,
    settings: GateSettings,
    *,
    baseline: Path | None = None,
    update_baseline: bool = False,
) -> GateResult:
    """Gate a recorded run read back by :func:`~judgeprobe.harness.session.tail.run_tail`.

    The cases and probes it covers are those the run selected, when the store recorded them (a run made
    before runs were kept: those its draws show).

    Raises:
        StoreError: The run has no draws.
    """
    from judgeprobe.harness.core.errors import StoreError

    frame, run = results.frame, results.run
    if frame.empty:
        raise StoreError(
            f"{results.run_dir}: run {run.key} holds no draws of judge configuration {run.judge_hash}"
        )
    cases = run.cases if run.cases is not None else sorted(set(frame["case_id"]))
    probes = run.probes if run.probes is not None else sorted(set(frame["probe"]) - {"base"})
    return gate_frame(
        frame,
        results.summary,
        settings,
        judge=run.judge,
        judge_hash=run.judge_hash,
        repeats=run.repeats or int(results.summary.run.repeats if results.summary is not None else 1),
        covered_cases=cases,
        covered_probes=probes,
        baseline=baseline,
        update_baseline=update_baseline,
        known_probes=registered_probe_names(),
    )
