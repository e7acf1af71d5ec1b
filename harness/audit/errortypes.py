"""Why answers were judged wrong: error types per team and phase, their shares, and partial scores.

Only rows the judge judged incorrect are classified (as in the source article). Shares carry Wilson
intervals; the mean partial score per type and team is over the rows that have a partial score.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from judgeprobe.harness.audit.keywords import top_keywords
from judgeprobe.harness.audit.rows import JudgedRow
from judgeprobe.harness.audit.taxonomy import Taxonomy
from judgeprobe.harness.stats.intervals import wilson

__all__ = ["classify_rows", "error_table", "keyword_table", "mean_part_scores", "type_counts"]


def classify_rows(rows: Sequence[JudgedRow], taxonomy: Taxonomy) -> list[str | None]:
    """The error type of each row judged incorrect (``None`` for rows judged correct)."""
    return [None if row.correct else taxonomy.classify(row.explanation) for row in rows]


def type_counts(types: Sequence[str | None], taxonomy: Taxonomy) -> dict[str, int]:
    """Type -> count, every type of the taxonomy present (zeros included), in taxonomy order."""
    counts = Counter(t for t in types if t is not None)
    return {type_id: counts[type_id] for type_id in taxonomy.ids}


def error_table(
    rows: Sequence[JudgedRow], types: Sequence[str | None], taxonomy: Taxonomy
) -> list[dict[str, Any]]:
    """One entry per (phase, team): wrong answers, and per type its count, share and share interval."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row, type_id in zip(rows, types, strict=True):
        if type_id is not None:
            groups[row.phase or "", row.team].append(type_id)
    out = []
    for (phase, team), found in sorted(groups.items()):
        counts = Counter(found)
        total = len(found)
        out.append(
            {
                "phase": phase,
                "team": team,
                "incorrect": total,
                "types": {
                    type_id: {
                        "count": counts[type_id],
                        "share": counts[type_id] / total,
                        "share_ci": wilson(counts[type_id], total).as_list(),
                    }
                    for type_id in taxonomy.ids
                },
            }
        )
    return out


def mean_part_scores(
    rows: Sequence[JudgedRow], types: Sequence[str | None], taxonomy: Taxonomy
) -> dict[str, dict[str, dict[str, Any]]]:
    """Team -> type -> ``{mean, n}`` of partial scores of its wrong answers (``mean`` is None when n = 0)."""
    sums: dict[tuple[str, str], list[float]] = defaultdict(list)
    teams: set[str] = set()
    for row, type_id in zip(rows, types, strict=True):
        if type_id is None:
            continue
        teams.add(row.team)
        if row.part_score is not None:
            sums[row.team, type_id].append(row.part_score)
    return {
        team: {
            type_id: {
                "mean": sum(sums[team, type_id]) / len(sums[team, type_id]) if sums[team, type_id] else None,
                "n": len(sums[team, type_id]),
            }
            for type_id in taxonomy.ids
        }
        for team in sorted(teams)
    }


def keyword_table(rows: Sequence[JudgedRow]) -> dict[str, Any]:
    """TF-IDF keywords of the explanations of wrong answers, overall and per team."""
    wrong = [row for row in rows if not row.correct]
    by_team: dict[str, list[str | None]] = defaultdict(list)
    for row in wrong:
        by_team[row.team].append(row.explanation)

    def listed(texts: Sequence[str | None]) -> list[dict[str, Any]]:
        return [{"term": k.term, "score": k.score} for k in top_keywords(texts)]

    return {
        "overall": listed([row.explanation for row in wrong]),
        "by_team": {team: listed(texts) for team, texts in sorted(by_team.items())},
        "documents": len(wrong),
    }
