"""Judge versus grader: where the second opinion disagrees with the judge, and of which kind."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from judgeprobe.harness.audit.rows import JudgedRow
from judgeprobe.harness.audit.second_opinion import Opinion
from judgeprobe.harness.stats.intervals import wilson

__all__ = ["Disagreement", "DisagreementKind", "agreement_table", "find_disagreements"]


class DisagreementKind(StrEnum):
    """How the judge and the grader disagree."""

    ACCEPTED_NON_EQUIVALENT = "accepted_non_equivalent"
    """The judge accepted an answer the grader finds non-equivalent (``Z^5`` for ``Z+Z+Z+Z+Z`` when the
    reference is meant strictly; ``TC^1`` for ``TC^0`` under any reading)."""
    REJECTED_EQUIVALENT = "rejected_equivalent"
    """The judge rejected an answer the grader finds equivalent (``TC0`` for ``TC^0``)."""
    GRADER_UNDECIDED = "grader_undecided"
    """The grader cannot decide (unparseable, over a limit, a unit it cannot convert)."""


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One judged answer on which the second opinion differs from the judge."""

    row: JudgedRow
    """The judged row."""
    opinion: Opinion
    """The grader's opinion."""
    kind: DisagreementKind
    """How they disagree."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (one line of ``disagreements.jsonl``)."""
        row, opinion = self.row, self.opinion
        return {
            "id": row.id,
            "team": row.team,
            "phase": row.phase,
            "judge": "correct" if row.correct else "incorrect",
            "grader": opinion.outcome,
            "kind": str(self.kind),
            "reference": row.reference,
            "extracted": row.extracted,
            "graded_answer": opinion.answer if row.extracted is not None else None,
            "answer_kind": str(opinion.kind),
            "grader_reason": opinion.judgement.reason,
            "judge_explanation": row.explanation,
            "judge_model": row.judge,
            "source": row.source,
            "line": row.line,
        }


def _kind(row: JudgedRow, opinion: Opinion) -> DisagreementKind | None:
    outcome = opinion.outcome
    if outcome == "undecided":
        return DisagreementKind.GRADER_UNDECIDED
    if row.correct and outcome == "incorrect":
        return DisagreementKind.ACCEPTED_NON_EQUIVALENT
    if not row.correct and outcome == "correct":
        return DisagreementKind.REJECTED_EQUIVALENT
    return None


def find_disagreements(rows: Sequence[JudgedRow], opinions: Sequence[Opinion]) -> list[Disagreement]:
    """Every row whose grader opinion differs from the judge's verdict, in input order."""
    out = []
    for row, opinion in zip(rows, opinions, strict=True):
        kind = _kind(row, opinion)
        if kind is not None:
            out.append(Disagreement(row, opinion, kind))
    return out


def agreement_table(rows: Sequence[JudgedRow], opinions: Sequence[Opinion]) -> dict[str, Any]:
    """Judge verdict x grader outcome counts, and the agreement rate among rows the grader decided."""
    table = Counter(
        ("correct" if row.correct else "incorrect", opinion.outcome)
        for row, opinion in zip(rows, opinions, strict=True)
    )
    decided = sum(n for (_, grader), n in table.items() if grader != "undecided")
    agree = table["correct", "correct"] + table["incorrect", "incorrect"]
    return {
        "counts": {
            judge: {grader: table[judge, grader] for grader in ("correct", "incorrect", "undecided")}
            for judge in ("correct", "incorrect")
        },
        "decided": decided,
        "agree": agree,
        "agreement": agree / decided if decided else None,
        "agreement_ci": wilson(agree, decided).as_list(),
        "by_kind": dict(Counter(str(o.kind) for o in opinions)),
    }
