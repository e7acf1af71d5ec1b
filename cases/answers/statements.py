"""A final answer stated in a sentence: what the sentence says around it, taken off, so the kind reads the
answer alone.

``It is 0.375.``, ``So we get 12``, ``It simplifies to (x+1)^2.``, ``Result: 0.375 (i.e. 3/8)``, ``I'd go
with B`` and ``The correct option is (B).`` all state one answer inside words that are not part of it.
:func:`read_statement` reads such a sentence into a :class:`Statement`:

- the *lead-in* is taken off: connectives (``so``, ``thus``, ``in total``), hedges of confidence (``I
  think``, ``I'm fairly sure that``), a subject and a copula or verb of result (``it is``, ``it's``, ``the
  probability of two heads is``, ``this gives us``, ``it simplifies to``, ``we find that``, ``I'd go with``,
  ``my answer would be``), or a label (``Result:``, ``Final count:``), any number of them in a row;
- what follows the answer is sorted: a restatement (``(i.e. 3/8)``, ``, that is, 3/8``) is kept to be
  checked consistent, an approximate one (``(about 0.38)``) and a remark in words (``(the other root is
  negative)``, ``because …``, ``— as expected``) are dropped, a candidate named only to be rejected
  (``13, not 12``, ``not 12 but 13``) is kept apart as :attr:`Statement.rejected`, and a conclusion that
  follows (``12, so the answer is 13``) replaces what came before it;
- of clauses joined by ``;`` or ``, but``, the last one with a lead-in states the answer (``It was 3
  before, but now it is 4``); one that only confirms (``; that's the final count``) defers to the one
  before it, one that retracts (``; that is wrong``) rejects it, and a tentative one (``, but it could be
  13``) leaves both open (:attr:`Statement.alternatives`);
- a statement that only rejects (``It is not 12.``) is :attr:`Statement.negated`.

The grader (:func:`~judgeprobe.cases.answers.grade`) reads the answer whole first: a kind whose reading
of the whole is already right (a yes/no answer in words, a choice named in a sentence) keeps it, unless
the statement rejects what matched or states another answer after its lead-in. When the whole is not
equivalent, the statement's answer is read by the kind. Alternatives (``12 or 13``) stay in the answer,
where the kind's hedge check finds them.

Everything here is regular-expression work on at most :data:`LONGEST` characters, each pattern anchored
or bounded, so hostile input stays linear; nothing is evaluated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from judgeprobe.cases.answers.hedges import offers_alternatives

__all__ = [
    "LEAD_IN",
    "LONGEST",
    "RESULT_VERB",
    "Statement",
    "is_clause",
    "read_statement",
    "states_a_value",
    "take_lead_in",
]

LONGEST = 600
"""Longer answers are not read as sentences (they are not one statement of an answer)."""
_CLAUSES = 8
"""Only the last clauses of a sentence are tried for a lead-in (so a text of many ``;`` stays linear)."""

_CONNECTIVE = (
    r"(?:so|thus|hence|therefore|then|now|actually|instead|rather|in\s+fact|finally|overall|altogether|"
    r"consequently|ultimately|clearly|"
    r"in\s+(?:total|conclusion|summary|short|the\s+end|all)|all\s+in\s+all|this\s+means|that\s+means)"
)
_HEDGE = (
    r"(?:i\s+(?:strongly\s+|really\s+|still\s+)?(?:think|believe|guess|suppose|reckon|expect|estimate|feel|"
    r"would\s+say|'d\s+say)"
    r"|i(?:'m|\s+am)\s+(?:fairly\s+|pretty\s+|quite\s+|very\s+|reasonably\s+|almost\s+)?"
    r"(?:sure|confident|certain|positive|convinced)"
    r"|(?:most\s+)?(?:probably|likely)|(?:it\s+)?seems|apparently|i\s+would\s+guess)(?:\s+that)?"
)
"""Hedges of confidence: they commit to the answer that follows (a hedge between answers, ``12 or 13``,
is the kind's hedge check's to find)."""
_BE = (
    r"(?:is|was|are|were|equals?|=|:=|≈|becomes|remains|stands\s+at|"
    r"(?:would|will|should|must|has\s+to|have\s+to|ought\s+to|could|might|may|can\s+only)\s+be|"
    r"turns\s+out\s+to\s+be|ends?\s+up\s+(?:being|as|at))"
)
RESULT_VERB = (
    r"(?:comes?\s+(?:out\s+)?to|works?\s+out\s+(?:to(?:\s+be)?|as|at)|simplif(?:ies|y)\s+to|"
    r"reduces?\s+to|evaluates?\s+to|amounts?\s+to|adds?\s+up\s+to|sums?\s+to|totals?|"
    r"gives?(?:\s+us|\s+you|\s+me)?|yields?|leaves?(?:\s+us)?|results?\s+in|leads?\s+to|produces?)"
)
"""Verbs that state a result of their subject (``it simplifies to``, ``this gives us``)."""
_PERSON_VERB = (
    r"(?:find|found|get|gets|got|obtain(?:ed)?|have|has|had|arrive[sd]?\s+at|end(?:ed)?\s+up\s+with|"
    r"conclude[sd]?|calculate[sd]?|compute[sd]?|deduce[sd]?|(?:go|went)\s+with|choose|chose|"
    r"pick(?:ed)?|select(?:ed)?|opt(?:ed)?\s+for|answer(?:ed)?|say)"
)
_PERSON = (
    r"(?:we|i|you|one|he|she|they)(?:'d|'ll|\s+would|\s+will|\s+can|\s+could|\s+should|\s+then|"
    r"\s+now|\s+finally|\s+thus|\s+therefore|\s+just|\s+eventually|\s+indeed)?\s+" + _PERSON_VERB
)
_SUBJECT = (
    r"(?:it|this|that|which|these|those|they|he|she|(?:(?:the|our|my|your|its|their|each)\s+|"
    r"[A-Za-z]+'s\s+)[^\s,;:=()]+(?:\s+[^\s,;:=()]+){0,6}?)"
)
"""A pronoun, or a determiner or possessive and up to seven words (``the probability of drawing two red
balls``, ``gold's symbol``)."""
_CONTRACTED = r"(?:it|that|this|what|here|there)'s"
"""``it's``: a pronoun and its copula in one word (a noun's ``'s`` is a possessive, not a copula)."""
_LABEL = (
    r"(?:(?:the\s+)?(?:final|correct|resulting|overall|my|our)\s+)?(?:result|value|total|count|sum|"
    r"product|solution|answer|probability|output|estimate|conclusion|number|amount|choice|option|pick)"
    r"\s*(?:[:=]|\s[-–—]\s)"
)
_INTRO = (
    r"(?:after|once|when|by|given|using|with|from|upon|on|(?!(?:no|some|any|every)thing\b)[a-z]{3,}ing)"
    r"\b[^,;:.]{0,80},"
)
"""An opening phrase before the main clause (``After simplifying,``, ``Using the formula,``,
``Differentiating,``)."""
_AFTER = (
    r"(?:\s+(?:exactly|precisely|just|simply|clearly|definitely|certainly|indeed|actually|that|"
    r"(?-i:an?)(?=\s+[A-Za-z])))*"
)
"""Words after the verb that are not the answer: adverbs, ``that``, and a lower-case indefinite article
before a word (``It was a Saturday``; ``a 25% increase`` keeps its article, being a number, and ``A because
…`` its letter)."""
LEAD_IN = re.compile(
    rf"(?:{_CONNECTIVE}\s*[,:]?\s+|{_HEDGE}\s*,?\s+|{_INTRO}\s*"
    rf"|(?:{_CONTRACTED}|{_SUBJECT}\s+(?:{_BE}|{RESULT_VERB})|{_SUBJECT}\s*[=≈]|{_PERSON}|{_LABEL})"
    rf"{_AFTER}\s*[:,]?\s*)",
    re.IGNORECASE,
)
"""One piece of a lead-in at the start of a sentence; :func:`read_statement` takes pieces off in a row."""

_NEGATED = re.compile(r"^(?:not|never|no\s+longer|hardly|neither|nowhere\s+near)\b", re.IGNORECASE)
_NOT_BUT = re.compile(r"^not\s+(?P<no>.+?)\s*,?\s+but\s+(?:rather\s+)?(?P<yes>.+)$", re.IGNORECASE)
_REJECTED = re.compile(
    r"(?:\s*,\s*(?:and\s+|but\s+)?(?:not|rather\s+than|instead\s+of)"
    r"|\s+(?:and\s+not|but\s+not|rather\s+than|instead\s+of))\s+(?P<no>[^,;()]+?)\s*[.!]*$",
    re.IGNORECASE,
)
"""A rejected candidate after the answer: ``13, not 12``, ``13 but not 12``, ``13 rather than 12``. A bare
``not`` after a space is a verb's negation (``I do not know``), not a rejection."""
_CONCLUSION = re.compile(
    r"(?:[,;]\s*|\s+[—–]\s+)(?:and\s+)?(?:so|thus|hence|therefore|which\s+(?:gives|means|makes)|giving|"
    r"making)\b\s*,?\s*",
    re.IGNORECASE,
)
_REMARK = re.compile(
    r"(?:\s*,\s*(?:because|since|as|given|which|where|from|using|by|when|after|due\s+to|following|if|"
    r"though|although|but|and\s+(?:this|that|it)|(?:this|that)\s+is\s+(?:the|my|our))\b"
    r"|\s+(?:because|since|which|due\s+to|given\s+that|though|although|as\s+(?:the|a|an|expected|required|"
    r"claimed|shown|computed|calculated|stated|above))\b"
    r"|\s+[—–]\s+|\s+--\s+|;\s)",
    re.IGNORECASE,
)
_PAREN = re.compile(r"^(?P<head>.*\S)\s+\((?P<inside>[^()]{1,120})\)\s*[.!]*$", re.DOTALL)
_SAME_SAID = re.compile(
    r"^(?:i\.?\s*e\.?|that\s+is|=|equivalently|or\s+equivalently|which\s+is|also\s+written|aka|written)"
    r"\s*[,:]?\s*(?P<same>.+)$",
    re.IGNORECASE,
)
_APPROXIMATE = re.compile(
    r"^(?:about|approx(?:imately|\.)?|roughly|around|nearly|almost|close\s+to|~|≈|\\approx)",
    re.IGNORECASE,
)
_RESTATED = re.compile(
    r"(?:\s*,\s*|\s+)(?:i\.?\s*e\.?|that\s+is|or\s+equivalently|equivalently)\s*,?\s+(?P<same>[^,;]+?)"
    r"\s*[.!]*$",
    re.IGNORECASE,
)
_INNER_LEAD = re.compile(
    r"(?<=\s)(?:it|this|that|we|i|the\s+answer|the\s+result)\s+(?:is|was|equals|'s|get|find|have)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"\s*;\s+|\s*,\s*but\s+|\s+but\s+(?=now\b|then\b|actually\b|in\s+fact\b)",
                           re.IGNORECASE)  # fmt: skip
_CONFIRMS = re.compile(
    r"^(?:(?:the|my|our|this|that)\s+)?(?:(?:final|correct|right|whole|complete|same)\s+)?"
    r"(?:answer|count|result|value|total|one|solution|number|conclusion|sum)$|^(?:correct|right|final|it)$",
    re.IGNORECASE,
)
_RETRACTS = re.compile(
    r"^(?:(?:a|an|the|clearly|definitely|actually)\s+)?(?:wrong|incorrect|false|mistaken|a\s+mistake|"
    r"an\s+error|not\s+right|not\s+correct|not\s+the\s+answer)$",
    re.IGNORECASE,
)
_TENTATIVE = re.compile(r"\b(?:could|might|may|possibly|perhaps|maybe)\b", re.IGNORECASE)
_CLAUSE_WORD = re.compile(
    r"\b(?:is|are|was|were|be|been|isn't|aren't|wasn't|wrong|incorrect|mistaken|not|never)\b|n't\b",
    re.IGNORECASE,
)
_NUMERAL = re.compile(r"^[-+]?(?:\d[\d,]*(?:\.\d+)?|\.\d+)(?:/\d+)?\s*%?$")
_NUMERAL_END = re.compile(r"(?:\d|%)$")
_WORDY = re.compile(r"[A-Za-z]{3,}")
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\b[A-Za-z]\.)\s+(?=[A-Z\"'(*])")
"""A sentence ends at ``.``, ``!`` or ``?`` before a capital, but not after a lone letter (``B. Venus``)."""
_TRAILING = re.compile(r"[\s.!]+$")
_VALUE = re.compile(r"\d|[=+^*/\\<>(){}\[\]|]")
_EMPHASIS = re.compile(r"[*_`]{1,3}")


@dataclass(frozen=True, slots=True)
class Statement:
    """What a sentence states as its answer, and what it says around it."""

    answer: str
    """The stated answer, lead-in and remarks taken off (``0.375``)."""
    lead: str
    """What was taken off before it, as written (``""`` when the sentence starts with the answer)."""
    restated: tuple[str, ...] = ()
    """The same answer said again (``3/8`` from ``(i.e. 3/8)``), to be checked consistent with it."""
    rejected: tuple[str, ...] = ()
    """Candidates the sentence names only to reject them (``12`` in ``13, not 12``)."""
    negated: bool = False
    """The sentence only rejects (``It is not 12.``): :attr:`answer` is what it rejects."""
    alternatives: tuple[str, ...] = ()
    """Other candidates the sentence leaves open (``12, but it could be 13``: ``12`` beside ``13``)."""
    remarks: tuple[str, ...] = ()
    """Remarks in words that were dropped (``Venus`` from ``C — Venus``, ``the other root`` from ``(the
    other root)``): a kind whose answers pair a name with its text (multiple choice) checks them."""


def states_a_value(text: str) -> bool:
    """``text`` ends on a value (its last word holds a digit or a math sign: ``Foo bar 12``, ``… is
    (x+1)^2.``): words before it may hide an answer the reader missed, unlike words alone (``I cannot
    tell``), a question (``What is x^3?``), a heading (``**Solution:**``) or a phrase that stops before
    any value (``The derivative of x^3 with respect to x``)."""
    plain = _EMPHASIS.sub("", text[-LONGEST:]).rstrip(" \t\n.!")
    last = plain.rsplit(None, 1)[-1] if plain.strip() else ""
    return bool(last) and not plain.endswith(("?", ":")) and bool(_VALUE.search(last))


def _strip(text: str) -> str:
    return _TRAILING.sub("", text.strip())


def take_lead_in(text: str) -> tuple[str, str]:
    """The lead-in at the start of ``text`` (up to eight pieces of :data:`LEAD_IN` in a row: ``So, I think
    it's``) and the rest, each stripped; the lead-in is ``""`` when there is none. Linear: each piece is
    an anchored match."""
    start = 0
    for _ in range(8):
        found = LEAD_IN.match(text, start)
        if found is None or found.end() == start or found.end() >= len(text):
            break
        start = found.end()
    return text[:start].strip(), text[start:].strip()


def _tail(core: str) -> tuple[str, list[str], list[str], list[str]]:
    """The answer at the head of ``core``, the restatements, the rejected candidates and the remarks after
    it. A piece that names another candidate (``(or maybe 401)``) is never cut off: the answer keeps its
    hedge."""
    restated: list[str] = []
    rejected: list[str] = []
    remarks: list[str] = []
    for _ in range(4):
        before = core
        paren = _PAREN.match(core)
        if paren is not None and not offers_alternatives(paren["inside"]):
            inside = paren["inside"].strip()
            same = _SAME_SAID.match(inside)
            if same is not None:
                restated.append(_strip(same["same"]))
                core = paren["head"]
            elif _NUMERAL.match(inside) and _NUMERAL_END.search(paren["head"]):
                restated.append(inside)  # "3/4 (0.75)": a number restated, not multiplied
                core = paren["head"]
            elif _NEGATED.match(inside):
                rejected.append(_strip(_NEGATED.sub("", inside)))
                core = paren["head"]
            elif _APPROXIMATE.match(inside):
                core = paren["head"]  # "(about 0.38)"
            elif _WORDY.search(inside):
                remarks.append(inside)  # "(the other root is negative)"
                core = paren["head"]
        remark = _REMARK.search(core)
        if remark is not None and remark.start() > 0 and not offers_alternatives(core[remark.start() :]):
            remarks.append(_strip(core[remark.end() :]))
            core = core[: remark.start()]
        said = _RESTATED.search(core)
        if said is not None and said.start() > 0 and not offers_alternatives(said[0]):
            restated.append(_strip(said["same"]))
            core = core[: said.start()]
        rejection = _REJECTED.search(core)
        if rejection is not None and rejection.start() > 0 and not offers_alternatives(rejection[0]):
            rejected.append(_strip(rejection["no"]))
            core = core[: rejection.start()]
        core = _strip(core)
        if core == before:
            break
    return core, restated, rejected, remarks


def _read_sentence(sentence: str, depth: int = 0) -> Statement | None:
    lead, core = take_lead_in(sentence)
    conclusion = _CONCLUSION.search(core)
    if conclusion is not None and depth < 3 and conclusion.end() < len(core):
        later = _read_sentence(core[conclusion.end() :], depth + 1)  # "12, so the answer is 13"
        after = core[conclusion.end() :].strip()
        if later is not None:
            return Statement(later.answer, f"{lead} {core[: conclusion.end()]}{later.lead}".strip(),
                             later.restated, later.rejected, later.negated, later.alternatives,
                             later.remarks)  # fmt: skip
        return Statement(_strip(after), f"{lead} {core[: conclusion.end()]}".strip())
    negated = _NEGATED.match(core) is not None
    if negated and (either := _NOT_BUT.match(core)) is not None:
        answer, restated, rejected, remarks = _tail(either["yes"])
        no = (_strip(either["no"]), *rejected)
        return Statement(answer, lead, tuple(restated), no, remarks=tuple(remarks))
    answer, restated, rejected, remarks = _tail(core)
    if negated:
        answer = _strip(_NEGATED.sub("", answer))
    if not answer or (answer == _strip(sentence) and not negated):
        return None
    return Statement(answer, lead, tuple(restated), tuple(rejected), negated, remarks=tuple(remarks))


def _read_clauses(sentence: str) -> Statement | None:
    """A sentence of clauses (``It was 3 before, but now it is 4``; ``5 is wrong; it is 6``): the last clause
    that states an answer after a lead-in wins; a last clause that only confirms (``; that's the final
    count``) defers to the one before it, and one that retracts (``; that is wrong``) leaves the answer
    before it rejected."""
    end = len(sentence)
    for _ in range(6):
        breaks = [found for found in _CLAUSE_BREAK.finditer(sentence, 0, end) if found.end() < end]
        for found in reversed(breaks[-_CLAUSES:]):
            later = _from_lead(sentence[found.end() : end])
            if later is None:
                continue
            stated = _read_sentence(later)
            if stated is None:
                continue
            if _CONFIRMS.match(stated.answer):
                end = found.start()
                break
            earlier = _read_sentence(sentence[: found.start()])
            said = earlier.answer if earlier is not None else _strip(sentence[: found.start()])
            if _RETRACTS.match(stated.answer):
                return Statement(said, stated.lead, negated=True) if said else None
            if _TENTATIVE.search(stated.lead) and said:  # "12, but it could be 13": both stay open
                return Statement(stated.answer, stated.lead, stated.restated, stated.rejected,
                                 stated.negated, (said,), stated.remarks)  # fmt: skip
            return stated
        else:
            break
    return _read_sentence(sentence[:end].strip()) if end < len(sentence) else _read_sentence(sentence)


def _from_lead(clause: str) -> str | None:
    """``clause`` from its lead-in on: at its start, or after an opening phrase that has no comma (``after
    the correction it is 15``: from ``it is``); ``None`` when it has none."""
    if take_lead_in(clause)[0]:
        return clause
    inner = _INNER_LEAD.search(clause)
    return clause[inner.start() :] if inner is not None and take_lead_in(clause[inner.start() :])[0] else None


def is_clause(answer: str) -> bool:
    """A stated answer of several words that holds a verb or a judgement of its own (``5 is wrong``,
    ``3 before it was not``): a clause, not an answer, so what it states is unclear."""
    return len(answer.split()) > 1 and bool(_CLAUSE_WORD.search(answer))


@lru_cache(maxsize=16384)
def read_statement(text: str) -> Statement | None:
    """The answer a sentence states, and what it says around it (see the module docstring); ``None``
    when nothing is taken off (the text is the answer as it stands) or the text is longer than
    :data:`LONGEST`.

    A text of several sentences is read from its last sentence that has a lead-in (``It is 12. Hope this
    helps!`` states 12); within a sentence, the last clause that has one (``It was 3 before, but now it is
    4`` states 4).
    """
    text = str(text).replace("’", "'").strip()
    if not text or len(text) > LONGEST:
        return None
    sentences = [part for part in _SENTENCE_END.split(text) if part.strip()]
    for sentence in reversed(sentences[-5:]):
        breaks = list(_CLAUSE_BREAK.finditer(sentence))[-_CLAUSES:]
        if take_lead_in(sentence)[0] or any(
            _from_lead(sentence[found.end() :]) is not None for found in breaks
        ):
            return _read_clauses(sentence.strip())
    return _read_clauses(sentences[-1].strip()) if sentences else None
