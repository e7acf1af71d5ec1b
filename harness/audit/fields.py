"""Field names and values of judged-results rows: the spellings people use, and their conversion.

Each canonical field has a list of accepted spellings (compared case-insensitively, with ``-`` and spaces
read as ``_``); ``--field NAME=COLUMN`` puts a column of any other name first. Values are converted by
:func:`to_verdict`, :func:`to_confidence` and :func:`to_number`, which raise :class:`ValueError` with a
message that shows the value, so a reader can turn it into an unusable row with its reason.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

__all__ = [
    "ALIASES",
    "REQUIRED",
    "FieldMap",
    "canonical_key",
    "parse_field_options",
    "resolve_columns",
    "to_confidence",
    "to_number",
    "to_text",
    "to_verdict",
]

ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "question_id", "qid", "item_id", "uid", "problem_id"),
    "team": ("team", "model", "team_name", "model_name", "submitter", "system"),
    "phase": ("phase", "round", "stage"),
    "answer_type": ("answer_type", "answertype", "type"),
    "question": ("question", "prompt", "problem"),
    "response": ("response", "model_response", "output", "completion", "generation"),
    "correct_answer": ("correct_answer", "reference", "gold", "ground_truth", "target", "answer"),
    "extracted": ("extracted_final_answer", "model_answer", "extracted_answer", "extracted", "final_answer"),
    "judgement": ("judgement", "judgment", "reasoning", "explanation", "judge_reasoning", "rationale"),
    "correct": ("correct", "is_correct", "judge_correct", "verdict"),
    "confidence": ("confidence",),
    "part_score": ("part_score", "partial_score", "partscore"),
    "category": ("category", "subject"),
    "judge": ("judge", "judge_model"),
}
"""Canonical field -> accepted spellings, first match wins."""

REQUIRED = ("id", "correct_answer", "correct")
"""Fields a results file must have (as a column or key); ``team`` may come from the file name instead, and a
row needs a response or an extracted answer."""

FieldMap = Mapping[str, str]
"""Canonical field -> the column name to read it from (from ``--field``)."""

_VERDICT_TRUE = {"yes", "true", "1", "correct", "y", "t"}
_VERDICT_FALSE = {"no", "false", "0", "incorrect", "n", "f"}
_ONE_OR_ZERO = re.compile(r"[01]\.0*")
_VERDICT_EDGES = " \t.!*_`'\""


def canonical_key(name: str) -> str:
    """A column name compared loosely: lower case, ``-`` and spaces as ``_``, surrounding space dropped."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def parse_field_options(options: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``("team=submitter", ...)`` -> ``{"team": "submitter"}``.

    Raises:
        ValueError: malformed option or unknown canonical field (the message lists the known ones).
    """
    out: dict[str, str] = {}
    for option in options:
        name, sep, column = option.partition("=")
        name, column = canonical_key(name), column.strip()
        if not sep or not name or not column:
            raise ValueError(f"expected --field NAME=COLUMN such as team=submitter, got {option!r}")
        if name not in ALIASES:
            raise ValueError(f"unknown field {name!r} in --field {option!r}; known: {', '.join(ALIASES)}")
        out[name] = column
    return out


def resolve_columns(columns: list[str], mapping: FieldMap) -> dict[str, str]:
    """Canonical field -> the actual column name present in ``columns`` (fields absent are left out)."""
    by_key = {canonical_key(c): c for c in reversed(columns)}
    found: dict[str, str] = {}
    for name, spellings in ALIASES.items():
        wanted = [mapping[name]] if name in mapping else list(spellings)
        for spelling in wanted:
            column = spelling if spelling in columns else by_key.get(canonical_key(spelling))
            if column is not None:
                found[name] = column
                break
    return found


def to_text(value: object) -> str | None:
    """A string value, or ``None`` for null / an empty string; numbers become their text; a list of chat
    messages (``[{"role": "user", "content": …}]``, as a prompt or an output is often logged) is the text of
    its last message."""
    if type(value) is str:  # the common case first: this runs for every field of every row
        text = value.strip()
        return text or None
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        text = str(value).strip()
        return text or None
    if isinstance(value, list) and value and all(isinstance(m, dict) and "content" in m for m in value):
        return _message_text(value[-1]["content"])
    raise ValueError(f"expected text, got {type(value).__name__} {_short(value)}")


def _message_text(content: object) -> str | None:
    """The text of a chat message's content: a string, or a list of parts whose ``text`` parts are joined
    (``[{"type": "text", "text": …}]``, as chat APIs and eval logs write it)."""
    if isinstance(content, str):
        return content.strip() or None
    if isinstance(content, list) and all(isinstance(part, dict) for part in content):
        texts = [part["text"] for part in content if isinstance(part.get("text"), str)]
        if texts or not content:
            return "\n".join(texts).strip() or None
    raise ValueError(f"expected text, got a chat message whose content is {_short(content)}")


def to_verdict(value: object) -> bool:
    """The judge's verdict from ``yes``/``no``, ``true``/``false``, ``correct``/``incorrect``, ``1``/``0``
    (``1.0``/``0.0`` too; any case, with surrounding quotes, markdown emphasis or a full stop), or a
    boolean."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().strip(_VERDICT_EDGES).lower()  # "Yes.", "**no**", "'yes'"
        if word in _VERDICT_TRUE:
            return True
        if word in _VERDICT_FALSE:
            return False
        if _ONE_OR_ZERO.fullmatch(word):  # "1.0" / "0.0": a 0/1 column with a gap, as pandas writes it
            return word.startswith("1")
    raise ValueError(f"expected yes/no, true/false or 1/0, got {_short(value)}")


def to_number(value: object) -> float | None:
    """A finite number from a number or numeric text; ``None`` for null or empty text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {_short(value)}")
    try:
        number = float(value.strip() if isinstance(value, str) else value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"expected a number, got {_short(value)}") from None
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {_short(value)}")
    return number


def to_confidence(value: object) -> float | None:
    """Confidence in percent from ``85``, ``85.0``, ``"85"`` or ``"85%"``; must lie in 0..100."""
    if isinstance(value, str):
        value = value.strip().removesuffix("%").strip()
    number = to_number(value)
    if number is None:
        return None
    if not 0.0 <= number <= 100.0:
        raise ValueError(f"expected a confidence between 0 and 100 (percent), got {_short(value)}")
    return number


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
