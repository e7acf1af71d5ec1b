"""The tail of every run: a run folder and a run's identity in, the run's frame, summary and reports out.

``judgeprobe run`` (after the judge is called), ``report``, ``gate`` (live and on a recorded folder),
``diff`` and the pytest plugin all end here, so they agree on which draws belong to a run: the run's judge
configuration, the variants its selection produced, the draws within its repeats (see
:mod:`judgeprobe.harness.store.runs`). A folder may hold several runs — other judges, other selections,
more repeats — and their draws stay in the store as a cache, but never enter another run's figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from judgeprobe.harness.core.cost import Price
from judgeprobe.harness.core.errors import StoreError
from judgeprobe.harness.session.adaptive import state_key
from judgeprobe.harness.stats.classify import start_grading_workers
from judgeprobe.harness.stats.schema import RewriteCounts, Settings, Summary, UsageInfo
from judgeprobe.harness.stats.sequential import SequentialDesign, SequentialState
from judgeprobe.harness.stats.summary import DEFAULT_SETTINGS, build_summary
from judgeprobe.harness.stats.usage import usage_info
from judgeprobe.harness.store import RunStore, store_path
from judgeprobe.harness.store.runs import RunRecord
from judgeprobe.probes.variant import Variant

__all__ = ["FRAME_ORDER", "RunResults", "rewrites_meta_key", "run_settings", "run_tail"]

FRAME_ORDER = ("case_id", "unit_id", "variant_id", "draw", "judge_hash")
"""Sort order of a run's frame, so the same store always gives the same frame (and the same reports)."""


@dataclass(frozen=True)
class RunResults:
    """One run of a folder, read back: its record, draws, summary and the report files written."""

    run_dir: Path
    """The run folder."""
    run: RunRecord
    """The run's record (judge, selection, options, key)."""
    frame: pd.DataFrame
    """The run's draws, one row per draw (columns as in ``docs/dataframe.md``; without ``prompt`` when read
    with ``prompts=False``), in :data:`FRAME_ORDER`."""
    variants: dict[str, Variant]
    """The run's variants by id."""
    summary: Summary | None
    """The run's statistics (``None`` when it has no draws yet)."""
    paths: tuple[Path, ...] = ()
    """Report files written (empty unless asked to write)."""


def rewrites_meta_key(run_key: str) -> str:
    """The store's metadata key under which a run keeps the rewrites its probes left out."""
    return f"rewrites:{run_key}"


def _with_run_facts(
    summary: Summary, record: RunRecord, rewrites: object, usage: UsageInfo | None
) -> Summary:
    """The summary with the run's key, grading policy, tokens and cost, and left-out rewrites (facts of the
    run, not of its draws)."""
    policy = str((record.selection or {}).get("policy", "semantic"))
    run = summary.run.model_copy(update={"run_id": record.key, "policy": policy, "usage": usage})
    counts = RewriteCounts.model_validate(rewrites) if isinstance(rewrites, dict) else None
    return summary.model_copy(update={"run": run, "rewrites": counts})


def run_settings(run: RunRecord) -> Settings:
    """The analysis settings a run's reports were made with (the defaults when it recorded none)."""
    if run.settings is None:
        return DEFAULT_SETTINGS
    return Settings.model_validate({**DEFAULT_SETTINGS.model_dump(), **run.settings})


def _sequential_state(store: RunStore, record: RunRecord) -> SequentialState | None:
    """An adaptive run's state as the store keeps it (a fresh one when it stopped before its first look)."""
    if not record.adaptive:
        return None
    saved = store.get_meta(state_key(record.key))
    if saved is not None:
        return SequentialState.from_json(saved)
    options = dict(record.options.get("adaptive") or {})
    design = SequentialDesign.from_json({**options, "max_draws": record.repeats or options.get("max_draws")})
    return SequentialState(design, max_calls=options.get("max_calls"), max_cost=options.get("max_cost"))


def run_tail(
    run_dir: str | Path,
    run: str | RunRecord | None = None,
    *,
    settings: Settings | None = None,
    variants: Iterable[Variant] | None = None,
    write: bool = False,
    prompts: bool = True,
) -> RunResults:
    """Read one run of a folder and summarise it; with ``write``, write every registered report format.

    Args:
        run_dir: The run folder (holds ``store.sqlite``).
        run: The run: its record, its key (a unique prefix will do), or ``None`` for the folder's latest run.
        settings: Analysis settings (default: those the run recorded, else the defaults).
        variants: The run's variants when the caller has them in memory (the plan of a run just made);
            default: read from the store.
        write: Write the reports into ``run_dir`` (only when the run has draws).
        prompts: Keep the frame's ``prompt`` column. The statistics never read it, and it is the largest
            part of a frame (some 100 MB for 100,000 draws), so it is read after them; ``False`` leaves it
            out of the frame returned, for a caller that wants only the summary and the report files (the
            reports are the same either way).

    Raises:
        StoreError: The folder holds no store, or not the run asked for.
    """
    folder = Path(run_dir)
    if not store_path(folder).is_file():
        raise StoreError(f"{folder} holds no run store; pass the output folder of a 'judgeprobe run'")
    with RunStore(store_path(folder)) as store:
        record = run if isinstance(run, RunRecord) else store.find_run(run)
        frame = store.run_frame(record, prompts=False)  # the prompts' texts are read after the statistics
        if bool((frame["relation"] == "invariant").any()):
            start_grading_workers()  # flips are classified on them: they start while the variants are read
        known = list(variants) if variants is not None else list(store.run_variants(record))
        rewrites = store.get_meta(rewrites_meta_key(record.key))
        sequential = _sequential_state(store, record)
        priced = (store.get_meta("prices") or {}).get(record.judge_hash)
    frame = frame.sort_values(list(FRAME_ORDER), kind="stable").reset_index(drop=True)
    by_id = {v.id: v for v in known}
    summary = None
    if not frame.empty:
        chosen = settings if settings is not None else run_settings(record)
        summary = build_summary(frame, variants=known, settings=chosen, sequential=sequential)
        usage = usage_info(frame, Price.model_validate(priced) if priced else None)
        summary = _with_run_facts(summary, record, rewrites, usage)
    paths: tuple[Path, ...] = ()
    with RunStore(store_path(folder)) as store:
        if write and summary is not None:
            from judgeprobe.harness.report.writer import write_reports
            from judgeprobe.harness.session.fresh import record_reports

            # the prompts are looked up a block of results.jsonl at a time (and for any format not
            # shipped, before it is written)
            paths = tuple(
                write_reports(folder, summary=summary, frame=frame, variants=by_id, texts=store.texts)
            )
            record_reports(store, record, paths, summary, by_id)
        if prompts:
            store.resolve_prompts(frame)
        else:
            frame = frame.drop(columns="prompt")
    return RunResults(run_dir=folder, run=record, frame=frame, variants=by_id, summary=summary, paths=paths)
