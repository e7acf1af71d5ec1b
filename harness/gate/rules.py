"""The gate's rules: a run's summary, draws and baseline comparison against the thresholds.

Each rule that fails becomes a :class:`FailedRule` naming the rule, the figures, and the cases behind it.
Rules (``rule`` names as printed):

``excess-flip-rate``    an invariant family's excess flip rate is above its limit
``control-miss-rate``   a control family's miss rate is above the limit
``accuracy``            agreement of the unperturbed verdicts with the labels is below the minimum
``unscored-share``      too many replies could not be read as verdicts
``error-share``         too many draws ended in errors (strict replay's ``not_recorded`` among them)
``no-draws``            nothing was judged at all
``baseline-missing``    there is no baseline file (write one with ``--update-baseline``)
``baseline-regression`` a (case, probe) that was stable in the baseline flips now (per family)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from judgeprobe.harness.gate.baseline import BaselineChange, BaselineComparison, Key, UpdateCounts
from judgeprobe.harness.gate.settings import GateSettings
from judgeprobe.harness.stats.schema import Summary

__all__ = ["FailedRule", "GateResult", "evaluate"]

CASES_SHOWN = 12
"""Cases listed under one failed rule (the rest are counted)."""


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


@dataclass(frozen=True)
class FailedRule:
    """One rule the run broke."""

    rule: str
    """Rule name (see the module docstring)."""
    family: str | None
    """Probe family the rule is about (``None``: the whole run)."""
    message: str
    """One line with the figures and the limit."""
    figures: dict[str, float | int | str | None] = field(default_factory=dict)
    """The numbers behind the message."""
    cases: tuple[str, ...] = ()
    """One line per case behind the failure (what flipped, what it said before and after)."""
    keys: tuple[Key, ...] = ()
    """(case, unit, probe) of the cases behind the failure."""

    def explain(self) -> str:
        """The message, then the cases behind it."""
        lines = [f"[{self.rule}] {self.message}"]
        lines += [f"  - {line}" for line in self.cases[:CASES_SHOWN]]
        if len(self.cases) > CASES_SHOWN:
            lines.append(f"  … and {len(self.cases) - CASES_SHOWN} more")
        return "\n".join(lines)


@dataclass(frozen=True)
class GateResult:
    """What the gate decided about a run."""

    judge: str
    """Judge display name."""
    judge_hash: str
    """Judge configuration hash."""
    settings: GateSettings
    """Thresholds applied."""
    summary: Summary | None
    """The run's statistics (``None``: no draws)."""
    failures: tuple[FailedRule, ...]
    """Rules broken, in rule order."""
    notes: tuple[str, ...] = ()
    """Things worth knowing that do not fail the gate."""
    comparison: BaselineComparison | None = None
    """The baseline comparison (``None``: no baseline, or it was being written)."""
    update: UpdateCounts | None = None
    """What ``--update-baseline`` did."""

    @property
    def passed(self) -> bool:
        """No rule failed."""
        return not self.failures


def _flip_cases(summary: Summary, family: str, relation: str) -> tuple[list[str], list[Key]]:
    lines: list[str] = []
    keys: list[Key] = []
    for item in summary.flipped:
        if item.family != family or item.relation != relation:
            continue
        what = "flipped" if relation == "invariant" else "missed"
        said = ", ".join(item.outcomes)
        lines.append(
            f"{item.case_id}/{item.unit_id} {item.chain}: {item.events} of {item.n} draws {what} "
            f"(unperturbed verdict {item.base_outcome!r}, now {said})"
        )
        keys.append((item.case_id, item.unit_id, item.probe))
    return lines, list(dict.fromkeys(keys))


def _threshold_rules(summary: Summary, settings: GateSettings) -> tuple[list[FailedRule], list[str]]:
    failures: list[FailedRule] = []
    notes: list[str] = []
    for result in summary.families:
        limit = settings.flip_limit(result.family)
        if result.excess is None or result.pairs == 0:
            notes.append(f"{result.family}: no usable pairs, excess flip rate not checked")
            continue
        if result.excess <= limit + 1e-12:
            continue
        if settings.require_significance and result.verdict != "biased":
            notes.append(
                f"{result.family}: excess flip rate {_pct(result.excess)} is above {_pct(limit)} but the "
                f"statistics say {result.verdict} (require_significance is on)"
            )
            continue
        lines, keys = _flip_cases(summary, result.family, "invariant")
        low, high = result.excess_ci
        failures.append(
            FailedRule(
                rule="excess-flip-rate",
                family=result.family,
                message=(
                    f"{result.family}: excess flip rate {_pct(result.excess)} "
                    f"(flips {result.flips.events} of {result.pairs} pairs = {_pct(result.flips.rate)}, "
                    f"placebo {_pct(result.placebo.rate)}; "
                    f"95% CI {_pct(low)} to {_pct(high)}; {result.verdict}) is above the limit {_pct(limit)}"
                ),
                figures={
                    "excess": result.excess,
                    "limit": limit,
                    "flips": result.flips.events,
                    "pairs": result.pairs,
                    "placebo_rate": result.placebo.rate,
                    "ci_low": low,
                    "ci_high": high,
                    "q": result.q,
                },
                cases=tuple(lines),
                keys=tuple(keys),
            )
        )
    if settings.max_control_miss_rate is not None:
        for control in summary.controls:
            rate = control.misses.rate
            if control.level != "family" or rate is None or rate <= settings.max_control_miss_rate + 1e-12:
                continue
            lines, keys = _flip_cases(summary, control.family, "control")
            failures.append(
                FailedRule(
                    rule="control-miss-rate",
                    family=control.family,
                    message=(
                        f"{control.family}: controls missed {control.misses.events} of {control.misses.n} "
                        f"({_pct(rate)}): the verdict did not follow a meaning change; the limit is "
                        f"{_pct(settings.max_control_miss_rate)}"
                    ),
                    figures={
                        "miss_rate": rate,
                        "misses": control.misses.events,
                        "n": control.misses.n,
                        "limit": settings.max_control_miss_rate,
                    },
                    cases=tuple(lines),
                    keys=tuple(keys),
                )
            )
    return failures, notes


def _accuracy_rule(summary: Summary, frame: pd.DataFrame, minimum: float) -> FailedRule | None:
    rows = [r for r in summary.accuracy if r.stage == "before" and not r.reference_doubt]
    n = sum(r.agreement.n for r in rows)
    agree = sum(r.agreement.events for r in rows)
    if n == 0 or agree / n >= minimum - 1e-12:
        return None
    base = frame[(frame["relation"] == "base") & (~frame["placebo"].astype(bool)) & frame["judged"]]
    wrong = base[(base["agrees_with_label"] == False) & (~base["reference_doubt"].astype(bool))]  # noqa: E712
    wrong = wrong.sort_values(["case_id", "unit_id", "draw"], kind="stable")
    lines = [
        f"{row.case_id}/{row.unit_id}: judge said {row.outcome!r}, label {row.label!r}"
        for row in wrong.drop_duplicates(["case_id", "unit_id"]).itertuples()
    ]
    keys = [(str(r.case_id), str(r.unit_id), "base") for r in wrong.itertuples()]
    return FailedRule(
        rule="accuracy",
        family=None,
        message=(
            f"accuracy {_pct(agree / n)} ({agree} of {n} unperturbed draws agree with the labels, disputed "
            f"references left out) is below the minimum {_pct(minimum)}"
        ),
        figures={"accuracy": agree / n, "agree": agree, "n": n, "minimum": minimum},
        cases=tuple(lines),
        keys=tuple(dict.fromkeys(keys)),
    )


def _share_rule(frame: pd.DataFrame, status: str, limit: float) -> FailedRule | None:
    total = len(frame)
    hit = frame[frame["status"] == status]
    if total == 0 or len(hit) / total <= limit + 1e-12:
        return None
    column = "error_kind" if status == "error" else "reason"
    counts = Counter(str(v) for v in hit[column].fillna("unknown"))
    top = "; ".join(f"{n} × {what[:120]}" for what, n in counts.most_common(3))
    hint = ""
    if status == "error" and "not_recorded" in counts:
        hint = (
            " — strict replay met requests with no recording: record them once with the live judge "
            "(the same command without replay:) and commit or cache the run folder"
        )
    lines = [
        " ".join(
            f"{row.case_id!s}/{row.unit_id!s} {row.chain!s} draw {row.draw!s}: "
            f"{row.error_kind or ''!s} {row.reason or ''!s}".split()
        )
        for row in hit.itertuples()
    ]
    word = "errored" if status == "error" else "unscored"
    return FailedRule(
        rule=f"{'error' if status == 'error' else 'unscored'}-share",
        family=None,
        message=(
            f"{len(hit)} of {total} draws {word} ({_pct(len(hit) / total)}; limit {_pct(limit)}): {top}{hint}"
        ),
        figures={"count": len(hit), "draws": total, "share": len(hit) / total, "limit": limit},
        cases=tuple(lines),
        keys=tuple(dict.fromkeys((str(r.case_id), str(r.unit_id), str(r.probe)) for r in hit.itertuples())),
    )


def _change_line(change: BaselineChange) -> str:
    old, new = change.old, change.new
    assert old is not None and new is not None
    what = "flips" if new.relation == "invariant" else "misses"
    return (
        f"{new.case}/{new.unit} {new.probe}: {what} {old.events}/{old.draws} -> {new.events}/{new.draws} "
        f"({_pct(old.rate)} -> {_pct(new.rate)})"
    )


def _baseline_rules(comparison: BaselineComparison, tolerance: float) -> list[FailedRule]:
    by_family: dict[str, list[BaselineChange]] = {}
    for change in comparison.regressions:
        by_family.setdefault(change.entry.family, []).append(change)
    return [
        FailedRule(
            rule="baseline-regression",
            family=family,
            message=(
                f"{family}: {len(changes)} (case, probe) that were stable in the baseline flip now "
                f"(noise tolerance {_pct(tolerance)})"
            ),
            figures={"regressions": len(changes), "tolerance": tolerance},
            cases=tuple(_change_line(c) for c in changes),
            keys=tuple(c.entry.key for c in changes),
        )
        for family, changes in sorted(by_family.items())
    ]


def evaluate(
    summary: Summary | None,
    frame: pd.DataFrame,
    settings: GateSettings,
    *,
    judge: str,
    judge_hash: str,
    comparison: BaselineComparison | None = None,
    baseline_missing: str | None = None,
    update: UpdateCounts | None = None,
    notes: Sequence[str] = (),
) -> GateResult:
    """Apply every rule.

    Args:
        summary: The run's summary (``None`` when there were no draws).
        frame: The run's draws (one row per draw).
        settings: Thresholds.
        judge: Judge display name.
        judge_hash: Judge configuration hash.
        comparison: The baseline comparison, if a baseline was read.
        baseline_missing: Path of a baseline file that does not exist (fails ``baseline-missing``).
        update: What ``--update-baseline`` did, if it ran.
        notes: Notes to carry into the result.
    """
    failures: list[FailedRule] = []
    all_notes = list(notes)
    if summary is None or frame.empty or not bool(frame["judged"].any()):
        statuses = Counter(frame["status"]) if not frame.empty else Counter()
        failures.append(
            FailedRule(
                rule="no-draws",
                family=None,
                message="nothing was judged: "
                + (", ".join(f"{n} {s}" for s, n in statuses.items()) or "no draws"),
            )
        )
    if summary is not None:
        found, extra = _threshold_rules(summary, settings)
        failures += found
        all_notes += extra
        if settings.min_accuracy is not None:
            rule = _accuracy_rule(summary, frame, settings.min_accuracy)
            if rule is not None:
                failures.append(rule)
    for status, limit in (("unscored", settings.max_unscored_share), ("error", settings.max_error_share)):
        rule = _share_rule(frame, status, limit) if not frame.empty else None
        if rule is not None:
            failures.append(rule)
    if baseline_missing is not None:
        failures.append(
            FailedRule(
                rule="baseline-missing",
                family=None,
                message=(
                    f"no baseline at {baseline_missing}; review this run, "
                    "then write it with --update-baseline"
                ),
            )
        )
    if comparison is not None:
        failures += _baseline_rules(comparison, settings.noise_tolerance)
        if comparison.judge_changed and judge.startswith("replay:"):
            all_notes.append(
                f"answers replayed from a recording ({judge}); the baseline was recorded with judge "
                f"configuration {comparison.baseline.judge_hash}"
            )
        elif comparison.judge_changed:
            all_notes.append(
                f"the judge configuration changed since the baseline ({comparison.baseline.judge_hash} -> "
                f"{judge_hash}); (case, probe) figures are compared as they are"
            )
        if comparison.added:
            all_notes.append(
                f"{len(comparison.added)} (case, probe) are not in the baseline yet; "
                "--update-baseline records them"
            )
        if comparison.gone:
            all_notes.append(
                f"{len(comparison.gone)} baseline entries were not produced by this run; "
                "--update-baseline drops them"
            )
        if comparison.improvements:
            all_notes.append(f"{len(comparison.improvements)} (case, probe) flip less than in the baseline")
    return GateResult(
        judge=judge,
        judge_hash=judge_hash,
        settings=settings,
        summary=summary,
        failures=tuple(failures),
        notes=tuple(all_notes),
        comparison=comparison,
        update=update,
    )
