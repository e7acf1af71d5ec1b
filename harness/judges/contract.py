"""The JSON contract of out-of-process and in-process judges (``command``, ``python``).

A request is sent as :func:`request_payload`; an answer is read by :func:`verdict_from_answer`. The
contract is documented for judge authors in ``docs/judge-contract.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import ErrorKind, Status, Verdict
from judgeprobe.harness.judges.reply_format import ReplyFormat, read_with

__all__ = ["outcome_from_value", "request_payload", "verdict_from_answer"]

_GRADE_WORDS = {
    "correct": "correct",
    "yes": "correct",
    "true": "correct",
    "incorrect": "incorrect",
    "no": "incorrect",
    "false": "incorrect",
}


def request_payload(request: JudgeRequest) -> dict[str, Any]:
    """The request as a JSON object (the stdin line of a command judge); ``rules`` only when the case
    states some (tolerance, aliases, multiple-choice conflict policy)."""
    payload: dict[str, Any] = {
        "mode": str(request.mode),
        "question": request.question,
        "reference": request.reference,
        "responses": list(request.responses),
        "response_ids": list(request.response_ids),
        "answer_kind": request.answer_kind,
        "choices": [list(pair) for pair in request.choices] if request.choices is not None else None,
        "presentation": dict(request.presentation),
        "draw": request.draw,
    }
    if request.rules is not None:
        payload["rules"] = request.rules.to_json()
    return payload


def outcome_from_value(value: Any, request: JudgeRequest, *, raw: str | None = None) -> Verdict:
    """A verdict from a bare outcome (a bool, a word, a slot letter, a response id or a number)."""
    text = str(value).strip() if value is not None else ""
    if request.mode is Mode.GRADE:
        if isinstance(value, bool):
            return Verdict.judged("correct" if value else "incorrect", raw_reply=raw)
        word = _GRADE_WORDS.get(text.lower())
        if word is None:
            return Verdict.unscored(f"grade outcome {text[:60]!r} is not correct/incorrect", raw_reply=raw)
        return Verdict.judged(word, raw_reply=raw)
    if request.mode is Mode.PAIRWISE:
        if isinstance(value, bool):
            return Verdict.unscored(
                "a pairwise judge answered true/false instead of A, B or tie", raw_reply=raw
            )
        if text.lower() in ("tie", "c"):
            return Verdict.judged("tie", raw_reply=raw, meta={"slot": "tie"})
        if text in request.response_ids:
            return Verdict.judged(text, raw_reply=raw)
        slots = {"A": 0, "B": 1}
        if text.upper() in slots and len(request.response_ids) >= 2:
            return Verdict.judged(
                request.response_ids[slots[text.upper()]], raw_reply=raw, meta={"slot": text.upper()}
            )
        return Verdict.unscored(
            f"pairwise outcome {text[:60]!r} is not A, B, tie or a response id", raw_reply=raw
        )
    if isinstance(value, bool):
        return Verdict.unscored("a score judge answered true/false instead of a number", raw_reply=raw)
    try:
        number = float(text)
    except ValueError:
        return Verdict.unscored(f"score outcome {text[:60]!r} is not a number", raw_reply=raw)
    if not math.isfinite(number) or not 1 <= number <= 10:
        return Verdict.unscored(f"score {number:g} is outside 1–10", raw_reply=raw)
    return Verdict.judged(
        str(int(number)) if number == int(number) else f"{number:g}", score=number, raw_reply=raw
    )


def verdict_from_answer(
    answer: Any, request: JudgeRequest, *, raw: str | None = None, reply: ReplyFormat | None = None
) -> Verdict:
    """Read a judge's answer: a :class:`Verdict`, a contract object, a bool, or an outcome string.

    A contract object (``dict``) carries one of ``outcome`` (as :func:`outcome_from_value` reads it),
    ``score`` (score mode), ``reply`` (raw judge text, read by the judge's ``[judge.reply]`` format when it
    has one, else by the mode's reply parser), or
    ``status: "unscored" | "error" | "skipped"`` with a ``reason``; optional ``extracted_answer``,
    ``confidence``, ``reasoning`` and ``meta`` are kept.
    """
    if isinstance(answer, Verdict):
        return answer
    if not isinstance(answer, Mapping):
        return outcome_from_value(answer, request, raw=raw)
    status = answer.get("status")
    reason = str(answer.get("reason") or "no reason given")
    if status in ("unscored", "error", "skipped"):
        if status == "unscored":
            return Verdict.unscored(reason, raw_reply=raw)
        if status == "skipped":
            return Verdict.skipped(reason, raw_reply=raw)
        try:
            kind = ErrorKind(str(answer.get("error_kind") or "crash"))
        except ValueError:
            kind = ErrorKind.CRASH
        return Verdict.error(kind, reason, raw_reply=raw)
    if status not in (None, "judged"):
        return Verdict.unscored(f"unknown status {status!r}", raw_reply=raw)
    if isinstance(answer.get("reply"), str) and "outcome" not in answer and "score" not in answer:
        verdict = read_with(reply, request.mode, answer["reply"], request)
    elif "outcome" in answer:
        verdict = outcome_from_value(answer["outcome"], request, raw=raw)
    elif "score" in answer and request.mode is Mode.SCORE:
        verdict = outcome_from_value(answer["score"], request, raw=raw)
    else:
        return Verdict.unscored("the answer has none of outcome, score or reply", raw_reply=raw)
    if verdict.status is not Status.JUDGED:
        return verdict
    extras: dict[str, Any] = {}
    for key in ("extracted_answer", "reasoning"):
        if answer.get(key) is not None:
            extras[key] = str(answer[key])
    confidence = answer.get("confidence")
    if isinstance(confidence, int | float) and not isinstance(confidence, bool):
        if not 0 <= confidence <= 100:
            return Verdict.unscored(f"confidence {confidence:g} is outside 0–100", raw_reply=raw)
        extras["confidence"] = float(confidence)
    if isinstance(answer.get("meta"), Mapping):
        extras["meta"] = {**verdict.meta, **answer["meta"]}
    if raw is not None and verdict.raw_reply is None:
        extras["raw_reply"] = raw
    return replace(verdict, **extras) if extras else verdict
