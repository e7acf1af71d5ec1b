"""Hedge checks shared by the answer kinds: does an answer offer several candidates (``3 or 4``)?

A kind's row names its check (:attr:`~judgeprobe.cases.answers.kinds.KindSpec.hedged`); these are the
building blocks. Every check reads the raw answer (cut to 2000 characters by the caller).
"""

from __future__ import annotations

import re

from judgeprobe.cases.answers.numwords import words_to_number

__all__ = ["hedged_by_words", "hedged_number", "never_hedged", "offers_alternatives"]

_HEDGE_WORDS = re.compile(r"(?:^|[\s,(])(?:or|either|and/or|maybe|perhaps)(?=$|[\s,)])", re.IGNORECASE)
_AND = re.compile(r"(?:^|\s)and(?=\s)", re.IGNORECASE)
_ALTERNATIVE_WORDS = re.compile(
    r"(?:^|[\s,(])(?:or|either|and/or|maybe|perhaps|possibly|might|could|alternatively)(?=$|[\s,)])",
    re.IGNORECASE,
)


def offers_alternatives(text: str) -> bool:
    """A remark that names another candidate (``(or maybe 401)``, ``, but it could be 13``): words around an
    answer that may be dropped only when this is false, so a hedge is never cut off the answer it hedges."""
    return bool(_ALTERNATIVE_WORDS.search(text[:2000]))


def never_hedged(raw: str) -> bool:
    """For kinds whose comparer reads hedges itself (a letter among choices, yes/no) or has none."""
    return False


def hedged_by_words(raw: str) -> bool:
    """``or``, ``either``, ``and/or``, ``maybe``, ``perhaps`` between candidates (a number written in words,
    such as ``one or two hundred``, is not a hedge)."""
    return words_to_number(raw) is None and bool(_HEDGE_WORDS.search(raw))


def hedged_number(raw: str) -> bool:
    """:func:`hedged_by_words`, and for a single number also ``2 and 3``."""
    return words_to_number(raw) is None and bool(_HEDGE_WORDS.search(raw) or _AND.search(raw))
