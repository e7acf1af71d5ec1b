"""Normalisation of answer strings, and extraction of the final answer from a longer response.

Normalisation removes what never changes an answer's meaning: surrounding whitespace, math delimiters
(``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``), wrappers (``\\boxed{}``, ``\\text{}``, ``\\mathrm{}``),
``Answer:`` prefixes, markdown emphasis, trailing punctuation, and Unicode spellings (``ℤ``, ``⁵``, ``₀``,
``−``, ``×``, ``⊕``, fullwidth ``Ａ`` and ``３``) turned into one ASCII/LaTeX spelling. What else is
folded is the kind's :class:`~judgeprobe.cases.answers.kinds.Folding` (letter case where it never matters,
math symbols and spacing, ``approximately``-style prefixes), read from the answer-kind table.
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
_BLACKBOARD_CMD = re.compile(r"\\(?:mathbb|Bbb|mathbf|bb)\s*+\{?\s*+([A-Za-z])\s*+\}?")
_SPACING = re.compile(r"\\[,;:!> ]|\\quad|\\qquad|\\left(?![a-z])|\\right(?![a-z])|\\displaystyle|~")
_APPROX = re.compile(r"^(?:approximately|approx\.?|about|around|roughly|~|\\approx|≈)\s*", re.IGNORECASE)
_PERCENT = re.compile(r"(?<!\s)\s*(?:percent|per cent|pct)\b", re.IGNORECASE)
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


_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
"""Fullwidth ASCII forms (``Ａ``, ``（``, ``３．１４``, typed by CJK input methods) and the ideographic
space, as ASCII: the same characters in another width."""


def _normalize(text: str, folding: Folding) -> str:
    if not text.isascii():
        text = text.translate(_FULLWIDTH)
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
    r"(?:^|\n)[ \t>*#_-]*+(?:\*\*)?(?:final\s++answer|answer)(?:\*\*)?\s*+(?:is\s*+)?[:：]"
    r"(?:\*\*)?[ \t]*+([^\n]*)",
    re.IGNORECASE,
)
"""An ``Answer:`` line. The possessive runs (``*+``) never give back what they took: none of them can take
what follows it, so they match what greedy runs would, without retrying every split of a long run."""
_LAST_ANSWER_LINE = re.compile(
    r"(?s:.*)\n[ \t>*#_-]*+(?=[fa])(?:\*\*)?(?:final\s++answer|answer)(?:\*\*)?\s*+(?:is\s*+)?[:：]"
    r"(?:\*\*)?[ \t]*+([^\n]*)",
    re.IGNORECASE,
)
"""The match of :data:`_ANSWER_LINE` that starts on the last line where one starts (after a newline): the
leading ``.*`` takes the whole text and gives it back from the end, in one pass of the regex engine."""
_CANDIDATE_LINES = 64
"""Lines tried one by one from the end before :data:`_LAST_ANSWER_LINE` takes over."""
_JUDGE_FIELD = re.compile(
    r"^(?:\W*+(?:correct|confidence|reasoning|explanation|verdict|grade|score|rating|judge?ment)[^\w:=]*[:=]"
    r"|\[[A-Za-z_ ]+\]\s*:|\{\s*\"[^\"]+\"\s*:.*\}$"
    r"|ignore (?:all |the )?(?:previous |above |prior )?instructions)",
    re.IGNORECASE,
)
"""Lines that imitate a judge's own output fields or instructions; never taken as the final answer."""
_ANSWER_WORD = re.compile("answer|final", re.IGNORECASE)
_SPACE = re.compile(r"\s*")
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
"""What :meth:`str.splitlines` splits on."""
_ANSWER_IS = re.compile(r"answer\s+is", re.IGNORECASE)
"""The head of ``the answer is …``; what follows is read by :func:`_said_answers` without backtracking."""


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


def _last_answer_line(text: str) -> re.Match[str] | None:
    """The last match of :data:`_ANSWER_LINE` in ``text`` (what ``finditer`` would give last), found by trying
    the lines that hold an ``answer`` or a ``final`` (where a match can start) from the end, each line once:
    linear in the length of the text."""
    lowered = text.lower() if text.isascii() else None  # ASCII: same length, and found by a plain search
    starts = [] if lowered is not None else [found.start() for found in _ANSWER_WORD.finditer(text)]
    end = len(text)
    words = {"answer": end, "final": end}  # where each word was last found (searches only move left)
    tries = 0
    while True:
        if lowered is not None:
            for word, found in words.items():
                if found >= end:
                    words[word] = lowered.rfind(word, 0, end)
            index = max(words.values())
        else:
            while starts and starts[-1] >= end:
                starts.pop()
            index = starts.pop() if starts else -1
        if index == -1:
            return None
        tries += 1
        if tries > _CANDIDATE_LINES:  # many lines with the words: one pass of the engine from the end instead
            return _LAST_ANSWER_LINE.match(text) or _ANSWER_LINE.match(text)
        line_start = text.rfind("\n", 0, index) + 1
        match = _ANSWER_LINE.match(text, line_start - 1 if line_start else 0)
        if match is not None:
            return match
        end = line_start  # the other occurrences on this line start the same try


def _first_line_from(text: str, start: int) -> str:
    """The first non-blank line at or after ``start``, stripped (``""`` when there is none)."""
    first = _SPACE.match(text, start)
    begin = first.end() if first is not None else start
    if begin >= len(text):
        return ""
    end = _LINE_BREAK.search(text, begin)
    return text[begin : end.start() if end is not None else len(text)].strip()


def _line_from(text: str, start: int) -> str:
    end = text.find("\n", start)
    return text[start:] if end == -1 else text[start:end]


def _last_not_newline(text: str, start: int, end: int) -> int:
    """The last index in ``[start, end)`` whose character is not a newline, else -1."""
    kept = len(text[start:end].rstrip("\n"))
    return start + kept - 1 if kept else -1


def _skip_space(text: str, index: int) -> int:
    found = _SPACE.match(text, index)
    return found.end() if found is not None else index


def _said_after(text: str, start: int) -> tuple[str, int] | None:
    """What the pattern ``\\s*:?\\s*([^\\n]+)`` captures at ``start``, and where its match ends (``None``:
    no match). Computed in one pass where the regex would backtrack through every split of a long run of
    whitespace: the captured text is the rest of the first non-blank line after an optional colon; when
    only blank space follows, what the regex falls back to (a lone colon, or blank space: ``""``)."""
    first = _skip_space(text, start)
    if first < len(text) and text[first] != ":":
        line = _line_from(text, first)
        return line, first + len(line)
    if first < len(text):  # a colon
        second = _skip_space(text, first + 1)
        if second < len(text):
            line = _line_from(text, second)
            return line, second + len(line)
        blank = _last_not_newline(text, first + 1, second)
        at = blank if blank != -1 else first
        line = _line_from(text, at)
        return line, at + len(line)
    blank = _last_not_newline(text, start, first)
    if blank == -1:
        return None
    line = _line_from(text, blank)
    return line, blank + len(line)


def _said_answers(text: str) -> list[str]:
    """Every ``answer is …`` in ``text``, in order, as the former pattern
    ``(?:final|correct)?\\s*answer\\s+is\\s*:?\\s*([^\\n]+)`` found them with ``finditer``, in linear time."""
    found: list[str] = []
    position = 0
    while (head := _ANSWER_IS.search(text, position)) is not None:
        said = _said_after(text, head.end())
        if said is None:
            position = head.start() + 1
            continue
        found.append(said[0])
        position = max(said[1], head.end())
    return found


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
    last = _last_answer_line(text)
    if last is not None:
        found = last.group(1).strip()
        if not found:
            found = _first_line_from(text, last.end())
        if found:
            return found
    boxed = _last_boxed(text)
    if boxed is not None:
        return boxed.strip()
    said = _said_answers(text)
    if said:
        return said[-1].strip()
    fallback = ""
    for line in filter(None, map(str.strip, reversed(text.rstrip().splitlines()))):
        if not _JUDGE_FIELD.match(line):
            return line
        fallback = fallback or line
    return fallback
