"""Judged-results files -> :class:`JudgedRow` and :class:`Unusable` rows.

Shapes (see ``docs/audit.md``): HLE judged files (``{question id: {model, response, judge_response: {...}}}``,
one per model), flat JSONL, a JSON list of flat rows, and CSV. A row may nest the judge's fields under
``judge_response`` in any shape. Missing fields are filled from ``--questions`` rows when given.

A file that cannot be read, or lacks a required column altogether, raises
:class:`~judgeprobe.harness.audit.rows.AuditInputError` (``FILE:LINE: FIELD: message``); a single bad row
becomes an :class:`~judgeprobe.harness.audit.rows.Unusable` with its reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from judgeprobe.harness.audit.fields import (
    ALIASES,
    FieldMap,
    canonical_key,
    resolve_columns,
    to_confidence,
    to_number,
    to_text,
    to_verdict,
)
from judgeprobe.harness.audit.rows import AuditInputError, JudgedRow, Unusable
from judgeprobe.harness.audit.sources import Record, read_records

__all__ = ["Question", "ReadResult", "read_questions", "read_results"]

_TEXT_FIELDS = ("id", "team", "phase", "answer_type", "question", "response", "correct_answer", "extracted",
                "judgement", "category", "judge")  # fmt: skip
_NO_ANSWER = {"none", "null", "n/a", ""}
"""Extracted-answer values that mean "the judge found no final answer" (HLE writes ``None``)."""


@dataclass(frozen=True, slots=True)
class Question:
    """One row of the benchmark's own question file (``--questions``)."""

    id: str
    """Question id."""
    question: str | None
    """Question text."""
    answer: str | None
    """Reference answer."""
    answer_type: str | None
    """``exactMatch`` / ``multipleChoice``."""
    category: str | None
    """Category."""


@dataclass
class ReadResult:
    """What one results file yielded."""

    shape: str
    """``hle``, ``inspect``, ``json-list``, ``jsonl`` or ``csv``."""
    rows: list[JudgedRow] = field(default_factory=list)
    """Usable rows."""
    unusable: list[Unusable] = field(default_factory=list)
    """Rows that could not be used, with reasons."""
    warnings: list[str] = field(default_factory=list)
    """Things the reader decided that a user should know."""


_NESTED_TEXT_LIMIT = 1_000_000
"""The longest ``judge_response`` written as a JSON text (a CSV cell, a double-encoded JSONL field) that is
decoded; a longer one is left as text."""


_LABEL = re.compile(
    r"^[ \t>*_#-]*\[?(extracted[ _-]final[ _-]answer|correct_answer|reasoning|correct|confidence)\]?"
    r"[ \t*_]*:[ \t*_]*",
    re.IGNORECASE | re.MULTILINE,
)
"""A line of HLE's judge reply format starting one of its labelled fields (``correct: yes``)."""
_LEADING_NUMBER = re.compile(r"\d+(?:\.\d+)?%?(?![\d.])")
_VALUE_EDGES = " \t\r\n*_`'\".,;!"


def _labelled(text: str) -> dict[str, Any] | None:
    """The fields of a judge reply written in HLE's text format (``extracted_final_answer: …``,
    ``reasoning: …``, ``correct: yes``, ``confidence: 90``), each running to the next labelled line; a label
    given twice keeps its last value (the judge's own, after any quoted format). ``None`` without a
    ``correct`` line: the text is then no reply in that format."""
    marks = list(_LABEL.finditer(text))
    fields: dict[str, Any] = {}
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        value = text[mark.end() : end].strip()
        key = canonical_key(mark[1]).replace("-", "_")
        if (
            key == "confidence"
        ):  # "90", "85%", "90 (high)", "90/100": the number it starts with, as a judge writes it
            number = _LEADING_NUMBER.match(value.strip(_VALUE_EDGES))
            value = number[0] if number else value.strip(_VALUE_EDGES)
        fields[key] = value.strip(_VALUE_EDGES) if key == "correct" else value
    return fields if "correct" in fields else None


def _nested(value: Any) -> dict[str, Any] | None:
    """A ``judge_response`` as an object: itself, decoded from a JSON text holding one object (CSV cells
    and double-encoded JSONL fields carry it that way), or read from a reply in HLE's labelled text format.
    Anything else is ``None``."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, str) or len(value) > _NESTED_TEXT_LIMIT:
        return None
    if not value.lstrip().startswith("{"):
        return _labelled(value)
    try:
        decoded = json.loads(value)
    except (ValueError, RecursionError):
        return None
    return decoded if isinstance(decoded, dict) else None


def _flatten(record: dict[str, Any]) -> dict[str, Any]:
    nested = _nested(record.get("judge_response"))
    if nested is None:
        return record
    flat = {k: v for k, v in record.items() if k != "judge_response"}
    for key, value in nested.items():
        flat.setdefault(key, value)
    # HLE's judge_response.model_answer is the extracted answer; the item's own "model" is the team.
    return flat


def _columns(records: list[Record]) -> list[str]:
    seen: dict[str, None] = {}
    for _, _, data in records:
        if isinstance(data, dict):
            for key in _flatten(data):
                seen.setdefault(key, None)
    return list(seen)


def _require(name: str, columns: dict[str, str], shape: str, line: int, path: str, *, hint: str = "") -> None:
    if name in columns:
        return
    spellings = ", ".join(ALIASES[name])
    raise AuditInputError(
        path,
        line,
        name,
        f"missing column: no row has a {name!r} field ({shape}); recognised spellings: {spellings}; "
        f"map another column with --field {name}=COLUMN{hint}",
    )


def read_results(
    path: Path,
    *,
    shown: str | None = None,
    fields: FieldMap | None = None,
    team: str | None = None,
    questions: Mapping[str, Question] | None = None,
) -> ReadResult:
    """Read one judged-results file.

    Args:
        path: The file.
        shown: How to name the file in messages and provenance (default: ``str(path)``).
        fields: ``--field`` overrides (canonical name -> column).
        team: The team of every row (``--team-of``); otherwise the row's team/model column, else the file
            name without its extension.
        questions: Question rows by id, to fill missing question, reference, answer type and category.

    Raises:
        AuditInputError: the file cannot be read or lacks a required column.
    """
    name = shown or str(path)
    notes: list[str] = []
    fields = fields or {}
    shape, records = read_records(path, shown=name, warnings=notes, scorer=fields.get("correct"))
    if shape == "inspect":  # --field correct=NAME chose the log's scorer; the rows have their own names
        fields = {k: v for k, v in fields.items() if k != "correct"}
    columns = resolve_columns(_columns(records), fields)
    first = records[0][0]
    if not any(isinstance(data, dict) for _, _, data in records):
        problem = next(str(data) for _, _, data in records)
        raise AuditInputError(name, first, "file", f"no readable row ({problem})")
    if shape != "hle":
        _require("id", columns, shape, first, name)
    if not (questions and any(q.answer for q in questions.values())):
        _require("correct_answer", columns, shape, first, name, hint=" or give --questions")
    if shape != "hle":
        _require("correct", columns, shape, first, name)
    if "response" not in columns and "extracted" not in columns:
        raise AuditInputError(
            name,
            first,
            "response",
            "missing column: no row has a response or an extracted answer; recognised spellings: "
            + ", ".join(ALIASES["response"] + ALIASES["extracted"]),
        )
    default_team = team or Path(name).stem
    result = ReadResult(shape, warnings=notes)
    if team is None and "team" not in columns:
        result.warnings.append(f"{name}: no team/model column; every row is team {default_team!r}")
    for line, key, data in records:
        if isinstance(data, str):
            result.unusable.append(Unusable(name, line, key, None, None, "row", data))
            continue
        built = _row(_flatten(data), line, key, name, columns, team, default_team, questions or {}, shape)
        (result.rows if isinstance(built, JudgedRow) else result.unusable).append(built)  # type: ignore[arg-type]
    _scale_proportions(result, name)
    return result


def _scale_proportions(result: ReadResult, name: str) -> None:
    stated = [r.confidence for r in result.rows if r.confidence is not None]
    if stated and all(c <= 1.0 for c in stated) and any(0.0 < c < 1.0 for c in stated):
        result.rows = [
            _replace_confidence(r, None if r.confidence is None else r.confidence * 100.0)
            for r in result.rows
        ]
        result.warnings.append(
            f"{name}: every confidence lies in [0, 1]; read as proportions (x100 = percent)"
        )


def _replace_confidence(row: JudgedRow, value: float | None) -> JudgedRow:
    from dataclasses import replace

    return replace(row, confidence=value)


def _row(
    data: dict[str, Any],
    line: int,
    key: str | None,
    path: str,
    columns: dict[str, str],
    team: str | None,
    default_team: str,
    questions: Mapping[str, Question],
    shape: str,
) -> JudgedRow | Unusable:
    def get(name: str) -> Any:
        column = columns.get(name)
        return data.get(column) if column is not None else None

    values: dict[str, Any] = {}
    fault = "id"
    try:
        for fault in _TEXT_FIELDS:
            column = columns.get(fault)
            values[fault] = to_text(data.get(column)) if column is not None else None
        identity = values["id"] or key
        row_team = team or values["team"] or default_team
        question = questions.get(identity) if identity else None
        fault = "correct"
        raw_verdict = get("correct")
        if raw_verdict is None or (isinstance(raw_verdict, str) and not raw_verdict.strip()):
            reason = (
                "not judged (no judge_response); HLE counts it as wrong"
                if shape == "hle" and "judge_response" not in data and "correct" not in data
                else "missing the judge's verdict"
            )
            return Unusable(path, line, identity, row_team, values["phase"], "correct", reason)
        verdict = to_verdict(raw_verdict)
        fault = "confidence"
        confidence = to_confidence(get("confidence"))
        fault = "part_score"
        part = to_number(get("part_score"))
    except ValueError as exc:
        identity = values.get("id") or key
        return Unusable(
            path, line, identity, team or values.get("team"), values.get("phase"), fault, str(exc)
        )
    if not identity:
        return Unusable(path, line, None, row_team, values["phase"], "id", "missing the question id")
    reference = values["correct_answer"] or (question.answer if question else None)
    if not reference:
        return Unusable(
            path, line, identity, row_team, values["phase"], "correct_answer", "missing the reference"
        )
    extracted = values["extracted"]
    if extracted is not None and extracted.strip().lower() in _NO_ANSWER:
        extracted = None
    response = values["response"] or ""
    if not response and extracted is None and values["extracted"] is None:
        return Unusable(
            path,
            line,
            identity,
            row_team,
            values["phase"],
            "response",
            "neither a response nor an extracted answer",
        )
    return JudgedRow(
        source=path,
        line=line,
        id=identity,
        team=row_team,
        phase=values["phase"],
        answer_type=values["answer_type"] or (question.answer_type if question else None),
        question=values["question"] or (question.question if question else None),
        response=response,
        reference=reference,
        extracted=extracted,
        explanation=values["judgement"],
        correct=verdict,
        confidence=confidence,
        part_score=part,
        category=values["category"] or (question.category if question else None),
        judge=values["judge"],
    )


def read_questions(path: Path, *, shown: str | None = None) -> dict[str, Question]:
    """Read the benchmark's question rows (id, question, answer, answer_type, category) by id.

    Raises:
        AuditInputError: unreadable file, no ``id`` column, or a row without an id.
    """
    name = shown or str(path)
    shape, records = read_records(path, shown=name)
    columns = resolve_columns(_columns(records), {})
    first = records[0][0]
    if shape != "hle":
        _require("id", columns, f"{shape} questions", first, name)
    out: dict[str, Question] = {}
    for line, key, data in records:
        if isinstance(data, str):
            raise AuditInputError(name, line, "row", data)

        def get(field_name: str, data: dict[str, Any] = data, line: int = line) -> str | None:
            column = columns.get(field_name)
            try:
                return to_text(data.get(column)) if column is not None else None
            except ValueError as exc:
                raise AuditInputError(name, line, field_name, str(exc)) from None

        identity = get("id") or key
        if not identity:
            raise AuditInputError(name, line, "id", "a question row without an id")
        out[identity] = Question(
            identity, get("question"), get("correct_answer"), get("answer_type"), get("category")
        )
    return out
