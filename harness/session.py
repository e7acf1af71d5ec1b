"""A probe run from start to finish: cases -> variants -> judge draws in the store -> summary and reports.

This is the one orchestration path behind ``judgeprobe run``, the pytest plugin's fixture and ``gate``.
It is split in two so that a dry run can stop after planning:

- :func:`plan_suite` loads and selects the cases and generates the variants (no judge is called);
- :func:`run_suite` runs the plan against a judge into a run folder and summarises what this judge said
  about exactly these variants (a folder may hold draws of other judges or earlier selections: they are
  kept in the store but left out of this summary).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cases.loader import Library, load_library
from cases.models import GradeCase, PairwiseCase, ScoreCase
from harness.errors import ConfigError
from harness.frame import load_run
from harness.judges.base import Judge
from harness.judges.registry import load_judge
from harness.runner import RunOptions, RunStats, run
from harness.stats.schema import Settings, Summary
from harness.stats.summary import DEFAULT_SETTINGS, build_summary
from harness.store import RunStore, store_path
from probes.base import ProbeInfo, select_probes
from probes.suite import generate_suite
from probes.variant import Variant

__all__ = [
    "DEFAULT_OUT_ROOT",
    "SuitePlan",
    "SuiteRun",
    "default_out_dir",
    "plan_suite",
    "run_suite",
    "save_plan",
]

AnyCase = GradeCase | PairwiseCase | ScoreCase

DEFAULT_OUT_ROOT = Path("judgeprobe-out")
"""Where runs go when ``--out`` is not given: one sub-folder per judge configuration."""


@dataclass(frozen=True)
class SuitePlan:
    """The cases and variants of a run, before any judge is called."""

    cases: tuple[AnyCase, ...]
    """Selected cases, in library order."""
    probes: tuple[ProbeInfo, ...]
    """Selected probes (empty: base variants only)."""
    variants: tuple[Variant, ...]
    """Base variants first, then every probe's variants (deduplicated, deterministic order)."""
    reference_doubt: dict[str, bool]
    """Case id -> the case's reference is disputed."""
    seed: int
    """Seed the probes drew from."""

    def family_counts(self) -> dict[str, int]:
        """Number of variants per family (``base`` for the unperturbed ones)."""
        counts: dict[str, int] = {}
        for variant in self.variants:
            counts[variant.family] = counts.get(variant.family, 0) + 1
        return dict(sorted(counts.items()))


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


def plan_suite(
    *,
    case_dirs: Sequence[Path] = (),
    include_builtin_cases: bool = True,
    case_ids: Sequence[str] = (),
    tags: Sequence[str] = (),
    kinds: Sequence[str] = (),
    modes: Sequence[str] = (),
    probes: str | None = None,
    seed: int = 0,
    library: Library | None = None,
) -> SuitePlan:
    """Load the case library, select cases and probes, and generate the variants.

    Args:
        case_dirs: User case folders read besides (or instead of) the shipped library.
        include_builtin_cases: Read the shipped library.
        case_ids: Keep only these case ids (empty: all).
        tags: Keep cases having any of these tags (empty: all).
        kinds: Keep grade cases of these answer kinds (empty: all).
        modes: Keep cases of these modes (empty: all).
        probes: Probe selector (family or probe names, comma-separated); ``None`` or ``all``: every probe;
            ``none``: no probes (base variants only: plain accuracy against the labels).
        seed: Seed of the probes' random draws.
        library: An already loaded library (skips loading).
    """
    lib = (
        library
        if library is not None
        else load_library(list(case_dirs), include_builtin=include_builtin_cases)
    )
    selected = tuple(lib.select(ids=case_ids, tags=tags, kinds=kinds, modes=modes))
    unknown = sorted(set(case_ids) - {c.id for c in selected})
    if unknown:
        raise ConfigError(f"unknown case id(s): {', '.join(unknown)}; see 'judgeprobe cases list'")
    chosen: tuple[ProbeInfo, ...] = () if (probes or "").strip() == "none" else tuple(select_probes(probes))
    variants = generate_suite(selected, probes=chosen, seed=seed) if chosen else _base_only(selected, seed)
    return SuitePlan(
        cases=tuple(selected),
        probes=chosen,
        variants=tuple(variants),
        reference_doubt={c.id: c.reference_doubt for c in selected},
        seed=seed,
    )


def _base_only(cases: Sequence[AnyCase], seed: int) -> list[Variant]:
    from probes.units import base_variants

    return [v for case in cases for v in base_variants(case, seed=seed)]


_SLUG = re.compile(r"[^A-Za-z0-9._-]+")


def default_out_dir(judge: Judge) -> Path:
    """``judgeprobe-out/<judge name>-<hash prefix>``: one folder per judge configuration, so rerunning the
    same command resumes and a changed prompt starts a new folder."""
    slug = _SLUG.sub("-", judge.name).strip("-")[:60] or "judge"
    return DEFAULT_OUT_ROOT / f"{slug}-{judge.config_hash[:8]}"


def save_plan(plan: SuitePlan, *, judge: Judge | str, out: Path | None = None, repeats: int = 1) -> Path:
    """Write the plan's variants into a run folder's store without calling the judge (for ``batch export``).

    Returns:
        The run folder.
    """
    the_judge = load_judge(judge) if isinstance(judge, str) else judge
    run_dir = out if out is not None else default_out_dir(the_judge)
    run_dir.mkdir(parents=True, exist_ok=True)
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
    run_dir.mkdir(parents=True, exist_ok=True)
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
        from harness.report.writer import write_reports as write

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
