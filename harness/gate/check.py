"""Gate one run: read (or write) the baseline, compare, and apply the rules.

The one path behind ``judgeprobe gate`` and the pytest plugin's items.
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
    from judgeprobe.harness.session import SuiteRun

__all__ = ["gate_frame", "gate_run", "judge_frame", "load_recorded", "registered_probe_names"]


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
    from judgeprobe.harness.stats.summary import DEFAULT_SETTINGS, build_summary
    from judgeprobe.harness.store import RunStore, store_path

    with RunStore(store_path(suite.run_dir)) as store:
        stored = store.get_meta("repeats")
    repeats = stored if isinstance(stored, int) and stored > 0 else 1
    frame, summary = suite.frame, suite.summary
    ids = {v.id for v in suite.plan.variants}
    own = judge_frame(suite.run_dir, suite.judge_hash, repeats=repeats, variant_ids=ids)
    if len(own) != len(frame):  # the folder also holds other judges' draws of the same variants
        frame = own
        stats = summary.settings if summary is not None else DEFAULT_SETTINGS
        summary = build_summary(own, variants=suite.plan.variants, settings=stats) if not own.empty else None
    return gate_frame(
        frame,
        summary,
        settings,
        judge=suite.judge_name,
        judge_hash=suite.judge_hash,
        repeats=repeats,
        covered_cases=[c.id for c in suite.plan.cases],
        covered_probes=[p.name for p in suite.plan.probes],
        baseline=baseline,
        update_baseline=update_baseline,
        known_cases=known_cases,
        known_probes=registered_probe_names(),
    )


def judge_frame(
    run_dir: Path, judge_hash: str, *, repeats: int, variant_ids: set[str] | None = None
) -> pd.DataFrame:
    """One judge's draws in a run folder (``variant_ids``: only these), within ``repeats`` draws per variant.

    Reads the store per judge: a folder that several judge configurations shared keeps each one's draws.
    """
    from judgeprobe.harness.store import RunStore, store_path
    from judgeprobe.harness.store.frame import records_frame

    with RunStore(store_path(run_dir)) as store:
        frame = records_frame(store.iter_records(judge_hash=judge_hash))
    if frame.empty:
        return frame
    keep = frame["draw"] < frame["relation"].map(lambda rel: 2 * repeats if rel == "base" else repeats)
    if variant_ids is not None:
        keep &= frame["variant_id"].isin(variant_ids)
    return frame[keep].reset_index(drop=True)


def load_recorded(run_dir: Path, *, judge_hash: str | None = None) -> tuple[pd.DataFrame, str, str, int]:
    """A recorded run's draws of one judge: ``(frame, judge name, judge hash, repeats)``.

    Args:
        run_dir: A run folder (holds ``store.sqlite``).
        judge_hash: The judge to read (``None``: the judge of the folder's latest run).

    Raises:
        StoreError: No store in the folder, or no draws of that judge.
    """
    from judgeprobe.harness.core.errors import StoreError
    from judgeprobe.harness.store import RunStore, store_path

    if not store_path(run_dir).is_file():
        raise StoreError(
            f"{run_dir} holds no run store; run 'judgeprobe run' or 'judgeprobe gate' with --out"
        )
    with RunStore(store_path(run_dir)) as store:
        meta = store.get_meta("judge")
        repeats_meta = store.get_meta("repeats")
    latest = meta if isinstance(meta, dict) else {}
    recorded = str(latest.get("config_hash") or latest.get("hash") or "")
    wanted = judge_hash or recorded
    repeats = int(repeats_meta) if isinstance(repeats_meta, int) and repeats_meta > 0 else 1
    frame = judge_frame(run_dir, wanted, repeats=repeats)
    if frame.empty:
        raise StoreError(f"{run_dir} holds no draws of judge configuration {wanted or '(none recorded)'}")
    name = str(latest.get("name")) if wanted == recorded else str(frame["judge"].iloc[0])
    return frame, name, wanted, repeats
