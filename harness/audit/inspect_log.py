"""inspect_ai eval logs (``.json``): each sample's judged answer as a flat results row.

A log is one JSON object with ``eval`` (task, ``model``, …) and ``samples``; each sample has ``id``,
``epoch``, ``input`` (a text or chat messages), ``target``, ``output.completion`` and ``scores`` (scorer name
-> ``{value, answer, explanation}``). A row takes the sample's id, the log's model as its team, the input as
the question, the target as the reference, the completion as the response, and the scorer's ``answer`` and
``explanation`` as the extracted answer and the judge's explanation. A log run with several epochs puts each
epoch in its own phase (``epoch 2``), so a question answered in every epoch is an item of each.

The verdict is the scorer's ``value`` read as inspect_ai reads it: ``C`` (correct) is yes; ``I`` (incorrect)
and ``N`` (no answer, which inspect_ai scores 0) are no; ``P`` (partial credit) and any other value are no
yes/no verdict, so the row is unusable with the value named. Booleans and 0/1 are read as usual. A log with
several scorers needs one named (``--field correct=SCORER``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from judgeprobe.harness.audit.rows import AuditInputError

__all__ = ["INSPECT_VALUES", "inspect_rows", "is_inspect_log"]

INSPECT_VALUES = {"C": "yes", "I": "no", "N": "no"}
"""inspect_ai's score letters that are a yes/no verdict (``P``, partial credit, is none)."""

_Record = tuple[int, str | None, dict[str, Any] | str]


def is_inspect_log(top: Mapping[str, tuple[Any, int]]) -> bool:
    """Whether a JSON document's top-level keys (key -> (value, position)) are an inspect_ai eval log's."""
    return (
        "eval" in top
        and "samples" in top
        and isinstance(top["eval"][0], dict)
        and isinstance(top["samples"][0], list)
    )


def _scorers(samples: list[_Record]) -> list[str]:
    seen: dict[str, None] = {}
    for _, _, sample in samples:
        if isinstance(sample, dict) and isinstance(sample.get("scores"), dict):
            for name in sample["scores"]:
                seen.setdefault(str(name), None)
    return list(seen)


def _verdict(value: Any) -> Any:
    if isinstance(value, str) and value.strip().upper() in INSPECT_VALUES:
        return INSPECT_VALUES[value.strip().upper()]
    if isinstance(value, str) and value.strip().upper() == "P":
        return "P (partial credit)"  # no yes/no verdict: the row is unusable with this value named
    return value


def _target(value: Any) -> Any:
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def inspect_rows(
    eval_spec: dict[str, Any], samples: list[_Record], name: str, scorer: str | None
) -> list[_Record]:
    """The samples of a log as flat rows (the spellings the audit's readers recognise).

    Raises:
        AuditInputError: the log has several scorers and ``scorer`` names none of them, or no sample has a
            score.
    """
    scorers = _scorers(samples)
    first = samples[0][0] if samples else 1
    if not scorers:
        raise AuditInputError(name, first, "correct", "no sample of this inspect_ai log has a score")
    if scorer is None and len(scorers) > 1:
        raise AuditInputError(
            name,
            first,
            "correct",
            f"this inspect_ai log has several scorers ({', '.join(scorers)}); "
            f"choose one with --field correct=SCORER",
        )
    chosen = scorer if scorer is not None else scorers[0]
    if chosen not in scorers:
        raise AuditInputError(
            name,
            first,
            "correct",
            f"no scorer {chosen!r} in this inspect_ai log; it has {', '.join(scorers)}",
        )
    epochs = {s.get("epoch") for _, _, s in samples if isinstance(s, dict)}
    several = len(epochs - {None}) > 1
    model = eval_spec.get("model")
    rows: list[_Record] = []
    for line, key, sample in samples:
        if not isinstance(sample, dict):
            rows.append((line, key, sample))
            continue
        scores = sample.get("scores")
        score = scores.get(chosen) if isinstance(scores, dict) else None
        score = score if isinstance(score, dict) else {}
        output = sample.get("output")
        row: dict[str, Any] = {
            "id": sample.get("id"),
            "model": model,
            "question": sample.get("input"),
            "correct_answer": _target(sample.get("target")),
            "response": output.get("completion") if isinstance(output, dict) else None,
            "extracted_final_answer": score.get("answer"),
            "explanation": score.get("explanation"),
            "correct": _verdict(score.get("value")),
            "judge": chosen,
        }
        if several:
            row["phase"] = f"epoch {sample.get('epoch')}"
        rows.append((line, key, row))
    return rows
