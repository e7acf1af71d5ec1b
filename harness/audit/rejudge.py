"""Re-judging: send judged answers to another judge through the harness's runner and store.

Each answer becomes a one-slot grade :class:`~judgeprobe.probes.variant.Variant` (case id from team, phase
and item; relation ``invariant``, family ``audit``: one draw per answer, no placebo), run by
:func:`~judgeprobe.harness.run.runner.run` into a store in ``OUT/rejudge/``. The runner's guarantees hold:
rerunning resumes, identical requests are sent once, errors and unparseable replies are kept and counted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from judgeprobe.cases.models import AnswerKind, Mode
from judgeprobe.harness.audit.rows import JudgedRow
from judgeprobe.harness.audit.second_opinion import Opinion, parse_choices
from judgeprobe.harness.core.errors import JudgeUnusable
from judgeprobe.harness.judges.registry import load_judge
from judgeprobe.harness.run.runner import RunOptions, run
from judgeprobe.harness.store import RunStore, store_path
from judgeprobe.probes.variant import Relation, Slot, Variant

__all__ = ["SCOPES", "answer_variant", "rejudge"]

SCOPES = ("disagreements", "all")
"""What ``--rejudge`` sends: the disagreements only (default with ``--judge``), or every row."""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def answer_variant(row: JudgedRow, opinion: Opinion) -> Variant:
    """The variant that asks a judge about one judged answer (its label is the original judge's verdict)."""
    choices = parse_choices(row.question) if opinion.kind is AnswerKind.MULTIPLE_CHOICE else None
    return Variant(
        case_id=f"audit-{_slug(row.team)}-{_slug(row.phase or 'all')}-{_slug(row.id)}",
        unit_id="answer",
        mode=Mode.GRADE,
        question=row.question or f"(question text not in the results file; item {row.id})",
        reference=row.reference,
        answer_kind=opinion.kind,
        choices=choices,
        slots=(Slot("answer", row.response if row.response.strip() else (row.extracted or "")),),
        chain=(),
        seed=0,
        relation=Relation.INVARIANT,
        label="correct" if row.correct else "incorrect",
        family="audit",
    )


def rejudge(
    rows: Sequence[JudgedRow],
    opinions: Sequence[Opinion],
    *,
    judge_spec: str,
    out: Path,
    scope: str,
    options: RunOptions | None = None,
    show_progress: bool = False,
) -> dict[str, Any]:
    """Re-judge ``rows`` with ``judge_spec``; the ``rejudge`` section of ``audit.json``.

    Raises:
        ConfigError: the judge spec is invalid, or a required API-key variable is unset (preflight).
        StoreError: the store in ``out`` belongs to something else.
        JudgeUnusable: the judge kept failing the same blocking way and re-judging stopped early.
    """
    judge = load_judge(judge_spec)
    judge.preflight()
    variants = [answer_variant(row, opinion) for row, opinion in zip(rows, opinions, strict=True)]
    folder = out / "rejudge"
    with RunStore(store_path(folder)) as store:
        stats = run(judge, variants, store, options=options or RunOptions(), show_progress=show_progress)
        records = {r.variant_id: r for r in store.iter_records(judge_hash=judge.config_hash)}
    if stats.stopped is not None:  # the judge kept failing the same blocking way (a refused key, no server)
        raise JudgeUnusable(stats.stopped)
    items: list[dict[str, Any]] = []
    agree_original = agree_grader = 0
    for row, opinion, variant in zip(rows, opinions, variants, strict=True):
        record = records.get(variant.id)
        status = record.verdict.status if record is not None else "missing"
        new = record.verdict.outcome if record is not None and status == "judged" else status
        original = "correct" if row.correct else "incorrect"
        agree_original += new == original
        agree_grader += new == opinion.outcome
        items.append(
            {
                "id": row.id,
                "team": row.team,
                "phase": row.phase,
                "judge": original,
                "grader": opinion.outcome,
                "new_judge": new,
                "extracted": record.verdict.extracted_answer if record is not None else None,
                "reason": record.verdict.reason if record is not None else None,
            }
        )
    return {
        "judge": judge.name,
        "judge_hash": judge.config_hash,
        "scope": scope,
        "store": str(store_path(folder)),
        "requested": len(rows),
        "judged": sum(1 for i in items if i["new_judge"] in ("correct", "incorrect")),
        "unscored": sum(1 for i in items if i["new_judge"] == "unscored"),
        "errors": sum(1 for i in items if i["new_judge"] == "error"),
        "calls": stats.new_calls,
        "agree_original": agree_original,
        "agree_grader": agree_grader,
        "interrupted": stats.interrupted,
        "items": items,
    }
