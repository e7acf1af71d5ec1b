"""A probe run from start to finish: cases -> variants -> judge draws in the store -> summary and reports.

This is the one orchestration path behind ``judgeprobe run``, the pytest plugin's fixture and ``gate``.
It is split in two so that a dry run can stop after planning:

- :func:`plan_suite` loads and selects the cases and generates the variants (no judge is called);
- :func:`run_suite` records the run in the folder's store (its key: judge, selection, repeats), runs the
  plan against the judge, and hands over to :func:`judgeprobe.harness.session.tail.run_tail`, which reads
  back exactly this run's draws (a folder may hold draws of other judges, selections or repeats: they stay
  in the store as a cache but are left out of this run's summary and reports).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError, JudgeUnusable
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.registry import load_judge
from judgeprobe.harness.run.plan import SuitePlan, plan_suite, rewrites_json
from judgeprobe.harness.run.runner import ProgressSink, RunOptions, RunStats, run
from judgeprobe.harness.run.selection import Selection, run_key
from judgeprobe.harness.run.shard import Shard, shard_plan
from judgeprobe.harness.session.adaptive import AdaptiveOptions, run_adaptive
from judgeprobe.harness.session.tail import rewrites_meta_key, run_tail
from judgeprobe.harness.stats.schema import Settings, Summary
from judgeprobe.harness.stats.summary import DEFAULT_SETTINGS
from judgeprobe.harness.store import RunStore, store_path
from judgeprobe.harness.store.runs import RunRecord
from judgeprobe.probes.variant import Relation, Variant

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
"""Where runs go when ``--out`` is not given: one sub-folder per run key (judge, selection, repeats)."""


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
    """This run's draws (its judge, its variants, its repeats), one row per draw (without ``prompt`` when
    run with ``prompts=False``)."""
    summary: Summary | None
    """Statistics (``None`` when there were no draws to summarise)."""
    run: RunRecord
    """The run as the store records it (its key, selection and options)."""
    paths: list[Path] = field(default_factory=list)
    """Report files written."""

    @property
    def variants_by_id(self) -> dict[str, Variant]:
        """The plan's variants by id."""
        return {v.id: v for v in self.plan.variants}

    def raise_if_stopped(self) -> None:
        """Raise :class:`~judgeprobe.harness.core.errors.JudgeUnusable` when the run stopped before its last
        draw: the judge kept failing the same blocking way (a refused key, an unknown model, no server), or
        the cost budget ran out. Its callers (``gate``, ``diff``, the pytest plugin) read every draw of the
        plan, so part of it is no basis; the draws made are kept, and a rerun carries on."""
        if self.stats.stopped is not None:
            raise JudgeUnusable(self.stats.stopped)
        if self.stats.budget_stop:
            raise JudgeUnusable(
                f"{self.stats.budget_stop}; this command needs every draw of the plan (raise run.max_cost, "
                "or rerun: the draws made so far are kept)"
            )


_SLUG = re.compile(r"[^A-Za-z0-9._-]+")


def default_out_dir(
    judge: Judge,
    selection: Selection | None = None,
    *,
    repeats: int = 1,
    adaptive: Mapping[str, Any] | None = None,
    shard: str | None = None,
) -> Path:
    """``judgeprobe-out/<judge name>-<run key>``: one folder per run key (the judge's hash prefix, then a
    digest of the selection and repeats), so rerunning the same command resumes, a changed prompt starts a
    new folder, and a subset run never overwrites the full run's reports."""
    slug = _SLUG.sub("-", judge.name).strip("-")[:60] or "judge"
    chosen = selection or Selection()
    key = run_key(judge.config_hash, chosen, repeats=repeats, adaptive=adaptive, shard=shard)
    return DEFAULT_OUT_ROOT / f"{slug}-{key}"


def _record(
    plan: SuitePlan,
    judge: Judge,
    repeats: int,
    settings: Settings | None,
    adaptive: Mapping[str, Any] | None = None,
    shard: str | None = None,
) -> RunRecord:
    planned: int | None = sum(2 * repeats if v.relation is Relation.BASE else repeats for v in plan.variants)
    options: dict[str, Any] = {"repeats": repeats}
    if adaptive is not None:
        options["adaptive"] = dict(adaptive)
        planned = None  # known only as the rounds go
    if shard is not None:
        options["shard"] = shard
    return RunRecord(
        key=run_key(judge.config_hash, plan.selection, repeats=repeats, adaptive=adaptive, shard=shard),
        judge=judge.name,
        judge_hash=judge.config_hash,
        selection=plan.selection.to_json(),
        options=options,
        settings=None if settings is None else settings.model_dump(mode="json"),
        variants=len(plan.variants),
        variants_digest="",
        cases=tuple(c.id for c in plan.cases),
        probes=tuple(p.name for p in plan.probes),
        planned=planned,
        created_at="",
        updated_at="",
    )


def _open_run(
    plan: SuitePlan,
    judge: Judge,
    out: Path | None,
    repeats: int,
    settings: Settings | None,
    adaptive: Mapping[str, Any] | None = None,
    shard: str | None = None,
) -> tuple[Path, RunRecord, RunStore]:
    """Create (or reopen) the run folder, store the plan's variants and record the run."""
    run_dir = (
        out
        if out is not None
        else default_out_dir(judge, plan.selection, repeats=repeats, adaptive=adaptive, shard=shard)
    )
    make_run_dir(run_dir)
    store = RunStore(store_path(run_dir))
    try:
        store.set_meta("judge", {"name": judge.name, "config_hash": judge.config_hash})
        store.set_meta("repeats", repeats)
        store.set_meta("seed", plan.seed)
        store.put_variants(plan.variants, reference_doubt=plan.reference_doubt)
        if judge.price is not None:
            prices = dict(store.get_meta("prices") or {})
            prices[judge.config_hash] = judge.price.model_dump(mode="json")
            store.set_meta("prices", prices)
        record = store.record_run(
            _record(plan, judge, repeats, settings, adaptive, shard), (v.id for v in plan.variants)
        )
        store.set_meta(rewrites_meta_key(record.key), rewrites_json(plan))
    except BaseException:
        store.close()
        raise
    return run_dir, record, store


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
    """Write the plan's variants into a run folder's store and record the run, without calling the judge
    (for ``batch export``; a later ``judgeprobe run`` of the same selection resumes this run).

    Returns:
        The run folder.
    """
    the_judge = load_judge(judge) if isinstance(judge, str) else judge
    run_dir, _, store = _open_run(plan, the_judge, out, repeats, None)
    store.close()
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
    adaptive: AdaptiveOptions | None = None,
    shard: Shard | None = None,
    progress: ProgressSink | None = None,
    prompts: bool = True,
) -> SuiteRun:
    """Run ``plan`` against ``judge`` (a judge or a spec/TOML path), then summarise and write the reports.

    Rerunning with the same folder resumes: finished draws are read from the store, not requested again.
    With ``adaptive``, draws are made in rounds until every invariant test is settled (``options.repeats``
    is then the most draws per variant; see :mod:`judgeprobe.harness.session.adaptive`). With ``shard``, only
    that part of the plan is run, as a run of its own (``judgeprobe merge`` joins the parts).
    ``progress`` (a sink such as :func:`~judgeprobe.harness.run.line_progress.progress_sink` picks) replaces
    the rich bar ``show_progress`` draws. When the judge kept failing the same blocking way the run stops
    early and the reports of what was done are still written: see :meth:`SuiteRun.raise_if_stopped`.
    ``prompts=False`` leaves the ``prompt`` column out of :attr:`SuiteRun.frame` (see
    :func:`~judgeprobe.harness.session.tail.run_tail`).
    """
    the_judge = load_judge(judge) if isinstance(judge, str) else judge
    the_judge.preflight()
    modes = sorted({str(v.mode) for v in plan.variants})
    if modes and not any(the_judge.supports(Mode(mode)) for mode in modes):
        raise ConfigError(
            f"judge {the_judge.name} judges none of the selected modes ({', '.join(modes)}), so every draw "
            "would be skipped; select cases of its mode (--mode) or give it a template of theirs"
        )
    opts = options or RunOptions()
    identity = None
    if adaptive is not None:
        if adaptive.design.max_draws != opts.repeats:
            adaptive = replace(adaptive, design=replace(adaptive.design, max_draws=opts.repeats))
        if adaptive.max_cost is not None and the_judge.price is None:
            raise ConfigError(
                "--max-cost needs the judge's prices: add a [judge.price] table (input, output, cached_input "
                "per million tokens) to the judge file"
            )
        identity = adaptive.identity(settings)
    if shard is not None:
        if adaptive is not None:
            raise ConfigError(
                "--shard and --adaptive do not mix: an adaptive run decides what to draw from every test's "
                "draws so far; run it on one machine, or shard a fixed run"
            )
        plan = shard_plan(plan, shard)
    part = None if shard is None else str(shard)
    run_dir, record, store = _open_run(plan, the_judge, out, opts.repeats, settings, identity, part)
    with store:
        if adaptive is None:
            stats = run(
                the_judge, plan.variants, store, options=opts, show_progress=show_progress,
                reference_doubt=plan.reference_doubt, progress=progress,
            )  # fmt: skip
        else:
            stats, _ = run_adaptive(
                the_judge, plan.variants, store, record, adaptive=adaptive, options=opts, settings=settings,
                reference_doubt=plan.reference_doubt, show_progress=show_progress, progress=progress,
            )  # fmt: skip
    results = run_tail(
        run_dir, record, settings=settings, variants=plan.variants, write=write_reports, prompts=prompts
    )
    return SuiteRun(
        run_dir=run_dir, judge_name=the_judge.name, judge_hash=the_judge.config_hash, plan=plan,
        stats=stats, frame=results.frame, summary=results.summary, run=record, paths=list(results.paths),
    )  # fmt: skip
