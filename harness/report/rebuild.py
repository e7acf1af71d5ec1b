"""Rebuild every report of a run from its store: the one call behind ``judgeprobe report`` (and the end of
``judgeprobe run``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from judgeprobe.harness.core.errors import StoreError
from judgeprobe.harness.report.writer import write_reports
from judgeprobe.harness.stats.schema import Settings, Summary
from judgeprobe.harness.stats.summary import DEFAULT_SETTINGS, build_summary
from judgeprobe.harness.store import RunStore, store_path
from judgeprobe.harness.store.frame import load_run
from judgeprobe.probes.variant import Variant

__all__ = ["RebuiltReports", "rebuild_reports"]


@dataclass(frozen=True)
class RebuiltReports:
    """What :func:`rebuild_reports` produced."""

    summary: Summary
    """The run's summary."""
    variants: dict[str, Variant]
    """The run's variants by id (for the terminal's flipped-case diffs)."""
    paths: list[Path]
    """Report files written."""


def rebuild_reports(run_dir: str | Path, *, settings: Settings = DEFAULT_SETTINGS) -> RebuiltReports:
    """Load a run's draws and variants from its store, build the summary and write every report file.

    Raises:
        StoreError: The folder holds no store, or the store holds no draws.
    """
    folder = Path(run_dir)
    if not store_path(folder).is_file():
        raise StoreError(f"{folder} holds no run store; pass the output folder of a 'judgeprobe run'")
    with RunStore(store_path(folder)) as store:
        variants = {v.id: v for v in store.iter_variants()}
        judge = store.get_meta("judge")
    # a folder can hold several judges' draws: the report is about the judge of the latest run
    judge_hash = judge.get("config_hash") if isinstance(judge, dict) else None
    frame = load_run(folder, judge_hash=judge_hash if isinstance(judge_hash, str) else None)
    if frame.empty:
        raise StoreError(f"{folder}: the run store holds no draws yet; run 'judgeprobe run' first")
    summary = build_summary(frame, variants=variants.values(), settings=settings)
    paths = write_reports(folder, summary=summary, frame=frame, variants=variants)
    return RebuiltReports(summary=summary, variants=variants, paths=paths)
