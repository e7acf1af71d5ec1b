"""Forms a question asks for: an expression equal in value but not in the asked form is a different
answer (``x^2 - 5x + 6`` when the question says *factor*).

Read from the question's wording; each check reads the answer as written (after normalisation), since
the safe parser evaluates ``√50`` to ``5√2`` and so cannot see the form:

==========================================  ===============================================================
the question says                           the answer must
==========================================  ===============================================================
factor, factorise, in factored form         be a product: no ``+``/``-`` between terms at the top level
expand, multiply out, in expanded form      have no bracket multiplied by or raised with another term
simplest radical form, simplify the radical  have square-free radicands (``5√2``, not ``√50``)
rationalise the denominator                 have no root in a denominator
lowest terms, simplest form (a fraction)    have a numerator and denominator with no common factor
==========================================  ===============================================================

A form is enforced only where the reference itself is in it (a case whose reference breaks its own
question's form is not second-guessed).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from judgeprobe.cases.answers.kinds.registry import AnswerKind
from judgeprobe.cases.answers.normalize import normalize

__all__ = ["FORMS", "form_problem"]


def _top_level_sum(text: str) -> bool:
    depth = 0
    for index, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char in "+-" and depth == 0 and index > 0 and text[index - 1] not in "^*/(eE":
            return True
    return False


def _unwrap(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += 1 if char in "([{" else -1 if char in ")]}" else 0
        if depth < 0:
            return False
    return depth == 0


def _factored(text: str) -> bool:
    return not _top_level_sum(_unwrap(text))


_FUNCTION_BEFORE = re.compile(r"(?:\\?[A-Za-z]{2,}(?:_\{?\w+\}?)?|\\sqrt|√)\s*$")


def _groups(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every bracketed group (outermost first)."""
    spans, stack = [], []
    for index, char in enumerate(text):
        if char == "(":
            stack.append(index)
        elif char == ")" and stack:
            spans.append((stack.pop(), index + 1))
    return sorted(spans)


def _expanded(text: str) -> bool:
    """No bracketed sum multiplied by something or raised to a power (a function's argument aside)."""
    for start, end in _groups(text):
        inner = text[start + 1 : end - 1]
        if not _top_level_sum(inner) or _FUNCTION_BEFORE.search(text[:start]):
            continue
        before, after = text[:start].rstrip(), text[end:].lstrip()
        multiplied_before = bool(before) and (
            before[-1].isalnum() or before[-1] in ")*" or before.endswith("\\cdot")
        )
        multiplied_after = bool(after) and (after[0].isalnum() or after[0] in "(^*\\")
        if multiplied_before or multiplied_after:
            return False
    return True


_RADICAND = re.compile(r"(?:\\sqrt\s*\{\s*(\d+)\s*\}|\\sqrt\s*(\d+)|√\s*\(?\s*(\d+)|sqrt\s*\(\s*(\d+)\s*\))")


def _square_free(n: int) -> bool:
    return n > 0 and all(n % (k * k) for k in range(2, math.isqrt(n) + 1))


def _simplest_radicals(text: str) -> bool:
    return all(_square_free(int(next(g for g in m.groups() if g))) for m in _RADICAND.finditer(text))


def _rational_denominator(text: str) -> bool:
    """No root in a denominator: the second argument of ``\\frac``, or the atom after ``/``."""
    for match in re.finditer(r"\\frac\s*\{", text):
        first = _brace_end(text, match.end() - 1)
        if first is not None and first < len(text) and text[first] == "{":
            second = _brace_end(text, first)
            if second is not None and re.search(r"\\sqrt|√|sqrt", text[first:second]):
                return False
    for match in re.finditer(r"/\s*", text):
        rest = text[match.end() :]
        if rest.startswith("("):
            end = next((e for s_, e in _groups(rest) if s_ == 0), len(rest))
            atom = rest[:end]
        else:
            found = re.match(
                r"(?:\\sqrt\s*\{[^{}]*\}|\\sqrt\s*\w+|√\s*\(?\w*\)?|sqrt\s*\([^()]*\)|\w+)?", rest
            )
            atom = found[0] if found else ""
        if re.search(r"\\sqrt|√|sqrt", atom):
            return False
    return True


def _brace_end(text: str, start: int) -> int | None:
    """The index after the ``}`` closing the ``{`` at ``start``."""
    depth = 0
    for index in range(start, len(text)):
        depth += 1 if text[index] == "{" else -1 if text[index] == "}" else 0
        if depth == 0:
            return index + 1
    return None


def _lowest_terms(text: str) -> bool:
    for m in re.finditer(r"(\d+)\s*/\s*(\d+)|\\frac\s*\{\s*(\d+)\s*\}\s*\{\s*(\d+)\s*\}", text):
        p, q = (int(m[1]), int(m[2])) if m[1] else (int(m[3]), int(m[4]))
        if math.gcd(p, q) != 1:
            return False
    return True


_FACTOR = re.compile(r"\bfactor(?:ise|ize|ised|ized|ed form|isation|ization)?\b(?! of\b)", re.I)
_EXPAND = re.compile(r"\b(?:expand|multiply out|expanded form)\b", re.I)
_RADICAL = re.compile(
    r"\b(?:simplest|simplified|simple) radical\b|\bsimplify the (?:radical|square root|surd)", re.I
)
_RATIONALISE = re.compile(r"\brationali[sz]e\b|\brational denominator\b", re.I)
_LOWEST = re.compile(r"\b(?:lowest terms|simplest form|reduced fraction|fully reduced)\b", re.I)

FORMS: tuple[tuple[str, re.Pattern[str], Callable[[str], bool]], ...] = (
    ("factored form", _FACTOR, _factored),
    ("expanded form", _EXPAND, _expanded),
    ("simplest radical form", _RADICAL, _simplest_radicals),
    ("a rational denominator", _RATIONALISE, _rational_denominator),
    ("lowest terms", _LOWEST, _lowest_terms),
)
"""``(name, question pattern, check of the answer's text)``."""


def form_problem(answer: str, reference: str, question: str) -> str | None:
    """The form the question asks for that ``answer`` lacks (and ``reference`` has), or ``None``."""
    if not question:
        return None
    a = normalize(answer, kind=AnswerKind.EXPRESSION)
    b = normalize(reference, kind=AnswerKind.EXPRESSION)
    for name, asked, check in FORMS:
        if asked.search(question) and check(b) and not check(a):
            return name
    return None
