"""Judged-results files as other tools write them: line ends, characters and cells the readers must keep."""

from __future__ import annotations

import json
from pathlib import Path

from judgeprobe.harness.audit.readers import read_results


def test_jsonl_lines_end_at_newlines_only(tmp_path: Path) -> None:
    """JSON written with ``ensure_ascii=False`` keeps U+2028 and U+0085 raw inside strings: no line end."""
    rows = [
        {
            "id": "q1",
            "model": "m",
            "response": "first\u2028second: 5",
            "correct_answer": "5",
            "correct": "yes",
        },
        {"id": "q2", "model": "m", "response": "a\x85b 6", "correct_answer": "6", "correct": "no"},
        {"id": "q3", "model": "m", "response": "7", "correct_answer": "7", "correct": "yes"},
    ]
    path = tmp_path / "raw.jsonl"
    path.write_bytes("".join(json.dumps(r, ensure_ascii=False) + "\r\n" for r in rows).encode("utf-8"))
    result = read_results(path)
    assert not result.unusable
    assert [(r.id, r.line, r.response) for r in result.rows] == [
        ("q1", 1, "first\u2028second: 5"),
        ("q2", 2, "a\x85b 6"),
        ("q3", 3, "7"),
    ]


def test_csv_records_end_at_newlines_only(tmp_path: Path) -> None:
    path = tmp_path / "raw.csv"
    path.write_bytes(
        "id,model,response,correct_answer,correct\r\n"
        "q1,m,a\u2028b 5,5,yes\r\nq2,m,c\x85d,6,no\r\nq3,m,7,7,1\r\n".encode()
    )
    result = read_results(path)
    assert not result.unusable
    assert [(r.id, r.line, r.response) for r in result.rows] == [
        ("q1", 2, "a\u2028b 5"),
        ("q2", 3, "c\x85d"),
        ("q3", 4, "7"),
    ]
