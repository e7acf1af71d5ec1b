"""Scaffolding a new case (``judgeprobe cases new``): a lint-clean grade case from what the user knows.

:func:`scaffold_case` builds the case from its parts: the question, the reference, the answer kind, the
responses known to be right or wrong, and where the case came from. It fills in what can be computed and
leaves the adjudication to a person:

- a response in another notation than the reference gets ``strict_label: incorrect`` (the strict policy
  keeps only the reference's notation);
- without a right response, the reference stated as an answer is added; without a wrong one, a non-answer;
- without equivalents, up to three verified rewrites of the reference are offered
  (:func:`~judgeprobe.cases.answers.check_rewrite`); without non-equivalents, the wrong responses' answers;
- the case is ``review: unreviewed`` unless the user vouches for it, so the lint lists it (and reports its
  proofs as warnings) until someone checks the labels.

:func:`add_case` appends the case to a YAML file (created if missing) after checking that the id is new and
that the case is lint-clean: the file is never left with a case that fails the lint.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from judgeprobe.cases.answers import (
    alternate_forms,
    check_rewrite,
    extract_final_answer,
    keeps_notation,
    normalize,
)
from judgeprobe.cases.errors import CaseError, NewCaseError
from judgeprobe.cases.lint import LintIssue, Severity, lint_case
from judgeprobe.cases.loader import AnyCase, load_file
from judgeprobe.cases.models import AnswerKind, GradeCase

__all__ = ["NewCaseError", "Scaffold", "add_case", "case_id_for", "scaffold_case"]

_NON_ANSWER = "I do not know."
_MAX_ID = 60
_MAX_WHY = 190


@dataclass(frozen=True)
class Scaffold:
    """A new case as a mapping ready for YAML, with what the lint said about it."""

    case: dict[str, Any]
    """The case, as it will be written."""
    issues: tuple[LintIssue, ...]
    """Lint issues (warnings only, or the case would not be written)."""


def case_id_for(*parts: str) -> str:
    """A kebab-case id from free text (``"TC^0 notation"`` -> ``tc-0-notation``), at most 60 characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", " ".join(parts).lower()).strip("-")
    return slug[:_MAX_ID].strip("-") or "new-case"


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _MAX_WHY else flat[: _MAX_WHY - 1] + "…"


def _suggested_equivalents(reference: str, kind: AnswerKind, choices: Mapping[str, str] | None) -> list[str]:
    """Up to three verified rewrites of the reference."""
    found = []
    for form in alternate_forms(reference, kind=kind, choices=choices):
        if check_rewrite(reference, form, kind=kind, choices=choices).verified:
            found.append(form)
        if len(found) == 3:
            break
    return found


def scaffold_case(
    *,
    question: str,
    reference: str,
    kind: AnswerKind | str,
    case_id: str | None = None,
    choices: Mapping[str, str] | None = None,
    correct: Sequence[str] = (),
    incorrect: Sequence[str] = (),
    equivalents: Sequence[str] | None = None,
    non_equivalents: Sequence[str] | None = None,
    tags: Sequence[str] = (),
    source: str = "hand-written",
    provenance: Mapping[str, Any] | None = None,
    reviewed: bool = False,
    note: str | None = None,
    whys: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A grade case as a YAML-ready mapping (see the module docstring for what is filled in).

    Args:
        question: The question as the judge sees it.
        reference: The reference answer.
        kind: Its answer kind.
        case_id: The id (default: from the question).
        choices: Multiple choice: letter -> text.
        correct: Response texts that are right.
        incorrect: Response texts that are wrong.
        equivalents: Other forms of the reference (``None``: suggested, verified rewrites).
        non_equivalents: Wrong neighbours (``None``: the wrong responses' answers).
        tags: Tags; the first names the kind of trickiness (default ``[regression]``).
        source: One-line provenance.
        provenance: Structured provenance (default ``{kind: hand-written}``).
        reviewed: The labels are adjudicated (``review: reviewed``); otherwise ``unreviewed``.
        note: A note for maintainers.
        whys: Response text -> why its label is right (default: a placeholder saying it is provisional).
    """
    answer_kind = AnswerKind(str(kind))
    given_whys = dict(whys or {})
    responses: list[dict[str, Any]] = []
    used: set[str] = set()

    def add(text: str, label: str, default_why: str) -> None:
        base = case_id_for(extract_final_answer(text) or text)[:30] or label
        rid, n = base, 2
        while rid in used:
            rid, n = f"{base}-{n}", n + 1
        used.add(rid)
        entry: dict[str, Any] = {"id": rid, "text": text, "label": label}
        if label == "correct":
            answer = extract_final_answer(text)
            if not keeps_notation(reference, answer, kind=answer_kind, choices=choices):
                entry["strict_label"] = "incorrect"
        entry["why"] = _one_line(given_whys.get(text, default_why))
        responses.append(entry)

    for text in correct:
        add(text, "correct", "provisional: a right answer (say why, then set review: reviewed)")
    for text in incorrect:
        add(text, "incorrect", "provisional: a wrong answer (say why, then set review: reviewed)")
    if not correct:
        add(f"Answer: {reference}", "correct", "the reference, stated as the answer")
    if not incorrect:
        add(_NON_ANSWER, "incorrect", "a non-answer is never correct")
    if equivalents is None:
        equivalents = _suggested_equivalents(reference, answer_kind, choices)
    if non_equivalents is None:
        wrong = [extract_final_answer(text) for text in incorrect]
        non_equivalents = [w for w in dict.fromkeys(wrong) if w and normalize(w, kind=answer_kind)][:3]
    case: dict[str, Any] = {
        "id": case_id or case_id_for(question),
        "question": question,
        "reference": reference,
        "answer_kind": str(answer_kind),
    }
    if choices:
        case["choices"] = dict(choices)
    case["equivalents"] = list(equivalents)
    case["non_equivalents"] = [n for n in non_equivalents if n.strip() != reference.strip()]
    case["responses"] = responses
    case["source"] = source
    case["provenance"] = dict(provenance or {"kind": "hand-written"})
    case["review"] = "reviewed" if reviewed else "unreviewed"
    case["tags"] = list(tags) or ["regression"]
    if note:
        case["note"] = note
    return case


def _dump(case: Mapping[str, Any]) -> str:
    body = yaml.safe_dump([dict(case)], allow_unicode=True, sort_keys=False, width=110)
    return "".join(f"  {line}" if line.strip() else line for line in body.splitlines(keepends=True))


def add_case(case: Mapping[str, Any], path: Path, *, known_ids: Sequence[str] = ()) -> Scaffold:
    """Append ``case`` to the case file ``path`` (created with a ``cases:`` list if missing).

    Raises:
        NewCaseError: the id is already used (in the file or in ``known_ids``), the case does not lint
            cleanly (every error is in the message), or the file cannot be read as cases.
    """
    existing: list[AnyCase] = (
        load_file(path) if path.exists() and path.read_text(encoding="utf-8").strip() else []
    )
    taken = {c.id for c in existing} | set(known_ids)
    if case["id"] in taken:
        raise NewCaseError(f"case id {case['id']!r} is already used; pass another --id")
    original = path.read_text(encoding="utf-8") if path.exists() else ""
    text = original if original.strip() else "cases:\n"
    if not text.endswith("\n"):
        text += "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + _dump(case), encoding="utf-8")
    try:
        loaded = {c.id: c for c in load_file(path)}
        new = loaded[str(case["id"])]
        issues = tuple(lint_case(new))
    except (CaseError, KeyError) as exc:
        _restore(path, original)
        raise NewCaseError(f"the new case cannot be written: {exc}") from None
    errors = [issue for issue in issues if issue.severity is Severity.ERROR]
    if errors or not isinstance(new, GradeCase):
        _restore(path, original)
        listed = "\n".join(str(issue) for issue in errors)
        raise NewCaseError(f"the new case does not lint, so it was not written:\n{listed}")
    return Scaffold(dict(case), issues)


def _restore(path: Path, original: str) -> None:
    """Put the file back as it was (remove it when it did not exist)."""
    if original:
        path.write_text(original, encoding="utf-8")
    else:
        path.unlink(missing_ok=True)
