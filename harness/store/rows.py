"""How a draw is laid out as a row of the store's ``draws`` table, and back.

Nothing here lists a field by hand: a row is the record's
:data:`~judgeprobe.harness.core.records.DRAW_FIELDS`, then every field of its
:class:`~judgeprobe.harness.core.verdict.Verdict` (:data:`~judgeprobe.harness.core.verdict.VERDICT_FIELDS`),
ordered so that the per-draw table's columns (:data:`~judgeprobe.harness.core.records.COLUMNS`) come first
and the fields kept only in the store (``reasoning``, ``meta``) last. A cached draw therefore gives back the
whole verdict. Values are stored plainly: enums as their text, booleans as integers, ``meta`` as JSON text.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields
from typing import Any

from judgeprobe.harness.core.records import COLUMNS, DRAW_FIELDS, DrawRecord
from judgeprobe.harness.core.verdict import VERDICT_FIELDS, Verdict

__all__ = [
    "DRAW_COLUMNS",
    "SHARED_TEXTS",
    "SHARED_TEXT_MIN",
    "VERDICT_COLUMNS",
    "draw_row",
    "encodable",
    "record_from_row",
    "share_texts",
    "verdict_from_row",
]

DRAW_COLUMNS: tuple[str, ...] = (*COLUMNS, *(name for name in VERDICT_FIELDS if name not in COLUMNS))
"""Columns of a ``draws`` row (after its ``seq``)."""

VERDICT_COLUMNS = ", ".join(VERDICT_FIELDS)
"""The columns :func:`verdict_from_row` reads, as a ``SELECT`` list."""

SHARED_TEXTS: tuple[str, ...] = ("prompt", "raw_reply", "reasoning")
"""Columns whose long texts are stored once, in the ``texts`` table (see :func:`share_texts`)."""

SHARED_TEXT_MIN = 64
"""Texts shorter than this many characters stay in the draw's row."""

_SHARED_AT = tuple(DRAW_COLUMNS.index(name) for name in SHARED_TEXTS)

_BOOL_FIELDS = frozenset(f.name for f in fields(DrawRecord) if f.type in ("bool", bool))
_DRAW_AT = tuple(DRAW_COLUMNS.index(name) for name in DRAW_FIELDS)
_VERDICT_AT = tuple(DRAW_COLUMNS.index(name) for name in VERDICT_FIELDS)


def draw_row(record: DrawRecord) -> tuple[Any, ...]:
    """The ``draws`` row of one draw (values in :data:`DRAW_COLUMNS` order)."""
    values = record.verdict.plain()
    meta = values["meta"]
    values["meta"] = json.dumps(dict(meta), ensure_ascii=False, default=str) if meta else None
    for name in DRAW_FIELDS:
        values[name] = getattr(record, name)
    return tuple(values[name] for name in DRAW_COLUMNS)


def encodable(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows whose texts can be written as UTF-8 (lone surrogates, e.g. from a judge's JSON, become ``?``)."""
    return [
        tuple(v.encode("utf-8", "replace").decode("utf-8") if isinstance(v, str) else v for v in row)
        for row in rows
    ]


def share_texts(rows: list[tuple[Any, ...]]) -> tuple[list[tuple[Any, ...]], dict[bytes, str]]:
    """Rows with each long text of :data:`SHARED_TEXTS` replaced by a 16-byte digest (a BLOB), and the
    texts by digest, to be stored once in the ``texts`` table."""
    texts: dict[bytes, str] = {}
    out: list[tuple[Any, ...]] = []
    for row in rows:
        values: list[Any] | None = None
        for at in _SHARED_AT:
            text = row[at]
            if isinstance(text, str) and len(text) >= SHARED_TEXT_MIN:
                key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
                texts[key] = text
                if values is None:
                    values = list(row)
                values[at] = key
        out.append(row if values is None else tuple(values))
    return out, texts


def verdict_from_row(row: tuple[Any, ...]) -> Verdict:
    """The verdict of a row selected as :data:`VERDICT_COLUMNS`."""
    values = dict(zip(VERDICT_FIELDS, row, strict=True))
    meta = values["meta"]
    values["meta"] = json.loads(meta) if meta else {}
    return Verdict.from_dict(values)


def record_from_row(row: tuple[Any, ...]) -> DrawRecord:
    """The record of a row selected as :data:`DRAW_COLUMNS` (its verdict whole)."""
    values: dict[str, Any] = {name: row[at] for name, at in zip(DRAW_FIELDS, _DRAW_AT, strict=True)}
    for name in _BOOL_FIELDS:
        values[name] = bool(values[name])
    values["verdict"] = verdict_from_row(tuple(row[at] for at in _VERDICT_AT))
    return DrawRecord(**values)
