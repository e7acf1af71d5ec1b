"""Math answers written in words or in a form the safe parser does not read directly, rewritten into one it
does: a number stated inside a sentence (``I'm fairly confident it is 391.``), sets and intervals named
in words (the ``sets`` alias table: ``there are no real solutions``, ``all positive real numbers``),
``|x| > 2``, two inequalities joined by ``and``, a chain ``−2 < 0 < 3 < 5`` as an ordered list, and
``2 rows, 4 columns``.

Every function returns the rewritten text, or ``None`` when its pattern does not apply; nothing here
evaluates anything.
"""

from __future__ import annotations

import re

from judgeprobe.cases.answers.aliases import alias_table
from judgeprobe.cases.answers.statements import RESULT_VERB

__all__ = ["absolute_inequality", "chain_list", "conjunction", "dimensions", "named_set", "sentence_number"]

_NUMBER = r"[-+−]?\$?\d[\d,]*(?:\.\d+)?(?:\s*%|\s*(?:×|x|\*|\\times)\s*10\^\{?[-−]?\d+\}?|[eE][-+−]?\d+)?"
_UNIT = r"(?:\s*[A-Za-zµ°Ω/^\d\s]{0,20}?)"
_FINAL = re.compile(
    rf"(?:\b(?:so|thus|hence|therefore|giving|gives|get|gets|got|is|are|was|equals|makes|be|has|have|had|"
    rf"find|found|obtain|obtained|{RESULT_VERB})\s+(?:[a-z]\s*=\s*)?|=\s*)"
    rf"(?P<n>{_NUMBER}{_UNIT})\s*[.!]?\s*$",
    re.IGNORECASE,
)
_LEADING = re.compile(rf"^(?P<n>{_NUMBER}{_UNIT})\s*(?:—|–|-|,|;|:|\()\s*[A-Za-z]")
_ANY_NUMBER = re.compile(rf"(?<![\w.^]){_NUMBER}(?!\w|\.\w)")
_NEGATION = re.compile(
    r"\b(?:not|never|no|isn't|aren't|wasn't|cannot|can't|neither|nor)\b|n't\b", re.IGNORECASE
)


def _value(number: str) -> str:
    return re.sub(r"[\s,]", "", number.split()[0]) if number.split() else number


def sentence_number(text: str) -> str | None:
    """The number a sentence states as its answer: after ``is``/``so x =``/``=``/``she has``/a verb of
    result (:data:`~judgeprobe.cases.answers.statements.RESULT_VERB`, ``simplifies to``) at its end, before
    a dash or comma at its start, or the only number in it; ``None`` when the sentence negates or the
    candidates disagree."""
    text = text.strip()
    if (
        len(text) > 400
        or len(text.split()) < 3
        or not re.search(r"[A-Za-z]{3,}", text)
        or _NEGATION.search(text)
    ):
        return None  # "5 apples" is a number and an unknown unit, not a sentence
    found = [m["n"].strip() for m in (_FINAL.search(text), _LEADING.match(text)) if m is not None]
    if not found:
        numbers = _ANY_NUMBER.findall(text)
        if len(numbers) != 1:
            return None
        found = [numbers[0].strip()]
    if len({_value(n) for n in found}) != 1:
        return None
    return found[0]


def named_set(text: str) -> str | None:
    """A set or interval named in words (``all positive real numbers``), as notation."""
    entry = alias_table("sets").lookup(text.strip().rstrip("."))
    return entry.means if entry is not None else None


_ABS = re.compile(r"^\|\s*([a-z])\s*\|\s*(>=|≥|\\geq?|>|<=|≤|\\leq?|<)\s*(\d+(?:\.\d+)?)$")


def absolute_inequality(text: str) -> str | None:
    """``|x| > 2`` as ``(-oo, -2) \\cup (2, oo)``; ``|x| <= 3`` as ``[-3, 3]``."""
    m = _ABS.match(text.strip())
    if m is None:
        return None
    op, bound = m[2], m[3]
    closed = op in (">=", "≥", "\\ge", "\\geq", "<=", "≤", "\\le", "\\leq")
    if op.startswith(">") or "g" in op or op == "≥":
        left, right = ("]", "[") if closed else (")", "(")
        return f"(-oo, -{bound}{left} \\cup {right}{bound}, oo)"
    return f"[-{bound}, {bound}]" if closed else f"(-{bound}, {bound})"


def conjunction(text: str) -> tuple[str, str] | None:
    """``x < -2 and x > 2``: the two inequalities, to be intersected."""
    parts = re.split(r"\s+and\s+", text.strip())
    if len(parts) == 2 and all(re.search(r"[<>≤≥]|\\[lg]eq?", part) for part in parts):
        return parts[0], parts[1]
    return None


_CHAIN = re.compile(rf"^\s*{_NUMBER}(?:\s*<\s*{_NUMBER}){{2,}}\s*$")


def chain_list(text: str) -> str | None:
    """``−2 < 0 < 3 < 5`` (numbers in increasing order) as the list ``(−2, 0, 3, 5)``."""
    if not _CHAIN.match(text):
        return None
    return "(" + ", ".join(part.strip() for part in text.split("<")) + ")"


_DIMENSIONS = re.compile(r"^(\d+)\s*rows?\s*(?:,|and|by|×|x)?\s*(\d+)\s*columns?$", re.IGNORECASE)


def dimensions(text: str) -> str | None:
    """``2 rows, 4 columns`` as ``(2, 4)``."""
    m = _DIMENSIONS.match(text.strip().rstrip("."))
    return None if m is None else f"({m[1]}, {m[2]})"
