"""Yes/no and true/false answers."""

from __future__ import annotations

import re
from functools import lru_cache

from judgeprobe.cases.answers.kinds.registry import AnswerKind
from judgeprobe.cases.answers.normalize import normalize

__all__ = ["HEDGED", "boolean_forms", "canonical_boolean"]

_YES = frozenset({"yes", "y", "true", "t", "correct", "right", "affirmative", "yep", "yeah", "indeed"})
_NO = frozenset({"no", "n", "false", "f", "incorrect", "wrong", "negative", "nope", "not"})
_PLAIN = {"yes": True, "true": True, "no": False, "false": False}
_HEDGES = frozenset(
    {"or", "maybe", "perhaps", "possibly", "depends", "unclear", "unsure", "both", "necessarily"}
)

HEDGED = "hedged"
"""Returned for answers that give both values or refuse to commit (``yes or no``, ``maybe``)."""


@lru_cache(maxsize=8192)
def canonical_boolean(text: str) -> bool | str | None:
    """``True``/``False``; :data:`HEDGED` for a hedge; ``None`` when no yes/no answer is found.

    The first word decides (``Yes, because …`` is yes); ``it is true`` and ``it is false`` are read too.
    """
    words = re.findall(r"[a-z]+", normalize(text, kind=AnswerKind.BOOLEAN)[:300])
    if not words:
        return None
    head = words[:6]
    plain = [w for w in head[:4] if w in _PLAIN]
    if len({_PLAIN[w] for w in plain}) > 1 or any(w in _HEDGES for w in head):
        return HEDGED
    for word in words[:4]:
        if word in _YES:
            return True
        if word in _NO:
            return False
        if word not in ("it", "is", "the", "answer", "statement", "this", "that"):
            break
    if len(words) > 1 and words[-1] in _PLAIN:  # "0 is even, so no."
        return _PLAIN[words[-1]]
    return None


def boolean_forms(value: bool) -> list[str]:
    """Several spellings of one truth value."""
    return ["Yes", "yes", "YES", "True", "true"] if value else ["No", "no", "NO", "False", "false"]
