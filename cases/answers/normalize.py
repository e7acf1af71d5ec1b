"""Normalisation of answer strings, and extraction of the final answer from a longer response.

Normalisation removes what never changes an answer's meaning: surrounding whitespace, math delimiters
(``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``), wrappers (``\\boxed{}``, ``\\text{}``, ``\\mathrm{}``),
``Answer:`` prefixes, markdown emphasis, trailing punctuation, and Unicode spellings (``ℤ``, ``⁵``, ``₀``,
``−``, ``×``, ``⊕``) turned into one ASCII/LaTeX spelling. Case is folded only for kinds where it never
matters (booleans, dates, free text, multiple-choice letters, complexity classes).
"""

from __future__ import annotations

import re
from functools import lru_cache

from judgeprobe.cases.answers.unicode import BLACKBOARD, GREEK, SYMBOLS, VULGAR_FRACTIONS, replace_scripts
from judgeprobe.cases.models import AnswerKind

__all__ = ["MATH_KINDS", "extract_final_answer", "kind_of", "normalize", "unwrap_command"]

MATH_KINDS = frozenset(
    {AnswerKind.NUMBER, AnswerKind.EXPRESSION, AnswerKind.SET, AnswerKind.TUPLE, AnswerKind.INTERVAL}
)
"""Kinds whose answers go through the safe math parser."""

_LOWER_KINDS = frozenset({AnswerKind.BOOLEAN, AnswerKind.DATE, AnswerKind.TEXT, AnswerKind.MULTIPLE_CHOICE})
_UPPER_KINDS = frozenset({AnswerKind.COMPLEXITY_CLASS})

_PREFIX = re.compile(
    r"^\s*(?:(?:the\s+)?(?:final\s+|correct\s+)?answer\s*(?:is\s*)?[:：]?|answer\s*[:：])\s*", re.IGNORECASE
)
_WRAPPERS = ("boxed", "fbox", "text", "textrm", "textbf", "textit", "textsf", "mathrm", "mathbf", "mathit",
             "mathsf", "operatorname", "mbox", "hbox", "displaystyle", "ensuremath")  # fmt: skip
_BLACKBOARD_CMD = re.compile(r"\\(?:mathbb|Bbb|mathbf|bb)\s*\{?\s*([A-Za-z])\s*\}?")
_SPACING = re.compile(r"\\[,;:!> ]|\\quad|\\qquad|\\left(?![a-z])|\\right(?![a-z])|\\displaystyle|~")
_APPROX = re.compile(r"^(?:approximately|approx\.?|about|around|roughly|~|\\approx|≈)\s*", re.IGNORECASE)
_PERCENT = re.compile(r"\s*(?:percent|per cent|pct)\b", re.IGNORECASE)
_ASSIGN = re.compile(r"^[A-Za-z](?:_\{?\w+\}?)?(?:\([A-Za-z,\s]*\))?\s*=\s*(?=\S)")
_BOLD = re.compile(r"(?<![\w)\]}])(\*\*|__)(?=\S)(.+?)(?<=\S)\1(?![\w(\[{])")
_TRAILING_PLAIN = ".,;:!?。"
_TRAILING_MATH = ".,;:?。"


def kind_of(kind: AnswerKind | str | None) -> AnswerKind | None:
    """An :class:`AnswerKind` from a kind or its name; ``None`` for ``None`` or an unknown name."""
    if kind is None or isinstance(kind, AnswerKind):
        return kind
    try:
        return AnswerKind(str(kind).strip().lower())
    except ValueError:
        return None


def unwrap_command(text: str, name: str) -> str:
    """Replace every ``\\name{…}`` (braces matched) by its content."""
    needle = "\\" + name
    start = text.find(needle)
    guard = 0
    while start != -1 and guard < 200:
        guard += 1
        after = start + len(needle)
        if after < len(text) and text[after].isalpha():  # a longer command such as \textbf vs \text
            start = text.find(needle, after)
            continue
        brace = after
        while brace < len(text) and text[brace] == " ":
            brace += 1
        if brace >= len(text) or text[brace] != "{":
            text = text[:start] + text[after:]  # \displaystyle-like switch without an argument
            start = text.find(needle, start)
            continue
        depth, end = 0, brace
        while end < len(text):
            if text[end] == "{":
                depth += 1
            elif text[end] == "}":
                depth -= 1
                if depth == 0:
                    break
            end += 1
        if depth != 0:
            break
        text = text[:start] + text[brace + 1 : end] + text[end + 1 :]
        start = text.find(needle, start)
    return text


def _strip_delimiters(text: str) -> str:
    text = text.strip()
    for left, right in (("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"), ("$", "$")):
        if text.startswith(left) and text.endswith(right) and len(text) >= len(left) + len(right):
            text = text[len(left) : len(text) - len(right)].strip()
    return text.replace("\\$", "").replace("$", "")


def _strip_outer_quotes(text: str) -> str:
    while len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'`":
        text = text[1:-1].strip()
    return text


def _collapse_spaces(text: str, *, math: bool) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if math:  # keep a space only between two letters (``\cdot x``) or two digits (``3 4``), drop it elsewhere
        text = re.sub(r"(?<=[A-Za-z]) (?=[A-Za-z])|(?<=\d) (?=\d)", "\x00", text)
        text = text.replace(" ", "").replace("\x00", " ")
    return text


_CACHED_LENGTH = 4000
"""Longer texts are normalised without caching (and without the markdown-emphasis rule, whose matching is
not linear in the worst case)."""


@lru_cache(maxsize=65536)
def _normalize_cached(text: str, kind: AnswerKind | None) -> str:
    return _normalize(text, kind)


def _normalize(text: str, kind: AnswerKind | None) -> str:
    text = text.strip()
    if len(text) <= _CACHED_LENGTH:
        text = _BOLD.sub(r"\2", text)
    text = _strip_outer_quotes(text)
    for _ in range(3):
        stripped = _PREFIX.sub("", text, count=1)
        stripped = _strip_delimiters(stripped)
        if stripped == text:
            break
        text = stripped
    for name in _WRAPPERS:
        if "\\" + name in text:
            text = unwrap_command(text, name)
    text = _BLACKBOARD_CMD.sub(r"\1", text)
    text = text.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac").replace("\\%", "%")
    text = _SPACING.sub(" ", text)
    text = text.replace("\\{", "\x01").replace("\\}", "\x02")
    for table in (BLACKBOARD, SYMBOLS):
        for char, plain in table.items():
            if char in text:
                text = text.replace(char, plain)
    math = kind in MATH_KINDS or kind in (AnswerKind.GROUP, AnswerKind.COMPLEXITY_CLASS)
    if math:
        for char, name in GREEK.items():
            if char in text:
                text = text.replace(char, f"\\{name} ")
        for char, frac in VULGAR_FRACTIONS.items():
            if char in text:
                text = text.replace(char, frac)
    text = replace_scripts(text)
    text = text.replace("\x01", "\\{").replace("\x02", "\\}")
    if kind in (AnswerKind.NUMBER, AnswerKind.EXPRESSION):
        text = _APPROX.sub("", text.strip())
        text = _PERCENT.sub("%", text)
        text = _ASSIGN.sub("", text)
    text = _strip_outer_quotes(_collapse_spaces(text, math=kind in MATH_KINDS))
    trailing = _TRAILING_MATH if kind in MATH_KINDS else _TRAILING_PLAIN
    text = text.rstrip(trailing + " ")
    if kind in _LOWER_KINDS:
        text = text.lower()
    elif kind in _UPPER_KINDS:
        text = text.upper()
    return text


def normalize(text: str, *, kind: AnswerKind | str | None = None) -> str:
    """Normalise an answer string for comparison under ``kind``.

    Args:
        text: The answer (not a whole response; see :func:`extract_final_answer`).
        kind: The answer kind, or ``None`` for rules that hold for every kind.

    Returns:
        The normalised string (possibly empty, e.g. for ``":"``).
    """
    text = str(text)
    if len(text) <= _CACHED_LENGTH:
        return _normalize_cached(text, kind_of(kind))
    return _normalize(text, kind_of(kind))


_ANSWER_LINE = re.compile(
    r"(?:^|\n)[ \t>*#_-]*(?:\*\*)?(?:final\s+answer|answer)(?:\*\*)?\s*(?:is\s*)?[:：]"
    r"(?:\*\*)?[ \t]*([^\n]*)",
    re.IGNORECASE,
)
_JUDGE_FIELD = re.compile(
    r"^(?:\W*(?:correct|confidence|reasoning|explanation|verdict|grade|score|rating|judge?ment)\W*\s*[:=]"
    r"|\[[A-Za-z_ ]+\]\s*:|\{\s*\"[^\"]+\"\s*:.*\}$"
    r"|ignore (?:all |the )?(?:previous |above |prior )?instructions)",
    re.IGNORECASE,
)
"""Lines that imitate a judge's own output fields or instructions; never taken as the final answer."""
_ANSWER_IS = re.compile(r"(?:final|correct)?\s*answer\s+is\s*:?\s*([^\n]+)", re.IGNORECASE)


_BOXED_WINDOW = 4000
_BOXED_TRIES = 20


def _last_boxed(text: str) -> str | None:
    """The content of the last complete ``\\boxed{…}`` (a bounded search: hostile input stays linear)."""
    start = text.rfind("\\boxed")
    tries = 0
    while start != -1 and tries < _BOXED_TRIES:
        tries += 1
        brace = text.find("{", start)
        if brace != -1 and not text[start + len("\\boxed") : brace].strip():
            depth = 0
            for end in range(brace, min(len(text), brace + _BOXED_WINDOW)):
                if text[end] == "{":
                    depth += 1
                elif text[end] == "}":
                    depth -= 1
                    if depth == 0:
                        return text[brace + 1 : end]
        start = text.rfind("\\boxed", 0, start)
    return None


def extract_final_answer(response: str) -> str:
    """Best guess of the final answer inside a longer response.

    In order: the last ``Answer:`` / ``Final answer:`` line (or the next non-empty line when that line
    is empty), the last ``\\boxed{…}``, the last ``the answer is …``, else the last non-empty line that
    does not imitate a judge field (``correct: yes``, ``[correct_answer]: …``, a JSON verdict, ``GRADE: C``).
    The result is not normalised; an empty response gives ``""``.
    """
    text = str(response)
    if not text.strip():
        return ""
    matches = list(_ANSWER_LINE.finditer(text))
    if matches:
        last = matches[-1]
        found = last.group(1).strip()
        if not found:
            rest = [line.strip() for line in text[last.end() :].splitlines() if line.strip()]
            found = rest[0] if rest else ""
        if found:
            return found
    boxed = _last_boxed(text)
    if boxed is not None:
        return boxed.strip()
    said = list(_ANSWER_IS.finditer(text))
    if said:
        return said[-1].group(1).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    answers = [line for line in lines if not _JUDGE_FIELD.match(line)]
    return (answers or lines)[-1] if lines else ""
