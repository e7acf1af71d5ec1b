"""How a draw is laid out as a row of the store's ``draws`` table, and back.

A row is a :class:`~judgeprobe.harness.core.records.DrawRecord`'s fields in
:data:`~judgeprobe.harness.core.records.COLUMNS` order followed
by the two verdict fields a record does not carry (``reasoning`` and ``meta`` as JSON), so that a cached
draw gives back the whole :class:`~judgeprobe.harness.core.verdict.Verdict`.
"""

from __future__ import annotations

import json
import operator
from dataclasses import fields
from typing import Any

from judgeprobe.harness.core.records import COLUMNS, DrawRecord
from judgeprobe.harness.core.verdict import ErrorKind, Status, Verdict

__all__ = [
    "DRAW_COLUMNS",
    "VERDICT_COLUMNS",
    "draw_row",
    "encodable",
    "record_from_row",
    "verdict_from_row",
]

DRAW_COLUMNS: tuple[str, ...] = (*COLUMNS, "reasoning", "meta")
"""Columns of a ``draws`` row (after its ``seq``)."""

VERDICT_COLUMNS = (
    "status, outcome, score, extracted_answer, confidence, reasoning, reason, error_kind, raw_reply, prompt, "
    "latency_s, attempts, input_tokens, output_tokens, meta"
)
"""The columns :func:`verdict_from_row` reads, as a ``SELECT`` list."""

_BOOL_COLUMNS = frozenset(f.name for f in fields(DrawRecord) if f.type in ("bool", bool))

_RECORD_VALUES = operator.attrgetter(*COLUMNS)


def draw_row(record: DrawRecord, verdict: Verdict) -> tuple[Any, ...]:
    """The ``draws`` row of one draw (values in :data:`DRAW_COLUMNS` order)."""
    meta = json.dumps(dict(verdict.meta), ensure_ascii=False, default=str) if verdict.meta else None
    return (*_RECORD_VALUES(record), verdict.reasoning, meta)


def encodable(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows whose texts can be written as UTF-8 (lone surrogates, e.g. from a judge's JSON, become ``?``)."""
    return [
        tuple(v.encode("utf-8", "replace").decode("utf-8") if isinstance(v, str) else v for v in row)
        for row in rows
    ]


def record_from_row(row: tuple[Any, ...]) -> DrawRecord:
    """The record of a row selected as :data:`~judgeprobe.harness.core.records.COLUMNS`."""
    values = dict(zip(COLUMNS, row, strict=True))
    for name in _BOOL_COLUMNS:
        values[name] = bool(values[name])
    return DrawRecord(**values)


def verdict_from_row(row: tuple[Any, ...]) -> Verdict:
    """The verdict of a row selected as :data:`VERDICT_COLUMNS`."""
    (status, outcome, score, extracted, confidence, reasoning, reason, kind, raw, prompt, latency, attempts,
     tokens_in, tokens_out, meta) = row  # fmt: skip
    return Verdict(
        status=Status(status),
        outcome=outcome,
        score=score,
        extracted_answer=extracted,
        confidence=confidence,
        reasoning=reasoning,
        reason=reason,
        error_kind=ErrorKind(kind) if kind else None,
        raw_reply=raw,
        prompt=prompt,
        latency_s=latency,
        attempts=attempts,
        input_tokens=tokens_in,
        output_tokens=tokens_out,
        meta=json.loads(meta) if meta else {},
    )
