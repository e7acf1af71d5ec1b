"""One definition of a verdict's fields: the record, the store's row layout and the frame's columns follow
it."""

from __future__ import annotations

import sqlite3
from dataclasses import fields
from pathlib import Path

from test_store import _perturbed, _record

from judgeprobe.harness.core.records import COLUMNS, DRAW_FIELDS, DrawRecord
from judgeprobe.harness.core.verdict import TABULAR_VERDICT_FIELDS, VERDICT_FIELDS, ErrorKind, Status, Verdict
from judgeprobe.harness.store import RunStore
from judgeprobe.harness.store.frame import DERIVED_COLUMNS, records_frame
from judgeprobe.harness.store.rows import DRAW_COLUMNS, VERDICT_COLUMNS, draw_row, record_from_row

FULL = Verdict(
    status=Status.ERROR,
    outcome="correct",
    score=4.0,
    extracted_answer="B",
    confidence=80.0,
    reasoning="because B",
    reason="server said no",
    error_kind=ErrorKind.SERVER,
    raw_reply='{"x": 1}',
    prompt="Grade this.",
    latency_s=0.25,
    attempts=3,
    input_tokens=12,
    output_tokens=7,
    meta={"slot": "A", "nested": {"k": [1, 2]}},
)
"""A verdict with every field set away from its default."""


def test_every_verdict_field_is_in_the_row_and_the_tabular_ones_in_the_frame() -> None:
    assert set(VERDICT_FIELDS) == {f.name for f in fields(Verdict)}
    assert set(TABULAR_VERDICT_FIELDS) == set(VERDICT_FIELDS) - {"reasoning", "meta"}
    assert (*DRAW_FIELDS, *TABULAR_VERDICT_FIELDS) == COLUMNS
    assert set(DRAW_COLUMNS) == set(DRAW_FIELDS) | set(VERDICT_FIELDS)
    assert len(DRAW_COLUMNS) == len(set(DRAW_COLUMNS))
    assert DRAW_COLUMNS[: len(COLUMNS)] == COLUMNS  # the journal's rows keep this order across versions
    assert VERDICT_COLUMNS.split(", ") == list(VERDICT_FIELDS)
    assert "verdict" not in COLUMNS and {f.name for f in fields(DrawRecord)} == {*DRAW_FIELDS, "verdict"}


def test_a_record_round_trips_through_its_row_with_the_whole_verdict(tmp_path: Path) -> None:
    with RunStore(tmp_path / "store.sqlite") as store:
        record = _record(store, _perturbed(), FULL)
        again = record_from_row(draw_row(record))
        assert again == record
        store.put_draw(record)
        (stored,) = store.iter_records()
        assert stored == record
        assert stored.verdict.meta == {"slot": "A", "nested": {"k": [1, 2]}}
    table = sqlite3.connect(tmp_path / "store.sqlite")
    columns = [row[1] for row in table.execute("PRAGMA table_info(draws)")]
    table.close()
    assert columns == ["seq", *DRAW_COLUMNS]


def test_the_frame_and_results_lines_hold_the_tabular_fields_as_plain_values(tmp_path: Path) -> None:
    with RunStore(tmp_path / "store.sqlite") as store:
        record = _record(store, _perturbed(), FULL)
    row = record.to_dict()
    assert tuple(row) == COLUMNS
    assert row["status"] == "error" and type(row["status"]) is str
    assert row["error_kind"] == "server" and type(row["error_kind"]) is str
    assert row["attempts"] == 3 and row["output_tokens"] == 7
    frame = records_frame([record])
    assert tuple(frame.columns) == (*COLUMNS, *DERIVED_COLUMNS)
    assert frame.loc[0, "extracted_answer"] == "B"
