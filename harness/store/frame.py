"""Load a run as a pandas DataFrame: one row per draw.

Columns are :data:`judgeprobe.harness.core.records.COLUMNS` (the fields of
:class:`judgeprobe.harness.core.records.DrawRecord`, in order,
documented there), followed by these derived columns:

``judged`` (bool)
    ``status == "judged"``: the draw carries an outcome that statistics may count.
``agrees_with_label`` (nullable boolean)
    Whether a judged draw's outcome matches the label the variant carries: equal outcome for grade and
    pairwise modes, a score inside the ``low-high`` range for score mode. ``<NA>`` for draws that are not
    judged (unscored, errored and skipped draws are never right or wrong).

The same description is in ``docs/dataframe.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

import pandas as pd

from judgeprobe.harness.core.errors import StoreError
from judgeprobe.harness.core.records import COLUMNS, DrawRecord
from judgeprobe.probes.labels import ScoreLabel

__all__ = [
    "DERIVED_COLUMNS",
    "TextLookup",
    "agrees_with_label",
    "load_run",
    "records_frame",
    "resolve_texts",
    "rows_frame",
]

_BOOL_COLUMNS = tuple(f.name for f in fields(DrawRecord) if f.type in ("bool", bool))
"""Draw fields that are booleans (stored as integers)."""

TextLookup = Callable[[Iterable[bytes]], Mapping[bytes, str]]
"""Looks up texts stored once by digest (see ``judgeprobe.harness.store.rows.share_texts``)."""

DERIVED_COLUMNS: tuple[str, ...] = ("judged", "agrees_with_label")
"""Columns added after :data:`judgeprobe.harness.core.records.COLUMNS`."""


def agrees_with_label(mode: str, label: str, outcome: str | None, score: float | None) -> bool | None:
    """Whether an outcome matches a label (``None`` when there is no outcome to compare)."""
    if outcome is None:
        return None
    if mode == "score":
        expected = ScoreLabel.parse(label)
        value = score
        if value is None:
            try:
                value = float(outcome)
            except ValueError:
                return None
        return None if expected is None else expected.contains(value)
    return outcome == label


def records_frame(records: Iterable[DrawRecord]) -> pd.DataFrame:
    """A DataFrame (columns as in the module docstring) from draw records."""
    rows = [record.to_dict() for record in records]
    return _derive(pd.DataFrame(rows, columns=list(COLUMNS)))


_UNSHARED = frozenset(("cache_key", "request_key"))
"""Text columns whose values are (nearly) all different: not worth sharing."""


def rows_frame(
    chunks: Iterable[Sequence[Sequence[Any]]],
    columns: Sequence[str],
    *,
    texts: TextLookup | None = None,
    deferred: Collection[str] = (),
) -> pd.DataFrame:
    """The same DataFrame as :func:`records_frame`, straight from store rows (values in ``columns`` order,
    in chunks): column by column, without a record object per draw. Equal texts share one string object
    (a run repeats its prompts, replies, ids and names thousands of times), so the frame of 100,000 draws
    holds each distinct prompt once.

    Args:
        chunks: The rows, in chunks.
        columns: Their columns.
        texts: Looks up texts stored once by digest (a BLOB value in a text column, see
            ``judgeprobe.harness.store.rows.share_texts``).
        deferred: Text columns whose digests are kept as they are, for :func:`resolve_texts` to look up
            later (the frame's ``prompt`` column holds 100 MB of texts in a run of 100,000 draws that the
            statistics never read).
    """
    at = [columns.index(name) for name in COLUMNS]
    data: list[list[Any]] = [[] for _ in COLUMNS]
    shared: list[dict[Any, Any]] = [{} for _ in COLUMNS]
    stored: dict[bytes, str] = {}
    for chunk in chunks:
        if not chunk:
            continue
        transposed = list(zip(*chunk, strict=True))
        for index, (name, source) in enumerate(zip(COLUMNS, at, strict=True)):
            values = transposed[source]
            if name in _BOOL_COLUMNS:
                data[index].extend(map(bool, values))
            elif name in _UNSHARED or (values and not isinstance(values[0], str | bytes | None)):
                data[index].extend(values)
            else:
                kept = name in deferred
                data[index].extend(_shared_texts(values, shared[index], stored, name, texts, keep=kept))
    return _derive(pd.DataFrame(dict(zip(COLUMNS, data, strict=True)), columns=list(COLUMNS)))


_PLAIN_TEXT = frozenset((str, bytes, type(None)))


def _shared_texts(
    values: Sequence[Any],
    seen: dict[Any, Any],
    stored: dict[bytes, str],
    name: str,
    texts: TextLookup | None,
    *,
    keep: bool = False,
) -> list[Any]:
    """One chunk of a text column: digests (BLOB values) replaced by their texts (or, with ``keep``, kept
    as they are), equal texts as one string object (``seen``: the column's texts so far; ``stored``: texts
    read by digest, shared by every column)."""
    kinds = set(map(type, values))
    if bytes in kinds and not keep:
        digests = {v for v in values if isinstance(v, bytes)}
        missing = [v for v in digests if v not in stored]
        if missing:
            if texts is None:
                raise StoreError(f"a draw's {name} is stored by digest and no text table was given")
            stored.update(texts(missing))
        for digest in digests:
            seen[digest] = stored[digest]  # a digest and a text never compare equal
    if kinds <= _PLAIN_TEXT:  # texts, missing values and digests: one dictionary look-up each, in C
        return list(map(seen.setdefault, values, values))
    return [seen.setdefault(v, v) if isinstance(v, str | bytes) else v for v in values]  # numbers as they are


def resolve_texts(
    frame: pd.DataFrame,
    texts: TextLookup,
    columns: Iterable[str] = ("prompt",),
) -> None:
    """Look up, in place, the texts of columns that :func:`rows_frame` left as digests (``deferred``): the
    frame then holds what it would have held from the start."""
    for name in columns:
        if name in frame.columns:
            values = frame[name].tolist()
            frame[name] = _shared_texts(values, {}, {}, name, texts) if values else frame[name]


def _derive(frame: pd.DataFrame) -> pd.DataFrame:
    judged = frame["status"] == "judged"
    frame["judged"] = judged.astype(bool)
    agrees = [
        agrees_with_label(m, lab, out, sc) if j else None
        for m, lab, out, sc, j in zip(
            frame["mode"].tolist(), frame["label"].tolist(), frame["outcome"].tolist(),
            frame["score"].tolist(), judged.tolist(), strict=True,
        )
    ]  # fmt: skip
    frame["agrees_with_label"] = pd.array(agrees, dtype="boolean")
    return frame


def load_run(run_dir: str | Path, *, judge_hash: str | None = None) -> pd.DataFrame:
    """Every draw of a run, one row per draw (see the module docstring for the columns), sorted by case,
    unit, variant and draw so that the same store always gives the same frame.

    Args:
        run_dir: The run's output folder (or the store file itself).
        judge_hash: Only the draws of this judge configuration (a folder may hold several judges' draws).
    """
    from judgeprobe.harness.store import RunStore, store_path

    path = Path(run_dir)
    store_file = path if path.is_file() else store_path(path)
    if not store_file.is_file():
        raise StoreError(
            f"{path} holds no run store ({store_file.name}); run 'judgeprobe run' with this output folder"
        )
    with RunStore(store_file) as store:
        frame = records_frame(store.iter_records(judge_hash=judge_hash))
    order = ["case_id", "unit_id", "variant_id", "draw", "judge_hash"]
    return frame.sort_values(order, kind="stable").reset_index(drop=True)
