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
from judgeprobe.cases.answers.hedges import offers_alternatives
from judgeprobe.cases.answers.kinds.slots import Choices
from judgeprobe.cases.answers.normalize import normalize
from judgeprobe.cases.answers.safe_math import parse_answer
from judgeprobe.cases.answers.statements import take_lead_in

__all__ = ["Choices", "Pick", "freeze_choices", "pick_letter"]


@dataclass(frozen=True, slots=True)
class Pick:
    """The letter an answer picks, or why it picks none."""

    letter: str | None
    """The chosen letter (upper case as in the choices), or ``None``."""
    reason: str
    """How the letter was found, or why none was."""
    conflict: bool = False
    """True when the answer's letter and its choice text name different choices."""


_PREFIX = re.compile(r"^(?:(?:the\s+)?(?:correct\s+)?(?:option|choice|answer\s+choice|letter)\s*[:]?\s*)",
                     re.IGNORECASE)  # fmt: skip
_LETTER = re.compile(r"^(?:\(([A-Za-z])\)|\[([A-Za-z])\]|([A-Za-z]))[.:)]?$")
_TEXT_LETTER = re.compile(r"^(.+?)\s*\(([A-Za-z])\)$")
_LETTER_TEXT = re.compile(
    r"^(?:\(([A-Za-z])\)|([A-Za-z])\s*(?:[.:)\]=|/~]|--?|[–—])|\[([A-Za-z])\])\s*(.+)$", re.DOTALL
)
"""A letter, a separator (``.``, ``:``, ``)``, ``-``, ``–``, ``--``, ``=``, ``|``, ``/``, ``~``) and text."""
_LETTER_SPACE_TEXT = re.compile(r"^([A-Za-z])\s+(.+)$", re.DOTALL)
_BARE_LETTER = re.compile(r"(?<![\w'’])([A-Z])(?![\w'’])")
_MENTIONED_LETTER = re.compile(
    r"(?:\b(?:option|choice|answer|letter)\s*\(?([A-Za-z])\)?(?![\w'])|\(([A-Z])\))"
)
_NEGATION = re.compile(r"\b(?:not|isn't|is not|never|rather than|instead of|except|n't)\s+(?:\w+\s+)?$",
                       re.IGNORECASE)  # fmt: skip
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
    """The letter that ``answer`` picks among ``choices`` (letters only when ``choices`` is None).

    Read, in order: a letter alone (``B``, ``(B)``, ``B:``), a hedge between letters, the choice text with
    its letter after it, a letter with any common separator and text (``B – Oxygen``, ``B) Oxygen``), the
    choice text alone, the same after a lead-in (``It is B``, ``The correct option is B: Oxygen``, ``I'd
    go with B``: :func:`~judgeprobe.cases.answers.statements.take_lead_in`), and a sentence that names
    exactly one choice (``I think oxygen, because…``; not with another's bare letter and a hedge word:
    ``Oxygen or C``). A letter whose text is another choice's is a conflict (:attr:`Pick.conflict`).
    """
    return _pick(answer, choices, 0)


def _pick(answer: str, choices: Choices | None, depth: int) -> Pick:
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
            return Pick(None, f"text of choice {others[0]} but letter {letter}", conflict=True)
    with_text = _LETTER_TEXT.match(text)
    if with_text:
        raw = with_text[1] or with_text[2] or with_text[3]
        rest = with_text[4].strip()
        letter = _letter_in(raw, choices)
        if letter is not None:
            if choices is None:
                return Pick(letter, f"letter {letter} (choice text not checked: no choices given)")
            own = dict(choices)[letter]
            longer = _text_key(rest).startswith(_text_key(own) + " ") and not offers_alternatives(rest)
            if _matches(rest, own) or longer:
                return Pick(letter, f"letter {letter} with its choice text")
            others = [other for other in _by_text(rest, choices) if other != letter]
            if others:
                return Pick(None, f"letter {letter} but the text of choice {others[0]}", conflict=True)
            return Pick(
                None,
                f"letter {letter} followed by text that is not choice {letter}'s ({rest[:40]!r})",
                conflict=True,
            )
    if choices is not None:
        found = _by_text(text, choices)
        if not found and (bare := re.sub(r"\s*\([^()]*\)$", "", text)) != text:
            found = _by_text(bare, choices)  # "Nitrogen (about 78%)": the text with a remark
        if len(found) == 1:
            return Pick(found[0], f"text of choice {found[0]}")
        if len(found) > 1:
            return Pick(None, f"text matches several choices ({', '.join(found)})")
        spaced = _LETTER_SPACE_TEXT.match(text)  # "B Oxygen": a letter and its text without a separator
        if spaced and (letter := _letter_in(spaced[1], choices)) and _by_text(spaced[2], choices):
            if _by_text(spaced[2], choices) == [letter]:
                return Pick(letter, f"letter {letter} with its choice text")
            return Pick(None, f"letter {letter} but the text of another choice", conflict=True)
    lead, rest = take_lead_in(text)
    if lead and rest and depth == 0:
        picked = _pick(rest.strip(" ."), choices, depth + 1)
        if picked.letter is not None or picked.conflict:
            return picked
    if choices is not None and depth == 0:
        return _in_sentence(text, choices)
    return Pick(None, f"no choice letter or choice text found in {text[:40]!r}")


def _mentions(text: str, choices: Choices) -> list[str]:
    """Choices a sentence names: by ``option B`` / ``(B)``, or by a choice text of three or more characters
    written as whole words (the longest text wins where texts overlap); a choice named after ``not`` is left
    out."""
    found: list[tuple[int, int, str]] = []
    for match in _MENTIONED_LETTER.finditer(text):
        letter = _letter_in(match[1] or match[2], choices)
        if letter is not None and not _NEGATION.search(text[: match.start()]):
            found.append((match.start(), match.end(), letter))
    lowered = text.lower()
    for letter, choice in choices:
        needle = _text_key(choice).lower()
        if len(needle) < 3 or not re.search(r"[a-z]", needle):
            continue
        for match in re.finditer(rf"(?<![\w]){re.escape(needle)}(?![\w])", lowered):
            if not _NEGATION.search(lowered[: match.start()]):
                found.append((match.start(), match.end(), letter))
    kept = [f for f in found if not any(o[0] <= f[0] and f[1] <= o[1] and o != f for o in found)]
    return sorted({letter for _, _, letter in kept})


def _in_sentence(text: str, choices: Choices) -> Pick:
    if len(text) > 400:
        return Pick(None, "a long text that names no choice by itself")
    named = _mentions(text, choices)
    if len(named) == 1 and offers_alternatives(text):
        letters = {_letter_in(found, choices) for found in _BARE_LETTER.findall(text)} - {None, named[0]}
        if letters:  # "Venus or C": a choice's text and another's bare letter
            return Pick(None, f"hedged between {named[0]} and {', '.join(sorted(str(x) for x in letters))}")
    if len(named) == 1:
        return Pick(named[0], f"the sentence names choice {named[0]} only")
    if len(named) > 1:
        return Pick(None, f"the sentence names several choices ({', '.join(named)})")
    return Pick(None, f"no choice letter or choice text found in {text[:40]!r}")
