"""Yes/no and true/false answers, including answers in words that need the question to be read.

A short answer is read by its first word (``Yes, because …``); a longer one by the last sentence that says
yes, no, true or false (``… So, to answer the question: yes.``). Idioms are read for what they mean
(``no doubt`` is a yes, ``not necessarily`` a no). Given the question, an answer that states the question's
predicate or its opposite is read too: for ``Is 91 prime?``, ``91 is composite`` and ``it is not prime``
are no, ``it is not composite`` is yes; ``it is not true that 91 is not prime`` is yes. ``can`` questions
ask whether something is possible (``Impossible.`` is no), ``must`` questions whether it is necessary.
Opposites come from the shared ``opposites.yaml`` table.
"""

from __future__ import annotations

import re
from functools import lru_cache

from judgeprobe.cases.answers.aliases import opposites
from judgeprobe.cases.answers.kinds.registry import AnswerKind
from judgeprobe.cases.answers.normalize import normalize

__all__ = ["HEDGED", "boolean_forms", "canonical_boolean"]

_YES = frozenset({"yes", "y", "true", "t", "correct", "right", "affirmative", "yep", "yeah", "indeed"})
_NO = frozenset({"no", "n", "false", "f", "incorrect", "wrong", "negative", "nope", "not"})
_PLAIN = {"yes": True, "true": True, "no": False, "false": False}
_HEDGES = frozenset({"or", "maybe", "perhaps", "possibly", "depends", "unclear", "unsure", "both"})
_YES_IDIOM = re.compile(r"\b(?:no doubt(?: about it)?|without (?:a )?doubt|of course|certainly|definitely)\b")
_NOT_NECESSARILY = re.compile(r"\bnot (?:necessarily|always|in general)\b")
_UNIVERSAL = re.compile(r"\b(?:must|always|necessarily|every|all|any)\b", re.IGNORECASE)
"""``Not necessarily`` answers a ``must``/``always`` question with no; elsewhere it commits to nothing."""
_CAN_QUESTION = re.compile(r"\b(?:can|could)\b", re.IGNORECASE)
_CANNOT = re.compile(r"\b(?:cannot|can't|can not|could not|couldn't|never)\b")
_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n+")
_COPULA = re.compile(
    r"(?:\b(?:is|are|was|were|be|being|remains?|it's|that's)\s+(?P<neg>(?:not|never|no longer)\s+)?"
    r"|\b(?P<nt>isn't|aren't|wasn't|weren't)\s+)(?:(?:a|an|the)\s+)?$"
)
"""``… is (not) (a) P``: a predicate asserted of the subject (``a prime has …`` asserts nothing)."""
_BARE_NEGATION = re.compile(r"^(?:not|never)\s+$")
_NOT_TRUE_THAT = re.compile(r"^(?:it\s+is|it's)\s+(not|n't)\s+(?:true|the case)\s+that\s+(.+)$")
_TRUE_THAT = re.compile(r"^(?:it\s+is|it's)\s+(?:true|the case)\s+that\s+(.+)$")
_MODALS = {"can": "possible", "could": "possible", "must": "necessary"}

HEDGED = "hedged"
"""Returned for answers that give both values or refuse to commit (``yes or no``, ``maybe``)."""


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text)


def _plain_reading(words: list[str]) -> bool | str | None:
    """The first-word rule of a short answer."""
    head = words[:6]
    plain = [w for w in head[:4] if w in _PLAIN]
    if len({_PLAIN[w] for w in plain}) > 1 or any(w in _HEDGES for w in head):
        return HEDGED
    for word in words[:4]:
        if word in _YES:
            return True
        if word in _NO:
            return False
        if word not in ("it", "is", "the", "answer", "statement", "this", "that", "so", "to", "question"):
            break
    if len(words) > 1 and words[-1] in _PLAIN:  # "0 is even, so no."
        return _PLAIN[words[-1]]
    return None


def _predicates(question: str) -> dict[str, bool]:
    """Predicate word -> the truth value of asserting it, for the question's predicates (and opposites)."""
    table = opposites()
    words = _words(question.lower())
    found: dict[str, bool] = {}
    for word in words[:8]:
        if word in _MODALS:
            found[_MODALS[word]] = True
            found[table.get(_MODALS[word], "")] = False
    for word in words:
        if word in table and word not in ("true", "false") and word not in found:
            found[word], found[table[word]] = True, False
    found.pop("", None)
    if words[:1] == ["is"] and words[1:3] == ["it", "false"]:  # "Is it false that …?" asks about a negation
        found = {word: not value for word, value in found.items()}
    return found


def _assertion(sentence: str, predicates: dict[str, bool]) -> bool | None:
    """What a sentence asserts about the question's predicate, or ``None``."""
    flip = False
    if m := _NOT_TRUE_THAT.match(sentence):
        flip, sentence = True, m[2]
    elif m := _TRUE_THAT.match(sentence):
        sentence = m[1]
    values = set()
    short = len(_words(sentence)) <= 3  # "Composite.", "Not prime."
    for match in re.finditer(r"[a-z]+", sentence):
        word = match.group()
        if word not in predicates:
            continue
        before = sentence[: match.start()]
        copula = _COPULA.search(before)
        if copula is not None:
            values.add(predicates[word] != bool(copula["neg"] or copula["nt"]))
        elif short and (not before.strip() or _BARE_NEGATION.match(before)):
            values.add(predicates[word] != bool(before.strip()))
    if len(values) != 1:
        return None
    return values.pop() != flip


@lru_cache(maxsize=8192)
def canonical_boolean(text: str, question: str = "") -> bool | str | None:
    """``True``/``False``; :data:`HEDGED` for a hedge; ``None`` when no yes/no answer is found.

    See the module docstring; ``question`` (optional) lets an answer in words be read.
    """
    norm = normalize(text, kind=AnswerKind.BOOLEAN)[:600]
    norm = _YES_IDIOM.sub("yes", norm)
    norm = _NOT_NECESSARILY.sub("no" if _UNIVERSAL.search(question) else "maybe", norm)
    if _CAN_QUESTION.search(question):
        norm = _CANNOT.sub("no", norm)  # "It cannot.", "Never." answer a "can" question
    sentences = [s.strip(" .!?;") for s in _SENTENCES.split(norm) if s.strip(" .!?;")]
    if not sentences:
        return None
    reading = _plain_reading(_words(sentences[0]))
    if len(sentences) > 1:
        for sentence in reversed(sentences):
            if _PLAIN.keys() & set(_words(sentence)):
                reading = _plain_reading(_words(sentence))
                if reading is None:
                    said = [w for w in _words(sentence) if w in _PLAIN]
                    reading = _PLAIN[said[-1]]
                break
    predicates = _predicates(question) if question else {}
    stated = None
    for sentence in reversed(sentences) if predicates else ():
        stated = _assertion(sentence, predicates)
        if stated is not None:
            break
    if stated is None or reading == HEDGED:
        return reading
    if reading is not None and reading != stated and not re.match(r"^(?:it\s+is|it's)\s+not\b", norm):
        return HEDGED  # "Yes, 91 is composite": the two readings contradict each other
    return stated


def boolean_forms(value: bool) -> list[str]:
    """Several spellings of one truth value."""
    return ["Yes", "yes", "YES", "True", "true"] if value else ["No", "no", "NO", "False", "false"]
