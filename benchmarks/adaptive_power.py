"""Adaptive runs on planted judges, in memory: the loop of ``judgeprobe run --adaptive`` without a store.

:func:`run_adaptive_direct` runs :func:`judgeprobe.harness.session.adaptive.adaptive_rounds` — the same
rounds, looks and stopping rule as a real adaptive run — with a planted judge called directly, and returns
the summary and the number of draws made. ``power_table.py`` uses it to put adaptive runs beside fixed
repeats.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from judgeprobe.harness.core.records import DrawRecord, record_for
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Verdict
from judgeprobe.harness.run.runner import PlannedDraw
from judgeprobe.harness.session.adaptive import RoundOutcome, adaptive_rounds
from judgeprobe.harness.stats import Settings, Summary, build_summary
from judgeprobe.harness.stats.sequential import SequentialDesign, SequentialState
from judgeprobe.harness.store.frame import records_frame
from judgeprobe.probes.variant import Variant

__all__ = ["run_adaptive_direct"]


def _record(variant: Variant, draw: int, placebo: bool, verdict: Verdict) -> DrawRecord:
    request = JudgeRequest.from_variant(variant, draw=draw)
    key = request.content_key()
    return record_for(
        variant, verdict, run_id="direct", judge="planted", judge_hash="planted", draw=draw, placebo=placebo,
        cache_key=key[:32], request_key=key, cached=False, reference_doubt=False,
    )  # fmt: skip


def run_adaptive_direct(
    judge: Callable[[JudgeRequest], Verdict],
    variants: Sequence[Variant],
    *,
    design: SequentialDesign,
    settings: Settings,
    max_calls: int | None = None,
) -> tuple[Summary, int, SequentialState]:
    """An adaptive run of ``judge`` over ``variants``: its summary, the draws it made, its final state."""
    records: list[DrawRecord] = []

    def execute(number: int, plan: list[PlannedDraw], left: float | None) -> RoundOutcome:
        for variant, draw, placebo in plan:
            verdict = judge(JudgeRequest.from_variant(variant, draw=draw))
            records.append(_record(variant, draw, placebo, verdict))
        return RoundOutcome()

    state = SequentialState(design, max_calls=max_calls)
    adaptive_rounds(variants, state, settings=settings, execute=execute, frame=lambda: records_frame(records))
    summary = build_summary(records_frame(records), variants=variants, settings=settings, sequential=state)
    return summary, len(records), state
