"""A probe run from start to finish: cases -> variants -> judge draws in the store -> summary and reports.

This is the one orchestration path behind ``judgeprobe run``, the pytest plugin's fixture and ``gate``.
It is split in two so that a dry run can stop after planning:

- :func:`plan_suite` loads and selects the cases and generates the variants (no judge is called);
- :func:`run_suite` runs the plan against a judge into a run folder and summarises what this judge said
  about exactly these variants (a folder may hold draws of other judges or earlier selections: they are
  kept in the store but left out of this summary).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.registry import load_judge
from judgeprobe.harness.run.plan import SuitePlan, plan_suite
from judgeprobe.harness.run.runner import RunOptions, RunStats, run
from judgeprobe.harness.stats.schema import Settings, Summary
from judgeprobe.harness.stats.summary import DEFAULT_SETTINGS, build_summary
from judgeprobe.harness.store import RunStore, store_path
from judgeprobe.harness.store.frame import load_run
from judgeprobe.probes.variant import Variant

__all__ = [
    "DEFAULT_OUT_ROOT",
    "SuitePlan",
    "SuiteRun",
    "default_out_dir",
    "plan_suite",
    "run_suite",
    "save_plan",
]


DEFAULT_OUT_ROOT = Path("judgeprobe-out")
"""Where runs go when ``--out`` is not given: one sub-folder per judge configuration."""


@dataclass
class SuiteRun:
    """A finished (or interrupted) run and its analysis."""

    run_dir: Path
    """The output folder (holds ``store.sqlite`` and the reports)."""
    judge_name: str
    """Display name of the judge."""
    judge_hash: str
    """Configuration hash of the judge."""
    plan: SuitePlan
    """What was run."""
    stats: RunStats
    """What the runner did (calls, cache hits, errors)."""
    frame: pd.DataFrame
    """This judge's draws on this plan's variants, one row per draw."""
    summary: Summary | None
    """Statistics (``None`` when there were no draws to summarise)."""
    paths: list[Path] = field(default_factory=list)
    """Report files written."""

    @property
    def variants_by_id(self) -> dict[str, Variant]:
        """The plan's variants by id."""
        return {v.id: v for v in self.plan.variants}


_SLUG = re.compile(r"[^A-Za-z0-9._-]+")


def default_out_dir(judge: Judge) -> Path:
    """``judgeprobe-out/<judge name>-<hash prefix>``: one folder per judge configuration, so rerunning the
    same command resumes and a changed prompt starts a new folder."""
    slug = _SLUG.sub("-", judge.name).strip("-")[:60] or "judge"
    return DEFAULT_OUT_ROOT / f"{slug}-{judge.config_hash[:8]}"


def make_run_dir(run_dir: Path) -> None:
    """Create the run folder (and its parents).

    Raises:
        ConfigError: It cannot be created or written to (a file is in the way, no permission), before any
            judge is called.
    """
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        probe = run_dir / f".judgeprobe-write-check-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise ConfigError(f"cannot use {run_dir} as the run folder: {exc.strerror or exc}") from None


def save_plan(plan: SuitePlan, *, judge: Judge | str, out: Path | None = None, repeats: int = 1) -> Path:
    """Write the plan's variants into a run folder's store without calling the judge (for ``batch export``).

    Returns:
        The run folder.
    """
    the_judge = load_judge(judge) if isinstance(judge, str) else judge
    run_dir = out if out is not None else default_out_dir(the_judge)
    make_run_dir(run_dir)
    with RunStore(store_path(run_dir)) as store:
        store.set_meta("judge", {"name": the_judge.name, "config_hash": the_judge.config_hash})
        store.set_meta("repeats", repeats)
        store.set_meta("seed", plan.seed)
        store.put_variants(plan.variants, reference_doubt=plan.reference_doubt)
    return run_dir


def run_suite(
    plan: SuitePlan,
    *,
    judge: Judge | str,
    out: Path | None = None,
    options: RunOptions | None = None,
    settings: Settings = DEFAULT_SETTINGS,
    show_progress: bool = True,
    write_reports: bool = True,
) -> SuiteRun:
    """Run ``plan`` against ``judge`` (a judge or a spec/TOML path), then summarise and write the reports.

    Rerunning with the same folder resumes: finished draws are read from the store, not requested again.
    """
    the_judge = load_judge(judge) if isinstance(judge, str) else judge
    the_judge.preflight()
    run_dir = out if out is not None else default_out_dir(the_judge)
    make_run_dir(run_dir)
    opts = options or RunOptions()
    with RunStore(store_path(run_dir)) as store:
        store.set_meta("judge", {"name": the_judge.name, "config_hash": the_judge.config_hash})
        store.set_meta("repeats", opts.repeats)
        store.set_meta("seed", plan.seed)
        store.put_variants(plan.variants, reference_doubt=plan.reference_doubt)
        stats = run(
            the_judge, plan.variants, store, options=opts, show_progress=show_progress,
            reference_doubt=plan.reference_doubt,
        )  # fmt: skip
    frame = _this_run(
        load_run(run_dir, judge_hash=the_judge.config_hash), the_judge.config_hash, plan, opts.repeats
    )
    summary = build_summary(frame, variants=plan.variants, settings=settings) if not frame.empty else None
    result = SuiteRun(
        run_dir=run_dir, judge_name=the_judge.name, judge_hash=the_judge.config_hash, plan=plan,
        stats=stats, frame=frame, summary=summary,
    )  # fmt: skip
    if write_reports and summary is not None:
        from judgeprobe.harness.report.writer import write_reports as write

        result.paths = write(run_dir, summary=summary, frame=frame, variants=result.variants_by_id)
    return result


def _this_run(frame: pd.DataFrame, judge_hash: str, plan: SuitePlan, repeats: int) -> pd.DataFrame:
    """The draws of this judge on this plan's variants, within this run's repeats (a folder may hold more
    draws from an earlier run with more repeats; they stay in the store but not in this summary)."""
    if frame.empty:
        return frame
    ids = {v.id for v in plan.variants}
    limit = frame["relation"].map(lambda rel: 2 * repeats if rel == "base" else repeats)
    keep = (frame["judge_hash"] == judge_hash) & frame["variant_id"].isin(ids) & (frame["draw"] < limit)
    return frame[keep].reset_index(drop=True)
