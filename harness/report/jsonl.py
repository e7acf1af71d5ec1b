"""``results.jsonl``: every draw, one JSON object per line, with the fields of ``DrawRecord`` in order.

Written column by column: each distinct value of a column is encoded once (a run repeats its prompts, case
ids and verdicts thousands of times), and each line is joined from the encoded pieces, exactly as
``json.dumps`` of the line's dictionary would write it.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from judgeprobe.harness.core.records import COLUMNS

__all__ = ["write_results_jsonl"]


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
    """``json.dumps(value, ensure_ascii=False)``, quicker for plain strings (ids, names, verdicts)."""
    if isinstance(value, str) and not _ESCAPED.search(value):
        return '"' + value + '"'
    return json.dumps(_plain(value), ensure_ascii=False)


def _encoded(column: pd.Series, prefix: str) -> list[str]:
    """Each value of the column as ``json.dumps`` writes it, after ``prefix``: each distinct value encoded
    once, and rows with equal values share one string (missing values, ``None``, NaN, ``<NA>``: ``null``)."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    texts = [prefix + _json(value) for value in uniques.tolist()]
    table = np.array([*texts, prefix + "null"], dtype=object)  # code -1 (missing) picks the last entry
    encoded: list[str] = table[codes].tolist()
    return encoded


def write_results_jsonl(path: Path, frame: pd.DataFrame) -> Path:
    """Write one line per draw (columns :data:`judgeprobe.harness.core.records.COLUMNS`) and return the
    path."""
    fields = [
        _encoded(frame[name], ("{" if index == 0 else ", ") + json.dumps(name) + ": ")
        for index, name in enumerate(COLUMNS)
    ]
    with path.open("w", encoding="utf-8") as out:
        out.writelines("".join(pieces) + "}\n" for pieces in zip(*fields, strict=True))
    return path
