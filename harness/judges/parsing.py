"""Reading a judge's reply as a verdict: structured JSON, JSON in a fenced block, or the text contract.

Every parser returns a :class:`~judgeprobe.harness.core.verdict.Verdict` that is either judged or unscored
with a reason, and always keeps the raw reply. Rules shared by the three modes:

* **Bind to the judge's own, final verdict.** A reply may echo the material it judged (a response that
  itself says ``correct: yes`` or ``[[A]]``, with or without delimiters — prompts are verbatim by default, so
  a response may carry look-alike delimiters of its own). Of the verdict fields in the reply the *last* one
  counts (MT-Bench's parser took the first ``[[A]]``, so a reply that merely quoted the format read as A;
  inspect_ai binds to the last ``GRADE:``), and a grade block starts at the last
  ``extracted_final_answer:`` before it. Delimiters in the reply are not trusted as boundaries: cutting at an
  echoed ``<<<END RESPONSE>>>`` would let a response's text decide which of the judge's fields are read.
* An extracted answer that the judge copied with our delimiter lines around it is read without them; one
  that is nothing but a delimiter is no answer (``None``).
* **Never guess.** No verdict, a verdict that contradicts itself (``correct: yes`` and ``correct: no``
  in the judge's own final block, ``[[A]] or [[B]]`` on the verdict line), or a value out of range
  (a rating of 11, a confidence of 150) is unscored with a reason, never counted as right or wrong.
* A JSON object (the whole reply, a fenced ```` ```json ```` block, or an object written inline in prose)
  wins only if it comes after the last text-contract verdict; a JSON object with missing or wrong-typed
  fields is unscored.
* **Thinking is no verdict.** A reasoning model served without a reasoning parser writes its thinking into
  the reply (``<think>…</think>``, DeepSeek-R1, Qwen3, QwQ; the opening tag may be in the prompt, so only
  the closing one shows). Only the text after the last ``</think>`` (or ``</thinking>``) is read: a draft
  ``correct: no`` or ``[[A]]`` the model thought about and then revised is not its verdict. A reply that
  opens a thinking block and never closes it, or closes it and says nothing after, is unscored.
* **A reply cut at the token limit** (``truncated=True``) is read only when the judge's own verdict is
  visibly complete: a whole JSON object, or a grade block whose ``confidence`` field follows the last
  ``correct:``. A cut pairwise or score reply in text is unscored, because its last marker may be an echo and
  the judge's own final line never came.

The JSON schemas sent as structured output (:func:`response_schema`) describe the same fields.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import replace
from typing import Any

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Verdict

__all__ = [
    "after_thinking",
    "parse_grade_reply",
    "parse_pairwise_reply",
    "parse_reply",
    "parse_score_reply",
    "response_schema",
]

_DELIMITER = re.compile(r"<<<(?:BEGIN|END) [A-Z][A-Z_ ]*>>>")
_FENCE_OPEN = re.compile(r"```(?:json|JSON)?[ \t]*+\n\{")
_FENCE_CLOSE = re.compile(r"\}\s*+```")
_GRADE_FIELD = re.compile(
    r"^[ \t>*_#`-]*(extracted_final_answer|reasoning|correct|confidence)[ \t*_`]*:[ \t*_`]*(.*)$",
    re.M | re.I,
)
_YES_NO = re.compile(r"\b(yes|no)\b", re.I)
_PAIR_MARK = re.compile(r"\[\[\s*(A|B|C|tie)\s*\]\]", re.I)
_SCORE_MARK = re.compile(r"\[\[\s*(-?\d+(?:\.\d+)?)\s*(?:/\s*10\s*)?\]\]")
_RATING_PLAIN = re.compile(r"rating[ \t*_`]*:[ \t*_`]*(-?\d+(?:\.\d+)?)\b", re.I)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def response_schema(mode: Mode) -> dict[str, Any]:
    """The ``json_schema`` object for OpenAI structured output in ``mode`` (name, strict schema)."""
    if mode is Mode.GRADE:
        properties: dict[str, Any] = {
            "extracted_final_answer": {"type": "string"},
            "reasoning": {"type": "string"},
            "correct": {"type": "string", "enum": ["yes", "no"]},
            "confidence": {"type": "integer"},
        }
    elif mode is Mode.PAIRWISE:
        properties = {
            "reasoning": {"type": "string"},
            "verdict": {"type": "string", "enum": ["A", "B", "tie"]},
        }
    else:
        properties = {"reasoning": {"type": "string"}, "rating": {"type": "integer"}}
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    return {"name": f"{mode}_verdict", "strict": True, "schema": schema}


_CUT = "the reply was cut at the token limit before the judge's own verdict was complete"
_DECODER = json.JSONDecoder()
_INLINE_TRIES = 64
"""How many ``{`` from the end of a reply are tried as the start of an inline JSON object."""


def _json_candidate(reply: str, key: str) -> tuple[int, dict[str, Any]] | None:
    """The last JSON object in the reply and where it starts: the whole reply, a fenced block, or an object
    written inline that has the mode's verdict ``key``."""
    stripped = reply.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except (json.JSONDecodeError, RecursionError):  # RecursionError: nested past the decoder's depth
            data = None
        if isinstance(data, dict):
            return 0, data
    found: tuple[int, dict[str, Any]] | None = None
    for start, body in _fenced_objects(reply):
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, RecursionError):  # RecursionError: nested past the decoder's depth
            continue
        if isinstance(data, dict):
            found = (start, data)
    start = len(reply)
    for _ in range(_INLINE_TRIES):
        start = reply.rfind("{", 0, start)
        if start < 0 or (found is not None and start <= found[0]):
            break
        try:
            data, _end = _DECODER.raw_decode(reply, start)
        except (json.JSONDecodeError, RecursionError):  # RecursionError: nested past the decoder's depth
            continue
        if isinstance(data, dict) and key in data:
            return start, data
    return found


def _fenced_objects(reply: str) -> list[tuple[int, str]]:
    """Every fenced ``{…}`` block as ``(fence start, object text)``: what the former pattern (three
    backticks, an optional ``json``, a newline, then the shortest ``{…}`` that a closing fence follows) found
    with ``finditer``, in linear time. That pattern scanned to the end of the reply from every opening fence
    that is never closed; here each block ends at the first ``}`` after its ``{`` that a closing fence
    follows, looked up among the closings found in one pass."""
    closings = [(found.start(), found.end()) for found in _FENCE_CLOSE.finditer(reply)]
    braces = [brace for brace, _ in closings]
    blocks: list[tuple[int, str]] = []
    position = 0
    while (opening := _FENCE_OPEN.search(reply, position)) is not None:
        brace = opening.end() - 1
        at = bisect.bisect_right(braces, brace)
        if at == len(braces):
            break  # no closing after this opening, nor after any later one
        close, end = closings[at]
        blocks.append((opening.start(), reply[brace : close + 1]))
        position = end
    return blocks


def _clean(value: str) -> str:
    return value.strip().strip("*_`'\" ").strip()


def _percent(value: Any) -> tuple[float | None, str | None]:
    """Confidence as a percent; (None, reason) when out of range."""
    if value is None or isinstance(value, bool):
        return None, None
    if isinstance(value, int | float):
        number = float(value)
    else:
        match = _NUMBER.search(str(value))
        if match is None:
            return None, None
        number = float(match.group(0))
    if not 0 <= number <= 100:
        return None, f"confidence {number:g} is outside 0–100"
    return number, None


def _unscored(reason: str, reply: str) -> Verdict:
    return Verdict.unscored(reason, raw_reply=reply)


_JSON_START = re.compile(r"\s*(?:```(?:json|JSON)?[ \t]*\n)?\{")


def _no_verdict(reason: str, reply: str) -> str:
    """``reason``, saying also why a reply written as a JSON object gave no verdict: the object does not
    parse (cut short, or not JSON)."""
    opening = _JSON_START.match(reply)
    if opening is None:
        return reason
    try:
        _DECODER.raw_decode(reply, opening.end() - 1)
    except json.JSONDecodeError as exc:
        return (
            f"{reason}; the reply opens a JSON object that does not parse, cut short or not JSON: "
            f"{exc.msg} (character {exc.pos})"
        )
    except RecursionError:
        return f"{reason}; the reply opens a JSON object nested too deeply to read"
    return reason


# --- grade --------------------------------------------------------------------------------------------


def _grade_from_json(data: dict[str, Any], reply: str) -> Verdict:
    correct = data.get("correct")
    if isinstance(correct, bool):
        correct = "yes" if correct else "no"
    if isinstance(correct, str):
        correct = _clean(correct).rstrip(".!").lower()
    if not isinstance(correct, str) or correct not in ("yes", "no"):
        return _unscored(f"JSON reply has no 'correct' field of yes or no (got {correct!r})", reply)
    confidence, problem = _percent(data.get("confidence"))
    if problem:
        return _unscored(problem, reply)
    extracted = data.get("extracted_final_answer")
    reasoning = data.get("reasoning")
    return Verdict.judged(
        "correct" if correct == "yes" else "incorrect",
        extracted_answer=None if extracted is None else _extracted(str(extracted)),
        reasoning=None if reasoning is None else str(reasoning),
        confidence=confidence,
        raw_reply=reply,
    )


def parse_grade_reply(reply: str, *, truncated: bool = False) -> Verdict:
    """Read an HLE-style grade reply: ``correct`` yes/no, with extracted answer, reasoning, confidence."""
    if not reply.strip():
        return _unscored("empty reply", reply)
    fields = list(_GRADE_FIELD.finditer(reply))
    verdicts = [m for m in fields if m.group(1).lower() == "correct"]
    candidate = _json_candidate(reply, "correct")
    if candidate and (not verdicts or candidate[0] > verdicts[-1].start()):
        return _grade_from_json(candidate[1], reply)
    if not verdicts:
        return _unscored(_no_verdict("no 'correct: yes|no' field in the reply", reply), reply)
    last = verdicts[-1]
    starts = [
        m for m in fields if m.group(1).lower() == "extracted_final_answer" and m.start() < last.start()
    ]
    block_start = starts[-1].start() if starts else last.start()
    block = [m for m in fields if m.start() >= block_start]
    final = _clean(last.group(2))
    if _YES_NO.match(final) is None:
        return _unscored(f"the 'correct' field says {final[:60]!r}, expected yes or no", reply)
    words: set[str] = set()
    for match in block:  # every yes/no verdict in the judge's own block must agree
        value = _clean(match.group(2))
        if match.group(1).lower() == "correct" and _YES_NO.match(value):
            words |= {w.lower() for w in _YES_NO.findall(value)}
    if len(words) != 1:
        return _unscored("contradictory verdicts: the judge's final block says both yes and no", reply)
    values = _block_values(reply, block)
    if truncated and not any(m.group(1).lower() == "confidence" and m.start() > last.start() for m in block):
        return _unscored(_CUT, reply)
    confidence, problem = _percent(values.get("confidence"))
    if problem:
        return _unscored(problem, reply)
    extracted = values.get("extracted_final_answer")
    return Verdict.judged(
        "correct" if words == {"yes"} else "incorrect",
        extracted_answer=None if extracted is None else _extracted(extracted),
        reasoning=values.get("reasoning"),
        confidence=confidence,
        raw_reply=reply,
    )


def _extracted(value: str) -> str | None:
    """The extracted answer without delimiter lines the judge copied with it (``None`` if nothing is left)."""
    if "<<<" not in value:
        return value
    cleaned = _clean(_DELIMITER.sub("", value))
    return cleaned or None


def _block_values(tail: str, block: list[re.Match[str]]) -> dict[str, str]:
    """Each field's text, running from its marker to the next field marker."""
    values: dict[str, str] = {}
    for index, match in enumerate(block):
        end = block[index + 1].start() if index + 1 < len(block) else len(tail)
        text = match.group(2) + tail[match.end() : end]
        values[match.group(1).lower()] = (
            _clean(text) if match.group(1).lower() != "reasoning" else text.strip()
        )
    return values


# --- pairwise -----------------------------------------------------------------------------------------

_SLOT = {"A": 0, "B": 1}


def _pair_outcome(slot: str, request: JudgeRequest, reply: str, reasoning: str | None) -> Verdict:
    slot = slot.strip().strip("[]").strip().upper()
    if slot in ("C", "TIE"):
        return Verdict.judged("tie", reasoning=reasoning, raw_reply=reply, meta={"slot": "tie"})
    index = _SLOT.get(slot)
    if index is None:
        return _unscored(f"pairwise verdict {slot!r} is not A, B or tie", reply)
    if len(request.response_ids) < 2:
        return _unscored("pairwise request carries fewer than two response ids", reply)
    return Verdict.judged(
        request.response_ids[index], reasoning=reasoning, raw_reply=reply, meta={"slot": slot}
    )


def parse_pairwise_reply(reply: str, request: JudgeRequest, *, truncated: bool = False) -> Verdict:
    """Read a pairwise reply (``[[A]]``/``[[B]]``/``[[C]]``) and map the slot to the response id."""
    if not reply.strip():
        return _unscored("empty reply", reply)
    tail = reply
    marks = list(_PAIR_MARK.finditer(tail))
    candidate = _json_candidate(reply, "verdict")
    if candidate and (not marks or candidate[0] > marks[-1].start()):
        data = candidate[1]
        verdict = data.get("verdict")
        if not isinstance(verdict, str):
            return _unscored(f"JSON reply has no 'verdict' field of A, B or tie (got {verdict!r})", reply)
        reasoning = data.get("reasoning")
        return _pair_outcome(verdict, request, reply, None if reasoning is None else str(reasoning))
    if not marks:
        return _unscored(_no_verdict("no verdict marker [[A]], [[B]] or [[C]] in the reply", reply), reply)
    if truncated:
        return _unscored(_CUT, reply)
    last = marks[-1]
    line_start = tail.rfind("\n", 0, last.start()) + 1
    line_end = tail.find("\n", last.end())
    line = tail[line_start : len(tail) if line_end == -1 else line_end]
    on_line = {_norm_slot(m.group(1)) for m in _PAIR_MARK.finditer(line)}
    if len(on_line) > 1:
        return _unscored(f"contradictory verdicts on the verdict line: {line.strip()[:80]!r}", reply)
    return _pair_outcome(last.group(1), request, reply, tail[: last.start()].strip() or None)


def _norm_slot(slot: str) -> str:
    slot = slot.upper()
    return "C" if slot == "TIE" else slot


# --- score --------------------------------------------------------------------------------------------


def _score_verdict(value: float, reply: str, reasoning: str | None) -> Verdict:
    if not 1 <= value <= 10:
        return _unscored(f"rating {value:g} is outside 1–10", reply)
    text = str(int(value)) if value == int(value) else f"{value:g}"
    return Verdict.judged(text, score=value, reasoning=reasoning, raw_reply=reply)


def parse_score_reply(reply: str, *, truncated: bool = False) -> Verdict:
    """Read a pointwise reply (``Rating: [[N]]``, N from 1 to 10)."""
    if not reply.strip():
        return _unscored("empty reply", reply)
    tail = reply
    marks = list(_SCORE_MARK.finditer(tail)) or list(_RATING_PLAIN.finditer(tail))
    candidate = _json_candidate(reply, "rating")
    if candidate and (not marks or candidate[0] > marks[-1].start()):
        data = candidate[1]
        rating = data.get("rating")
        if isinstance(rating, bool) or not isinstance(rating, int | float):
            return _unscored(f"JSON reply has no numeric 'rating' field (got {rating!r})", reply)
        reasoning = data.get("reasoning")
        return _score_verdict(float(rating), reply, None if reasoning is None else str(reasoning))
    if not marks:
        return _unscored(_no_verdict("no rating in the form Rating: [[N]] in the reply", reply), reply)
    if truncated:
        return _unscored(_CUT, reply)
    last = marks[-1]
    line_start = tail.rfind("\n", 0, last.start()) + 1
    line_end = tail.find("\n", last.end())
    line = tail[line_start : len(tail) if line_end == -1 else line_end]
    on_line = {float(m.group(1)) for m in _SCORE_MARK.finditer(line)}
    if len(on_line) > 1:
        return _unscored(f"contradictory ratings on the verdict line: {line.strip()[:80]!r}", reply)
    return _score_verdict(float(last.group(1)), reply, tail[: last.start()].strip() or None)


_THINK_CLOSE = re.compile(r"</think(?:ing)?\s*>", re.IGNORECASE)
_THINK_OPEN = re.compile(r"\s*<think(?:ing)?\s*>", re.IGNORECASE)


def after_thinking(reply: str, *, truncated: bool = False) -> tuple[str, str | None]:
    """The part of a reply that can hold the judge's verdict, and why there is none when there is none.

    ``(text after the last </think>, None)``; ``(reply, None)`` without thinking; ``("", reason)`` when the
    reply is all thinking: a ``<think>`` block that opens the reply and never closes (cut at the token limit
    when ``truncated``), or a closed one with nothing after it.
    """
    close = None
    for close in _THINK_CLOSE.finditer(reply):  # noqa: B007 - the last closing tag ends the thinking
        pass
    if close is not None:
        rest = reply[close.end() :]
        if not rest.strip():
            return "", "the reply ends with its thinking (</think>) and gives no verdict after it"
        return rest, None
    if _THINK_OPEN.match(reply):
        if truncated:
            return "", "the reply was cut at the token limit inside its <think> block, before any verdict"
        return "", "the reply opens a <think> block and never closes it: the judge gave no final verdict"
    return reply, None


def parse_reply(mode: Mode, reply: str, request: JudgeRequest, *, truncated: bool = False) -> Verdict:
    """Dispatch to the parser of ``mode`` (``truncated``: the reply was cut at the token limit), reading only
    what follows the judge's thinking (:func:`after_thinking`); the verdict keeps the whole reply."""
    visible, problem = after_thinking(reply, truncated=truncated)
    if problem is not None:
        return _unscored(problem, reply)
    if mode is Mode.GRADE:
        verdict = parse_grade_reply(visible, truncated=truncated)
    elif mode is Mode.PAIRWISE:
        verdict = parse_pairwise_reply(visible, request, truncated=truncated)
    else:
        verdict = parse_score_reply(visible, truncated=truncated)
    return verdict if visible is reply else replace(verdict, raw_reply=reply)
