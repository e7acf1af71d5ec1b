"""Normalisation of answer strings, and extraction of the final answer from a longer response.

Normalisation removes what never changes an answer's meaning: surrounding whitespace, math delimiters
(``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``), wrappers (``\\boxed{}``, ``\\text{}``, ``\\mathrm{}``),
``Answer:`` prefixes, markdown emphasis, trailing punctuation, and Unicode spellings (``ℤ``, ``⁵``, ``₀``,
``−``, ``×``, ``⊕``) turned into one ASCII/LaTeX spelling. What else is folded is the kind's
:class:`~judgeprobe.cases.answers.kinds.Folding` (letter case where it never matters, math symbols and
spacing, ``approximately``-style prefixes), read from the answer-kind table.
"""

from __future__ import annotations

import re
from functools import lru_cache

from judgeprobe.cases.answers.kinds.registry import AnswerKind, kind_of
from judgeprobe.cases.answers.kinds.slots import Folding
from judgeprobe.cases.answers.unicode import BLACKBOARD, GREEK, SYMBOLS, VULGAR_FRACTIONS, replace_scripts

__all__ = ["extract_final_answer", "folding_of", "normalize", "unwrap_command"]

_PLAIN = Folding()
"""The folding of no kind in particular (``kind=None`` or an unknown name): only the shared rules."""

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


def folding_of(kind: AnswerKind | str | None) -> Folding:
    """The kind's folding from the answer-kind table (the shared rules only for ``None`` or an unknown
    name)."""
    resolved = kind_of(kind)
    return _PLAIN if resolved is None else resolved.spec.folding


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
def _normalize_cached(text: str, folding: Folding) -> str:
    return _normalize(text, folding)


def _normalize(text: str, folding: Folding) -> str:
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
    if folding.math_symbols:
        for char, name in GREEK.items():
            if char in text:
                text = text.replace(char, f"\\{name} ")
        for char, frac in VULGAR_FRACTIONS.items():
            if char in text:
                text = text.replace(char, frac)
    text = replace_scripts(text)
    text = text.replace("\x01", "\\{").replace("\x02", "\\}")
    if folding.value_prefixes:
        text = _APPROX.sub("", text.strip())
        text = _PERCENT.sub("%", text)
        text = _ASSIGN.sub("", text)
    text = _strip_outer_quotes(_collapse_spaces(text, math=folding.math_spacing))
    trailing = _TRAILING_MATH if folding.math_spacing else _TRAILING_PLAIN
    text = text.rstrip(trailing + " ")
    if folding.case == "lower":
        text = text.lower()
    elif folding.case == "upper":
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
    folding = folding_of(kind)
    if len(text) <= _CACHED_LENGTH:
        return _normalize_cached(text, folding)
    return _normalize(text, folding)


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
