"""Mining: every disagreement becomes a regression case, flagged for review.

A mined case holds the reference, the judged response (labelled with a *provisional* verdict: the grader's,
or the judge's where the grader was undecided), the reference stated as a final answer (correct) and a
non-answer (incorrect) as controls, structured provenance (file, item id, team, judge, date) and
``review: unreviewed`` so ``judgeprobe cases lint`` lists it until someone adjudicates the label.

Cases go to ``DIR/mined-<results file stem>.yaml``. Mining again into the same folder keeps every case already
there (reviewed labels and edits included; comments are not kept) and adds only new ones: a case's id is a
hash of where it came from, so the same disagreement always gets the same id.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from judgeprobe.cases.errors import CaseFileError
from judgeprobe.cases.lint import Severity, lint_case
from judgeprobe.cases.loader import AnyCase, load_file
from judgeprobe.cases.models import AnswerKind, GradeCase
from judgeprobe.harness.audit.rows import AuditInputError
from judgeprobe.harness.audit.second_opinion import parse_choices
from judgeprobe.harness.audit.verdicts import Disagreement, DisagreementKind

__all__ = ["MineResult", "mine_cases"]

_CONTROLS = ("I do not know.", "No answer.")
_MAX_WHY = 190
_MAX_NOTE = 390


@dataclass(frozen=True)
class MineResult:
    """What mining wrote."""

    files: tuple[Path, ...]
    """Case files written."""
    added: int
    """New cases."""
    kept: int
    """Cases already in those files, kept as they were."""
    repeated: int
    """Disagreements whose case was already there or repeated another one (same item, text and label)."""


def _slug(text: str, limit: int) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-")
    return slug or "x"


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _case(
    d: Disagreement, *, judge: str | None, grader: str, policy: str, today: datetime.date
) -> dict[str, Any]:
    row, opinion = d.row, d.opinion
    text = row.response if row.response.strip() else (row.extracted or "")
    if d.kind is DisagreementKind.GRADER_UNDECIDED:
        label = "correct" if row.correct else "incorrect"
        whose = "the judge's verdict (the grader was undecided)"
    else:
        label = "correct" if opinion.outcome == "correct" else "incorrect"
        whose = f"the grader's verdict (the judge said {'correct' if row.correct else 'incorrect'})"
    digest = hashlib.sha256(
        f"{row.source}\x00{row.id}\x00{row.team}\x00{row.phase}\x00{text}".encode()
    ).hexdigest()
    case_id = f"mined-{_slug(row.team, 10)}-{_slug(row.id, 24)}-{digest[:6]}"
    kind = opinion.kind
    choices = parse_choices(row.question) if kind is AnswerKind.MULTIPLE_CHOICE else None
    if kind is AnswerKind.MULTIPLE_CHOICE and (not choices or row.reference.strip() not in dict(choices)):
        kind, choices = AnswerKind.TEXT, None
    judge_name = row.judge or judge
    controls = [c for c in _CONTROLS if c != text.strip()][:1]
    stated = f"Answer: {row.reference}"
    responses = [
        {"id": "judged", "text": text, "label": label, "why": _one_line(f"provisional: {whose}", _MAX_WHY)},
        {
            "id": "reference-stated",
            "text": stated,
            "label": "correct",
            "why": "the reference, stated as the answer",
        },
        {
            "id": "non-answer",
            "text": controls[0],
            "label": "incorrect",
            "why": "a non-answer is never correct",
        },
    ]
    if text.strip() == stated:
        responses.pop(1)
        responses.append(
            {
                "id": "reference-boxed",
                "text": f"\\boxed{{{row.reference}}}",
                "label": "correct",
                "why": "the reference, boxed",
            }
        )
    note = _one_line(
        f"judge {'accepted' if row.correct else 'rejected'} {opinion.answer!r}; grader {grader} ({policy}) "
        f"said {opinion.outcome}: {opinion.judgement.reason}. Adjudicate the judged response's label, then "
        "set review: reviewed.",
        _MAX_NOTE,
    )
    case: dict[str, Any] = {
        "id": case_id,
        "question": row.question or f"(question text not in the results file; item {row.id})",
        "reference": row.reference,
        "answer_kind": str(kind),
    }
    if choices:
        case["choices"] = dict(choices)
    case |= {
        "source": _one_line(f"mined by judgeprobe audit from {row.source}:{row.line} (item {row.id})", 200),
        "provenance": {
            "kind": "mined",
            "item_id": row.id,
            "file": row.source,
            "team": row.team,
            **({"judge": judge_name} if judge_name else {}),
            "date": today.isoformat(),
        },
        "review": "unreviewed",
        "tags": ["mined", str(d.kind).replace("_", "-")],
        "note": note,
        "responses": responses,
    }
    return case


def _existing(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    try:
        cases: list[AnyCase] = load_file(path)
    except CaseFileError as exc:
        raise AuditInputError(
            path, exc.line, exc.field, f"cannot add to this mined-case file: {exc.message}; fix or move it"
        ) from None
    return [case.model_dump(mode="json", exclude_defaults=True) for case in cases]


def mine_cases(
    disagreements: Sequence[Disagreement],
    folder: Path,
    *,
    grader: str,
    policy: str,
    judge: str | None = None,
    today: datetime.date | None = None,
) -> MineResult:
    """Write every disagreement as a case under ``folder`` (merged with the cases already there).

    Raises:
        AuditInputError: an existing mined-case file there cannot be read.
    """
    day = today or datetime.date.today()
    by_file: dict[Path, list[dict[str, Any]]] = defaultdict(list)
    for d in disagreements:
        by_file[folder / f"mined-{_slug(Path(d.row.source).stem, 40)}.yaml"].append(
            _case(d, judge=judge, grader=grader, policy=policy, today=day)
        )
    folder.mkdir(parents=True, exist_ok=True)
    added = kept = repeated = 0
    written: list[Path] = []
    for path, new in sorted(by_file.items()):
        cases = _existing(path)
        kept += len(cases)
        seen = {case["id"] for case in cases}
        for case in new:
            if case["id"] in seen:
                repeated += 1
                continue
            seen.add(case["id"])
            cases.append(case)
            added += 1
        header = (
            "# Cases mined by `judgeprobe audit --mine` from judged results; labels are provisional until\n"
        )
        header += "# reviewed. Edit a case's labels, then set `review: reviewed`.\n"
        body = yaml.safe_dump({"cases": cases}, allow_unicode=True, sort_keys=False, width=110)
        path.write_text(header + body, encoding="utf-8")
        _check(path)
        written.append(path)
    return MineResult(tuple(written), added, kept, repeated)


def _check(path: Path) -> None:
    """The written file loads and lints without errors (a mining bug must not leave a broken library)."""
    for case in load_file(path):
        errors = [i for i in lint_case(case) if i.severity is Severity.ERROR]
        if errors or not isinstance(case, GradeCase):
            raise AssertionError(
                f"mined case {case.id} in {path} does not lint: {errors[0] if errors else case}"
            )
