"""Report sections for pairwise position bias (pairs judged in both orders) and self-preference (where
responses carry authors).

Each is a table of plain strings (:func:`position_rows`, :func:`self_preference_rows`) that the Markdown,
HTML and terminal renderers lay out in their own way, so the three reports always show the same figures.
"""

from __future__ import annotations

from judgeprobe.harness.report.fmt import ci, pct, pts, q_text
from judgeprobe.harness.stats.schema import PositionResult, Summary

__all__ = [
    "POSITION_HEADER",
    "POSITION_TITLE",
    "SELF_HEADER",
    "SELF_INTRO",
    "SELF_TITLE",
    "position_intro",
    "position_rows",
    "self_preference_rows",
]

POSITION_TITLE = "Position (pairs judged in both orders)"
"""Section title."""
POSITION_HEADER: tuple[str, ...] = ("measure", "value", "95% CI (clustered by case)", "n / test")
"""Column names of :func:`position_rows`."""


def position_intro(result: PositionResult) -> str:
    """One paragraph: what was matched, and the verdict with its reason."""
    derived = f", {result.derived_units} of them derived from grade cases" if result.derived_units else ""
    few = "; fewer cases than the clustering needs, treat as provisional" if result.few_clusters else ""
    return (
        f"{result.units} pairs over {result.cases} cases{derived}; {result.pairs} matched draws (draw j of "
        f"the original order with draw j of the swapped order, both judged; {result.unmatched} left "
        f"unmatched). Verdict: {result.verdict.upper()} — {result.note}{few}."
    )


def position_rows(summary: Summary) -> list[tuple[str, str, str, str]]:
    """Rows of the position table (empty when the run has no pair judged in both orders)."""
    r = summary.position
    if r is None:
        return []
    share = r.slot1_share
    share_value = f"{pct(share.rate)} ({r.slot1_both}/{share.n})" if share.n else "– (none)"
    return [
        (
            "position consistency (same winner in both orders)",
            f"{pct(r.consistency.rate)} ({r.consistency.events}/{r.consistency.n})",
            ci(r.consistency_ci),
            f"{r.pairs} matched draws",
        ),
        (
            "slot-1 share among draws won by one slot in both orders (fair: 50%)",
            share_value,
            ci(r.slot1_share_ci) if share.n else "–",
            f"exact p {q_text(r.p)}, q {q_text(r.q)}",
        ),
        (
            "preference fairness (+ slot 1, − slot 2; fair: 0)",
            f"{pts(r.fairness)} pts",
            ci(r.fairness_ci, signed=True),
            f"design effect {r.design_effect:.2f}",
        ),
        (
            "inconsistent with a tie in one order only",
            str(r.tie_one_order),
            "–",
            f"slot 2 won both orders {r.slot2_both}×",
        ),
    ]


SELF_TITLE = "Self-preference (responses with known authors)"
"""Section title."""
SELF_INTRO = (
    "How the judge treats each author family's responses against other families', at equal labels "
    "(grade: acceptance, correct and incorrect answers compared separately; pairwise: win share in mixed "
    "pairs judged in both orders). 0 is fair; the raw difference ignores the labels, so a stronger model "
    "looks self-preferred there. The judge's own family is the one its name contains."
)
"""What the section measures."""
SELF_HEADER: tuple[str, ...] = (
    "mode",
    "family",
    "verdict",
    "difference at equal labels [95% CI]",
    "raw difference",
    "by label",
    "cases / draws",
)
"""Column names of :func:`self_preference_rows`."""


def _stratum(label: str, own: float | None, other: float | None, mode: str) -> str:
    if mode == "pairwise":
        return f"{label}: wins {pct(own)}"
    return f"{label}: {pct(own)} vs {pct(other)}"


def self_preference_rows(summary: Summary) -> list[tuple[str, ...]]:
    """Rows of the self-preference table (own family first, then by mode and family)."""
    rows = sorted(summary.self_preference, key=lambda r: (not r.own, r.mode, r.family))
    return [
        (
            r.mode,
            r.family + (" (judge's own)" if r.own else ""),
            (r.verdict or "–").upper() if r.verdict else "–",
            f"{pts(r.difference)} pts {ci(r.difference_ci, signed=True)}",
            f"{pts(r.raw_difference)} pts",
            "; ".join(_stratum(s.label, s.own, s.other, r.mode) for s in r.strata if s.n_own),
            f"{r.cases} / {r.draws}" + (" ⚠" if r.few_clusters else ""),
        )
        for r in rows
    ]
