"""Compare two judge configurations on the same variants: what changed, per family and overall.

Both judges' draws are paired by (variant id, draw index), so each comparison is paired: per family, the flips
(invariants) or misses (controls) of the old judge against the new one, with the exact McNemar test on the
discordant pairs (``judgeprobe.harness.stats.exact``) and Newcombe's interval for the paired difference of
rates (``judgeprobe.harness.stats.intervals``); the agreement of the unperturbed verdicts with the labels the
same way; and the cases that became flips and those that stopped flipping. A flip is judged against each
judge's *own* unperturbed verdict, so a judge that changed its mind on a base case is not charged with a flip
for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from judgeprobe.harness.stats.exact import mcnemar
from judgeprobe.harness.stats.intervals import newcombe_paired

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "CaseChange",
    "JudgeDiff",
    "PairedChange",
    "diff_frames",
    "render_diff_markdown",
    "render_diff_terminal",
]

CASES_SHOWN = 15
"""Cases listed per direction in the outputs."""


@dataclass(frozen=True)
class PairedChange:
    """Old against new judge on the same (variant, draw) pairs of one family (or all of them)."""

    family: str
    """Probe family (``all`` for every family pooled; ``accuracy`` for the label agreement row)."""
    relation: str
    """``invariant`` (events are flips), ``control`` (misses) or ``base`` (agreements with the label)."""
    n: int
    """Pairs usable under both judges."""
    both: int
    """Pairs with the event under both judges."""
    only_new: int
    """Pairs with the event under the new judge only."""
    only_old: int
    """Pairs with the event under the old judge only."""
    p: float
    """Two-sided exact McNemar p-value on ``only_new`` against ``only_old``."""
    ci: tuple[float, float]
    """95 % Newcombe interval of ``new rate - old rate``."""

    @property
    def old_rate(self) -> float | None:
        """Event rate under the old judge."""
        return (self.both + self.only_old) / self.n if self.n else None

    @property
    def new_rate(self) -> float | None:
        """Event rate under the new judge."""
        return (self.both + self.only_new) / self.n if self.n else None

    @property
    def change(self) -> float | None:
        """``new rate - old rate``."""
        return (self.only_new - self.only_old) / self.n if self.n else None


@dataclass(frozen=True)
class CaseChange:
    """A (variant, draw) whose flip (or miss) status differs between the judges."""

    case: str
    """Case id."""
    unit: str
    """Unit id."""
    family: str
    """Probe family."""
    chain: str
    """Readable probe chain."""
    relation: str
    """``invariant`` or ``control``."""
    old: str
    """Old judge: base verdict -> variant verdict."""
    new: str
    """New judge: base verdict -> variant verdict."""


@dataclass(frozen=True)
class JudgeDiff:
    """Everything :func:`diff_frames` found."""

    old_judge: str
    """Old judge's display name."""
    old_hash: str
    """Old judge's configuration hash."""
    new_judge: str
    """New judge's display name."""
    new_hash: str
    """New judge's configuration hash."""
    rows: tuple[PairedChange, ...]
    """Per family and relation, then ``all`` per relation, then ``accuracy``."""
    became: tuple[CaseChange, ...]
    """Flips (or misses) under the new judge that the old one did not have."""
    stopped: tuple[CaseChange, ...]
    """Flips (or misses) of the old judge that the new one no longer has."""
    unmatched: int
    """Draws of either judge with no partner under the other (different selections or repeats)."""


def _paired(family: str, relation: str, old: pd.Series, new: pd.Series) -> PairedChange:
    both = int((old & new).sum())
    only_new = int((new & ~old).sum())
    only_old = int((old & ~new).sum())
    n = len(old)
    neither = n - both - only_new - only_old
    interval = newcombe_paired(both, only_new, only_old, neither)
    return PairedChange(
        family=family,
        relation=relation,
        n=n,
        both=both,
        only_new=only_new,
        only_old=only_old,
        p=mcnemar(only_new, only_old).p_exact,
        ci=(interval.low, interval.high),
    )


def _events(frame: pd.DataFrame) -> pd.DataFrame:
    from judgeprobe.harness.stats.units import draw_pairs

    pairs = draw_pairs(frame)
    usable = pairs[pairs["judged"].astype(bool) & pairs["has_base"].astype(bool)].copy()
    changed = usable["changed"].astype(bool)
    usable["event"] = changed.where(usable["relation"] == "invariant", ~changed)
    usable["said"] = usable["base_outcome"].astype(str) + " -> " + usable["outcome"].astype(str)
    return usable[
        ["variant_id", "draw", "case_id", "unit_id", "family", "chain", "relation", "event", "said"]
    ]


def _base(frame: pd.DataFrame) -> pd.DataFrame:
    base = frame[(frame["relation"] == "base") & (~frame["placebo"].astype(bool)) & frame["judged"]]
    return base.assign(agree=base["agrees_with_label"].astype(bool))[["variant_id", "draw", "agree"]]


def diff_frames(
    old: pd.DataFrame, new: pd.DataFrame, *, old_judge: str, old_hash: str, new_judge: str, new_hash: str
) -> JudgeDiff:
    """Compare two judges' draws (the frames of two runs, as :func:`judgeprobe.harness.session.tail.run_tail`
    reads them)."""
    keys = ["variant_id", "draw"]
    a, b = _events(old), _events(new)
    merged = a.merge(b[[*keys, "event", "said"]], on=keys, suffixes=("_old", "_new"))
    unmatched = len(a) + len(b) - 2 * len(merged)
    rows: list[PairedChange] = []
    order = {"invariant": 0, "control": 1}
    for (family, relation), group in sorted(
        merged.groupby(["family", "relation"]),
        key=lambda item: (order.get(str(item[0][1]), 2), str(item[0][0])),
    ):
        rows.append(_paired(str(family), str(relation), group["event_old"], group["event_new"]))
    for relation, group in sorted(merged.groupby("relation"), key=lambda item: order.get(str(item[0]), 2)):
        rows.append(_paired("all", str(relation), group["event_old"], group["event_new"]))
    base = _base(old).merge(_base(new), on=keys, suffixes=("_old", "_new"))
    if not base.empty:
        rows.append(_paired("accuracy", "base", base["agree_old"], base["agree_new"]))

    def changes(mask: pd.Series) -> tuple[CaseChange, ...]:
        return tuple(
            CaseChange(
                case=str(r.case_id),
                unit=str(r.unit_id),
                family=str(r.family),
                chain=str(r.chain),
                relation=str(r.relation),
                old=str(r.said_old),
                new=str(r.said_new),
            )
            for r in merged[mask].sort_values(["family", "case_id", "chain"]).itertuples()
        )

    old_event, new_event = merged["event_old"].astype(bool), merged["event_new"].astype(bool)
    return JudgeDiff(
        old_judge=old_judge,
        old_hash=old_hash,
        new_judge=new_judge,
        new_hash=new_hash,
        rows=tuple(rows),
        became=changes(new_event & ~old_event),
        stopped=changes(old_event & ~new_event),
        unmatched=unmatched,
    )


def _pct(value: float | None, *, signed: bool = False) -> str:
    if value is None:
        return "–"
    return f"{100 * value:+.1f}" if signed else f"{100 * value:.1f}%"


def _what(row: PairedChange) -> str:
    return {"invariant": "flip rate", "control": "miss rate", "base": "agreement with labels"}[row.relation]


def _cells(row: PairedChange) -> list[str]:
    low, high = row.ci
    return [
        row.family,
        _what(row),
        str(row.n),
        _pct(row.old_rate),
        _pct(row.new_rate),
        f"{_pct(row.change, signed=True)} pts",
        f"{_pct(low, signed=True)}…{_pct(high, signed=True)}",
        f"{row.only_new}/{row.only_old}",
        f"{row.p:.3g}",
    ]


_HEADER = ["family", "measure", "pairs", "old", "new", "change", "95% CI", "only new/old", "exact p"]


def _case_line(change: CaseChange) -> str:
    return f"{change.case}/{change.unit} {change.chain}: old {change.old}; new {change.new}"


def render_diff_markdown(diff: JudgeDiff) -> str:
    """The comparison as markdown for a pull-request comment."""
    lines = [
        "## judgeprobe diff",
        "",
        f"Old judge `{diff.old_judge}` (`{diff.old_hash}`) → new judge `{diff.new_judge}` "
        f"(`{diff.new_hash}`), paired on the same variants.",
        "",
        "| " + " | ".join(_HEADER) + " |",
        "|---|---|" + "---:|" * (len(_HEADER) - 2),
    ]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in _cells(row)) + " |" for row in diff.rows]
    for title, items in (("Became flips (or misses)", diff.became), ("Stopped flipping", diff.stopped)):
        if not items:
            continue
        lines += ["", f"### {title} ({len(items)})", ""]
        lines += [f"- `{_case_line(c)}`" for c in items[:CASES_SHOWN]]
        if len(items) > CASES_SHOWN:
            lines.append(f"- … and {len(items) - CASES_SHOWN} more")
    if diff.unmatched:
        lines += ["", f"{diff.unmatched} draws had no partner under the other judge and were left out."]
    return "\n".join(lines) + "\n"


def render_diff_terminal(diff: JudgeDiff, console: Console) -> None:
    """The comparison as a rich table, then the cases that changed."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(
        title=f"{escape(diff.old_judge)} ({diff.old_hash}) → {escape(diff.new_judge)} ({diff.new_hash})"
    )
    for column in _HEADER:
        table.add_column(column, justify="left" if column in ("family", "measure") else "right")
    for row in diff.rows:
        style = "bold" if row.family in ("all", "accuracy") else None
        table.add_row(*_cells(row), style=style)
    console.print(table)
    for title, items in (("Became flips (or misses)", diff.became), ("Stopped flipping", diff.stopped)):
        if not items:
            continue
        console.print(f"{title} ({len(items)}):", style="bold")
        for change in items[:CASES_SHOWN]:
            console.print(f"  {escape(_case_line(change))}", highlight=False, soft_wrap=True)
        if len(items) > CASES_SHOWN:
            console.print(f"  … and {len(items) - CASES_SHOWN} more")
    if diff.unmatched:
        console.print(f"{diff.unmatched} draws had no partner under the other judge and were left out.")
