"""``results.jsonl``: every draw, one JSON object per line, with the fields of ``DrawRecord`` in order.

Written in blocks of rows, column by column: within a block each distinct value of a column is encoded once
(a run repeats its prompts, case ids and verdicts thousands of times, and the frame's order puts a variant's
draws together), and each line is joined from the encoded pieces, exactly as ``json.dumps`` of the line's
dictionary would write it. Only one block's encoded texts are held at a time, so writing the file of 100,000
draws adds little to the memory the frame already takes.
"""

from __future__ import annotations

import json
import math
import re
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from judgeprobe.harness.core.records import COLUMNS
from judgeprobe.harness.store.frame import TextLookup, resolve_texts

__all__ = ["BLOCK_ROWS", "write_results_jsonl"]

BLOCK_ROWS = 4096
"""Rows encoded at a time."""


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


_ESCAPED = re.compile(r'[\x00-\x1f"\\]')
"""Characters ``json.dumps`` escapes in a string (with ``ensure_ascii=False``)."""


def _json(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False)``, quicker for strings, finite floats and integers (what the
    encoder itself writes for them)."""
    kind = type(value)
    if kind is str:
        return '"' + value + '"' if not _ESCAPED.search(value) else encode_basestring(value)
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    if kind is int:
        return int.__repr__(value)
    return json.dumps(_plain(value), ensure_ascii=False)


def _encoded(column: pd.Series, prefix: str) -> list[str]:
    """Each value of the column as ``json.dumps`` writes it, after ``prefix``: each distinct value encoded
    once, and rows with equal values share one string (missing values, ``None``, NaN, ``<NA>``: ``null``)."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    texts = [prefix + _json(value) for value in uniques.tolist()]
    table = np.array([*texts, prefix + "null"], dtype=object)  # code -1 (missing) picks the last entry
    encoded: list[str] = table[codes].tolist()
    return encoded


def _block(column: pd.Series, start: int, stop: int, texts: TextLookup | None) -> pd.Series:
    """Rows ``start:stop`` of a column, a deferred ``prompt`` column's digests looked up."""
    block = column.iloc[start:stop]
    if texts is None or column.name != "prompt":
        return block
    resolved = block.to_frame()
    resolve_texts(resolved, texts, ("prompt",))
    return resolved["prompt"]


def write_results_jsonl(
    path: Path, frame: pd.DataFrame, *, block_rows: int = BLOCK_ROWS, texts: TextLookup | None = None
) -> Path:
    """Write one line per draw (columns :data:`judgeprobe.harness.core.records.COLUMNS`) and return the
    path; ``block_rows`` rows are encoded at a time (the file is the same for any block size).

    ``texts`` looks up the texts of a ``prompt`` column left as digests (a frame read with
    ``RunStore.run_frame(run, prompts=False)``), one block at a time, so the run's prompts are never all
    held at once.
    """
    prefixes = [("{" if index == 0 else ", ") + json.dumps(name) + ": " for index, name in enumerate(COLUMNS)]
    columns = [frame[name] for name in COLUMNS]
    with path.open("w", encoding="utf-8") as out:
        for start in range(0, len(frame), max(1, block_rows)):
            stop = start + max(1, block_rows)
            fields = [
                _encoded(_block(column, start, stop, texts), prefix)
                for column, prefix in zip(columns, prefixes, strict=True)
            ]
            out.writelines("".join(pieces) + "}\n" for pieces in zip(*fields, strict=True))
    return path
