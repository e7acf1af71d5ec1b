"""The verdict on the judge as a whole, and the reasons its failed draws give.

A judge is **unreliable** when any of these checks fails (limits in :class:`~judgeprobe.harness.stats.schema.
Settings`; each figure carries its count and 95 % Wilson interval):

``controls``  the miss rate of every control pooled is above ``max_control_miss_rate``: the verdict does not
              follow a meaning change (a judge that says "yes" to everything misses them all);
``accuracy``  the unperturbed verdicts agree with the labels less often than ``min_accuracy`` (disputed
              references left out);
``errors``    more than ``max_error_share`` of the draws the judge was asked ended in errors;
``unscored``  more than ``max_unscored_share`` of them got replies that are not verdicts;
``judged``    not a single draw was judged.

A check fails on its point estimate, as the gate's rules do: a decision is needed on every run, and the
interval shown next to it says how firm the figure is (a message notes when the interval reaches across the
limit). A check with nothing to count (no usable control, no labelled draw) is *not measured* and cannot
fail; skipped draws (requests the judge does not handle) are left out of every share.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import pandas as pd

from judgeprobe.harness.core.secrets import redact_secrets
from judgeprobe.harness.stats.effects import rate
from judgeprobe.harness.stats.rate import Rate
from judgeprobe.harness.stats.schema import AccuracyRow, ControlResult, DrawCounts, Settings
from judgeprobe.harness.stats.verdict_schema import CheckName, ErrorReason, JudgeCheck, JudgeVerdict

__all__ = ["error_reasons", "judge_verdict"]

MESSAGE_CHARS = 300
"""Longest message kept in an :class:`ErrorReason`."""


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _figure(measure: Rate) -> str:
    low, high = measure.ci
    return f"{_pct(measure.rate)} ({measure.events}/{measure.n}) [{_pct(low)}, {_pct(high)}]"


def _check(
    name: CheckName, title: str, measure: Rate, limit: float, bound: Literal["max", "min"]
) -> JudgeCheck:
    """A rate against its limit: ``max`` fails above it, ``min`` below it."""
    if measure.n == 0 or measure.rate is None:
        return JudgeCheck(
            name=name,
            title=title,
            measure=measure,
            limit=limit,
            bound=bound,
            status="not_measured",
            message=f"{title}: not measured (nothing to count)",
        )
    value = measure.rate
    failed = value > limit + 1e-12 if bound == "max" else value < limit - 1e-12
    word = "above" if bound == "max" else "below"
    relation = word if failed else ("at most" if bound == "max" else "at least")
    message = f"{title} {_figure(measure)}, {relation} the limit {_pct(limit)}"
    low, high = measure.ci
    if low <= limit <= high:
        message += " (few draws: the interval reaches across the limit)"
    return JudgeCheck(
        name=name,
        title=title,
        measure=measure,
        limit=limit,
        bound=bound,
        status="fail" if failed else "pass",
        message=message,
    )


def judge_verdict(
    *,
    controls: Sequence[ControlResult],
    accuracy: Sequence[AccuracyRow],
    draws: DrawCounts,
    settings: Settings,
) -> JudgeVerdict:
    """Check the judge as a whole (see the module docstring).

    Args:
        controls: The summary's control results (family rows are pooled).
        accuracy: The summary's accuracy rows (``before`` rows without a disputed reference are pooled).
        draws: All draws of the run by status.
        settings: The limits.
    """
    conf = settings.confidence
    families = [c for c in controls if c.level == "family"]
    missed = rate(sum(c.misses.events for c in families), sum(c.misses.n for c in families), confidence=conf)
    rows = [r for r in accuracy if r.stage == "before" and not r.reference_doubt]
    agreed = rate(sum(r.agreement.events for r in rows), sum(r.agreement.n for r in rows), confidence=conf)
    asked = draws.draws - draws.skipped
    checks = [
        _check("controls", "controls missed", missed, settings.max_control_miss_rate, "max"),
        _check("accuracy", "accuracy against the labels", agreed, settings.min_accuracy, "min"),
        _check("errors", "draws errored", rate(draws.error, asked, confidence=conf),
               settings.max_error_share, "max"),
        _check("unscored", "replies unscored", rate(draws.unscored, asked, confidence=conf),
               settings.max_unscored_share, "max"),
    ]  # fmt: skip
    nothing = draws.judged == 0
    checks.append(
        JudgeCheck(
            name="judged",
            title="draws judged",
            measure=None,
            limit=None,
            bound="min",
            status="fail" if nothing else "pass",
            message=(
                f"no draw was judged ({draws.error} errors, {draws.unscored} unscored, "
                f"{draws.skipped} skipped)"
                if nothing
                else f"{draws.judged} of {draws.draws} draws judged"
            ),
        )
    )
    failed = [c for c in checks if c.status == "fail"]
    if failed:
        message = "UNRELIABLE: " + "; ".join(c.message for c in failed)
    else:
        measured = [c.message for c in checks if c.status == "pass" and c.name != "judged"]
        message = "RELIABLE: " + ("; ".join(measured) or "nothing measurable failed")
    return JudgeVerdict(verdict="unreliable" if failed else "reliable", checks=tuple(checks), message=message)


def _where(row: object) -> str:
    return (
        f"{getattr(row, 'case_id', '?')}/{getattr(row, 'unit_id', '?')} {getattr(row, 'chain', '?')} "
        f"draw {getattr(row, 'draw', '?')}"
    )


def error_reasons(frame: pd.DataFrame) -> list[ErrorReason]:
    """Errored draws by error kind, then unscored draws, the most frequent kind first (ties by name).

    ``frame`` is a run's per-draw frame in its canonical order, so "first" is the same on every rebuild.
    """
    out: list[tuple[int, int, str, ErrorReason]] = []
    groups: tuple[tuple[Literal["error", "unscored"], pd.DataFrame, str | None], ...] = (
        ("error", frame[frame["status"] == "error"], "error_kind"),
        ("unscored", frame[frame["status"] == "unscored"], None),
    )
    for order, (status, rows, column) in enumerate(groups):
        if rows.empty:
            continue
        kinds = rows[column].fillna("unknown").astype(str) if column else pd.Series("unscored", rows.index)
        for kind, members in rows.groupby(kinds, sort=True):
            reasons = members["reason"].fillna("(no reason given)").astype(str)
            first = members.iloc[0]
            out.append(
                (
                    order,
                    -len(members),
                    str(kind),
                    ErrorReason(
                        status=status,
                        kind=str(kind),
                        count=len(members),
                        messages=int(reasons.nunique()),
                        first_message=redact_secrets(reasons.iloc[0])[:MESSAGE_CHARS],
                        first_draw=_where(first),
                    ),
                )
            )
    out.sort(key=lambda item: item[:3])
    return [item[3] for item in out]
