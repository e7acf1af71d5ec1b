"""``results.jsonl``: every draw, one JSON object per line, with the fields of ``DrawRecord`` in order."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

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


def write_results_jsonl(path: Path, frame: pd.DataFrame) -> Path:
    """Write one line per draw (columns :data:`judgeprobe.harness.core.records.COLUMNS`) and return the
    path."""
    with path.open("w", encoding="utf-8") as out:
        for row in frame[list(COLUMNS)].itertuples(index=False, name=None):
            record = {name: _plain(value) for name, value in zip(COLUMNS, row, strict=True)}
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n")
    return path
