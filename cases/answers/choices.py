"""Multiple-choice answers: which letter does an answer pick?

``A``, ``(A)``, ``A.``, ``A)``, ``a``, ``Option A``, ``A. 1`` (when choice A's text is ``1``) and the choice
text alone (``1``) all pick ``A``. ``A or B``, ``A, B`` and ``either A or B`` are hedged and pick nothing;
``A. 2`` where A is ``1`` and B is ``2`` is contradictory and picks nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from judgeprobe.cases.answers.chemistry import canonical_species
from judgeprobe.cases.answers.kinds.slots import Choices
from judgeprobe.cases.answers.normalize import normalize
from judgeprobe.cases.answers.safe_math import parse_answer

__all__ = ["Choices", "Pick", "freeze_choices", "pick_letter"]


@dataclass(frozen=True, slots=True)
class Pick:
    """The letter an answer picks, or why it picks none."""

    letter: str | None
    """The chosen letter (upper case as in the choices), or ``None``."""
    reason: str
    """How the letter was found, or why none was."""


_PREFIX = re.compile(r"^(?:(?:the\s+)?(?:correct\s+)?(?:option|choice|answer\s+choice|letter)\s*[:]?\s*)",
                     re.IGNORECASE)  # fmt: skip
_LETTER = re.compile(r"^(?:\(([A-Za-z])\)|\[([A-Za-z])\]|([A-Za-z]))[.:)]?$")
_TEXT_LETTER = re.compile(r"^(.+?)\s*\(([A-Za-z])\)$")
_LETTER_TEXT = re.compile(r"^(?:\(([A-Za-z])\)|([A-Za-z])\s*[.:)\]]|\[([A-Za-z])\])\s*(.+)$", re.DOTALL)
_HEDGE = re.compile(r"^(?:either\s+)?\(?([A-Za-z])\)?\s*(?:,|/|&|\bor\b|\band\b|\band/or\b)\s*"
                    r"\(?([A-Za-z])\)?(?:\W|$)",
                    re.IGNORECASE)  # fmt: skip


def freeze_choices(choices: Mapping[str, str] | Sequence[tuple[str, str]] | None) -> Choices | None:
    """Choices as a hashable tuple of ``(letter, text)`` pairs."""
    if choices is None:
        return None
    items = choices.items() if isinstance(choices, Mapping) else choices
    return tuple((str(letter).strip(), str(text)) for letter, text in items)


def _letter_in(letter: str, choices: Choices | None) -> str | None:
    if choices is None:
        return letter.upper() if letter.isalpha() else None
    for known, _ in choices:
        if known.upper() == letter.upper():
            return known
    return None


def _text_key(text: str) -> str:
    key = re.sub(r"[_{}$]", "", normalize(text, kind="text"))
    return re.sub(r"\s+", " ", key).strip()


def _number(text: str) -> object | None:
    parsed = parse_answer(text, kind="number")
    value = parsed.value
    if parsed.undecided or getattr(value, "free_symbols", True):
        return None
    return value


def _matches(answer_text: str, choice_text: str) -> bool:
    if _text_key(answer_text) == _text_key(choice_text):
        return True
    if len(answer_text) > 60 or len(choice_text) > 60:
        return False
    left, right = _number(answer_text), _number(choice_text)
    if left is not None and right is not None:
        return bool(left == right)
    if min(len(answer_text.strip()), len(choice_text.strip())) < 2:
        return False
    species = canonical_species(answer_text)  # "CO₂" names the choice "Carbon dioxide"
    return species is not None and species == canonical_species(choice_text)


def _by_text(text: str, choices: Choices) -> list[str]:
    return [letter for letter, choice in choices if _matches(text, choice)]


@lru_cache(maxsize=16384)
def pick_letter(answer: str, choices: Choices | None) -> Pick:
    """The letter that ``answer`` picks among ``choices`` (letters only when ``choices`` is None)."""
    text = normalize(answer, kind=None).strip()
    text = _PREFIX.sub("", text).strip()
    if not text:
        return Pick(None, "no answer")
    hedge = _HEDGE.match(text)
    if (
        hedge
        and _letter_in(hedge[1], choices)
        and _letter_in(hedge[2], choices)
        and len(text) <= 40
        and hedge[1].upper() != hedge[2].upper()
    ):
        return Pick(None, f"hedged between {hedge[1].upper()} and {hedge[2].upper()}")
    single = _LETTER.match(text)
    if single and (letter := _letter_in(single[1] or single[2] or single[3], choices)):
        return Pick(letter, f"letter {letter}")
    trailing = _TEXT_LETTER.match(text)  # "Nitrogen (C)": choice text, then its letter
    if trailing and choices is not None and (letter := _letter_in(trailing[2], choices)):
        if _matches(trailing[1], dict(choices)[letter]):
            return Pick(letter, f"text of choice {letter} with its letter")
        others = [other for other in _by_text(trailing[1], choices) if other != letter]
        if others:
            return Pick(None, f"text of choice {others[0]} but letter {letter}")
    with_text = _LETTER_TEXT.match(text)
    if with_text:
        raw = with_text[1] or with_text[2] or with_text[3]
        rest = with_text[4].strip()
        letter = _letter_in(raw, choices)
        if letter is not None:
            if choices is None:
                return Pick(letter, f"letter {letter} (choice text not checked: no choices given)")
            own = dict(choices)[letter]
            if _matches(rest, own) or _text_key(rest).startswith(_text_key(own) + " "):
                return Pick(letter, f"letter {letter} with its choice text")
            others = [other for other in _by_text(rest, choices) if other != letter]
            if others:
                return Pick(None, f"letter {letter} but the text of choice {others[0]}")
            return Pick(
                None, f"letter {letter} followed by text that is not choice {letter}'s ({rest[:40]!r})"
            )
    if choices is not None:
        found = _by_text(text, choices)
        if not found and (bare := re.sub(r"\s*\([^()]*\)$", "", text)) != text:
            found = _by_text(bare, choices)  # "Nitrogen (about 78%)": the text with a remark
        if len(found) == 1:
            return Pick(found[0], f"text of choice {found[0]}")
        if len(found) > 1:
            return Pick(None, f"text matches several choices ({', '.join(found)})")
    return Pick(None, f"no choice letter or choice text found in {text[:40]!r}")
