"""Small judged-results sets for the audit tests, with numbers simple enough to compute by hand.

``HAND`` is one phase, three teams (A, B, C) and four questions; ``write_hand(folder, shape)`` writes it as
JSONL, CSV, a JSON list or HLE judged files. The expected figures are worked out in
``test_audit_hand.py``. ``EXAMPLE`` imports the committed synthetic generator from ``examples/audit``.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/harness: fakeserver

MC_QUESTION = "How many? Answer Choices:\nA. 1\nB. 2"
EXEC = "The response follows correct reasoning, but the execution fails at the end."
HAND: list[dict[str, Any]] = [
    {
        "id": "q1",
        "team": "A",
        "response": "Answer: 42",
        "extracted_final_answer": "42",
        "correct_answer": "42",
        "correct": "yes",
        "confidence": 90,
        "judgement": "The answer matches.",
    },
    {
        "id": "q2",
        "team": "A",
        "response": "Answer: A",
        "extracted_final_answer": "A",
        "correct_answer": "A",
        "correct": "yes",
        "confidence": "80%",
        "judgement": "Matches.",
        "answer_type": "multipleChoice",
        "question": MC_QUESTION,
    },
    {
        "id": "q3",
        "team": "A",
        "response": "Answer: TC0",
        "extracted_final_answer": "TC0",
        "correct_answer": "$TC^0$",
        "correct": "no",
        "confidence": 70,
        "judgement": EXEC,
        "part_score": 0.4,
    },
    {
        "id": "q4",
        "team": "A",
        "response": "Answer: Lyon",
        "extracted_final_answer": "Lyon",
        "correct_answer": "Paris",
        "correct": "no",
        "confidence": 60,
        "judgement": "The answer is incomplete and misses the city.",
        "part_score": 0.2,
    },
    {
        "id": "q1",
        "team": "B",
        "response": "Answer: 41",
        "extracted_final_answer": "41",
        "correct_answer": "42",
        "correct": "yes",
        "confidence": 100,
        "judgement": "Close enough.",
    },
    {
        "id": "q2",
        "team": "B",
        "response": "Answer: A. 1",
        "extracted_final_answer": "A. 1",
        "correct_answer": "A",
        "correct": "true",
        "confidence": 50,
        "judgement": "Matches.",
        "answer_type": "multipleChoice",
        "question": MC_QUESTION,
    },
    {
        "id": "q3",
        "team": "B",
        "response": "Answer: $TC^0$",
        "extracted_final_answer": "$TC^0$",
        "correct_answer": "$TC^0$",
        "correct": "1",
        "confidence": 90,
        "judgement": "Matches.",
    },
    {
        "id": "q4",
        "team": "B",
        "response": "Answer: Paris",
        "extracted_final_answer": "Paris",
        "correct_answer": "Paris",
        "correct": "yes",
        "confidence": 100,
        "judgement": "Matches.",
    },
    {
        "id": "q1",
        "team": "C",
        "response": "Answer: 40",
        "extracted_final_answer": "40",
        "correct_answer": "42",
        "correct": "no",
        "confidence": 30,
        "judgement": "The model misunderstands the question.",
        "part_score": 0.1,
    },
    {
        "id": "q2",
        "team": "C",
        "response": "Answer: B",
        "extracted_final_answer": "B",
        "correct_answer": "A",
        "correct": "no",
        "confidence": 40,
        "judgement": "The extracted answer is not correct.",
        "part_score": 0.5,
        "answer_type": "multipleChoice",
        "question": MC_QUESTION,
    },
    {
        "id": "q4",
        "team": "C",
        "response": "Answer: Paris",
        "extracted_final_answer": "Paris",
        "correct_answer": "Paris",
        "correct": "yes",
        "confidence": 80,
        "judgement": "Matches.",
    },
]
"""The hand-computed set: C has no row for q3 (a missing item)."""

COLUMNS = ["id", "team", "answer_type", "question", "response", "correct_answer", "extracted_final_answer",
           "judgement", "correct", "confidence", "part_score"]  # fmt: skip


def write_hand(folder: Path, shape: str = "jsonl") -> list[Path]:
    """Write ``HAND`` as ``jsonl``, ``csv``, ``json-list`` or ``hle`` (a file per team); return the files."""
    folder.mkdir(parents=True, exist_ok=True)
    if shape == "jsonl":
        path = folder / "results.jsonl"
        path.write_text("".join(json.dumps(row) + "\n" for row in HAND), encoding="utf-8")
        return [path]
    if shape == "json-list":
        path = folder / "results.json"
        path.write_text(json.dumps(HAND, indent=1), encoding="utf-8")
        return [path]
    if shape == "csv":
        path = folder / "results.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            for row in HAND:
                writer.writerow({c: row.get(c, "") for c in COLUMNS})
        return [path]
    assert shape == "hle"
    paths = []
    for team in ("A", "B", "C"):
        items = {
            row["id"]: {
                "model": team,
                "response": row["response"],
                **(
                    {"question": row["question"], "answer_type": row["answer_type"]}
                    if "question" in row
                    else {}
                ),
                **({"part_score": row["part_score"]} if "part_score" in row else {}),
                "judge_response": {
                    "correct_answer": row["correct_answer"],
                    "model_answer": row["extracted_final_answer"],
                    "reasoning": row["judgement"],
                    "correct": row["correct"],
                    "confidence": row["confidence"],
                },
            }
            for row in HAND
            if row["team"] == team
        }
        path = folder / f"hle_{team}.json"
        path.write_text(json.dumps(items, indent=2), encoding="utf-8")
        paths.append(path)
    return paths


def synthetic_module() -> ModuleType:
    """The committed example generator ``examples/audit/make_synthetic.py``, imported by path."""
    path = ROOT / "examples" / "audit" / "make_synthetic.py"
    spec = importlib.util.spec_from_file_location("make_synthetic", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
