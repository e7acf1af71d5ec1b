"""Safe parsing of math answers into sympy objects: the entry points :func:`parse_math` and
:func:`parse_answer`.

Pipeline: length check, normalisation, top-level shape (set, tuple, interval, union, or one expression),
whitelisting tokenizer (:mod:`judgeprobe.cases.answers.tokens`), recursive-descent builder
(:mod:`judgeprobe.cases.answers.expression_parser`). The building step runs off the calling thread under
``Limits.time_budget_s`` (:mod:`judgeprobe.cases.answers.budget`). Results are cached per (text, kind,
limits); a time-out is not cached. Bad input never raises: it yields ``Parsed(value=None, undecided=True,
reason=…)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import sympy

from judgeprobe.cases.answers.budget import BudgetExceeded, run_with_budget
from judgeprobe.cases.answers.expression_parser import ParseError, build_expression
from judgeprobe.cases.answers.kinds.registry import AnswerKind, kind_of
from judgeprobe.cases.answers.limits import DEFAULT_LIMITS, Limits
from judgeprobe.cases.answers.normalize import normalize
from judgeprobe.cases.answers.numwords import words_to_number
from judgeprobe.cases.answers.tokens import (
    CONSTANTS,
    FUNCTIONS,
    GREEK_NAMES,
    Tok,
    Token,
    TokenizeError,
    tokenize,
)

__all__ = ["Parsed", "parse_answer", "parse_math"]


@dataclass(frozen=True, slots=True)
class Parsed:
    """The result of safely parsing one answer."""

    value: object | None
    """A sympy expression; a ``tuple`` (ordered), ``frozenset`` (unordered) or sympy ``Interval``/``Union``
    for collections; ``None`` when undecided."""
    undecided: bool
    """True when the text could not be parsed within the whitelist and limits."""
    reason: str
    """What was parsed, or why not."""
    prose: bool = False
    """True when the text was refused because it reads as words, not math (``Let's solve this``); such an
    answer is no math answer at all, unlike one refused for a limit or the time budget."""


_KNOWN_WORDS = FUNCTIONS | CONSTANTS | GREEK_NAMES
_OPEN = "([{"
_CLOSE = ")]}"
_EMPTY_SET = {"\\emptyset", "\\varnothing", "{}", "\\{\\}", "\\emptyset{}"}
_UNION = re.compile(r"\\cup|(?<=[\])])U(?=[\[(])")
_INEQUALITY = re.compile(r"^(?:(?P<lo>[^<>\\]+?)(?P<lop><=|<|\\leq?|\\le)\s*)?[A-Za-z]\s*"
                         r"(?P<op><=|>=|<|>|\\leq?|\\geq?)\s*(?P<hi>[^<>\\]+)$")  # fmt: skip


def _split_top(text: str, sep: str = ",") -> list[str]:
    """Split at ``sep`` outside brackets (``\\{``/``\\}`` count as brackets)."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        char = text[i]
        if char == "\\" and text[i + 1 : i + 2] in ("{", "}"):
            depth += 1 if text[i + 1] == "{" else -1
            i += 2
            continue
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
        elif char == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def _outer(text: str) -> tuple[str, str, str] | None:
    """``(open, inner, close)`` when one bracket pair (possibly mixed, as in ``[0,1)``) encloses ``text``."""
    if text.startswith("\\{") and text.endswith("\\}"):
        opener, closer, inner = "\\{", "\\}", text[2:-2]
    elif len(text) >= 2 and text[0] in _OPEN and text[-1] in _CLOSE:
        opener, closer, inner = text[0], text[-1], text[1:-1]
    else:
        return None
    depth = 0
    for char in inner:
        depth += 1 if char in _OPEN else -1 if char in _CLOSE else 0
        if depth < 0:
            return None
    return (opener, inner, closer) if depth == 0 else None


_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{4,}")


def _looks_like_prose(text: str) -> bool:
    """A word of four or more letters that is not a known function, constant or Greek letter."""
    return any(word not in _KNOWN_WORDS for word in _WORD.findall(text))


class _Refused(ValueError):
    pass


def _expr(text: str, limits: Limits) -> sympy.Basic:
    try:
        return build_expression(tokenize(text, max_tokens=limits.max_tokens), limits=limits)
    except (TokenizeError, ParseError) as exc:
        raise _Refused(str(exc)) from None


def _interval(lo_text: str, hi_text: str, left_open: bool, right_open: bool, limits: Limits) -> sympy.Basic:
    lo, hi = _expr(lo_text, limits), _expr(hi_text, limits)
    if not (lo.is_extended_real and hi.is_extended_real):
        raise _Refused("interval ends must be real numbers")
    if bool(lo > hi):
        raise _Refused("interval with lower end above upper end")
    return sympy.Interval(lo, hi, left_open, right_open)


def _inequality(text: str, limits: Limits) -> sympy.Basic | None:
    match = _INEQUALITY.match(text)
    if match is None:
        return None
    op, bound = match.group("op"), match.group("hi")
    strict = op in ("<", ">")
    if match.group("lo"):
        if op.startswith(">") or "g" in op:
            raise _Refused("mixed inequality directions")
        return _interval(match.group("lo"), bound, match.group("lop") == "<", strict, limits)
    if op.startswith("<") or "l" in op:
        return _interval("-oo", bound, True, strict, limits)
    return _interval(bound, "oo", strict, True, limits)


def _value(text: str, kind: AnswerKind | None, limits: Limits, depth: int = 0) -> object:
    if depth > 5:
        raise _Refused("collections nested too deeply")
    if text in _EMPTY_SET:
        return frozenset()
    if kind in (AnswerKind.INTERVAL, None) and _UNION.search(text):
        pieces = [_value(p.strip(), AnswerKind.INTERVAL, limits, depth + 1) for p in _UNION.split(text)]
        if not all(isinstance(p, sympy.Set) for p in pieces):
            raise _Refused("a union of things that are not intervals")
        return sympy.Union(*pieces)
    if kind is AnswerKind.INTERVAL:
        found = _inequality(text, limits)
        if found is not None:
            return found
    outer = _outer(text)
    parts = _split_top(outer[1] if outer else text)
    if outer is None and len(parts) == 1:
        if kind is AnswerKind.SET:
            return frozenset({_expr(text, limits)})
        if kind is AnswerKind.TUPLE:
            return (_expr(text, limits),)
        return _expr(text, limits)
    opener, closer = (outer[0], outer[2]) if outer else ("", "")
    if kind is AnswerKind.INTERVAL and opener in ("{", "\\{"):
        return frozenset(_value(p.strip(), None, limits, depth + 1) for p in parts)  # a finite set
    if kind is AnswerKind.INTERVAL or (kind is None and len(parts) == 2 and (opener, closer) in
                                       (("[", "]"), ("[", ")"), ("(", "]"))):  # fmt: skip
        if len(parts) != 2 or opener not in "([" or closer not in ")]" or not opener:
            raise _Refused("an interval needs two ends inside ( or [ and ) or ]")
        return _interval(parts[0], parts[1], opener == "(", closer == ")", limits)
    if len(parts) == 1 and opener in ("(", "[", "{") and kind not in (AnswerKind.SET, AnswerKind.TUPLE):
        return _expr(text, limits)  # a bracketed expression such as (x+1) or {5}
    items = tuple(_value(p.strip(), None, limits, depth + 1) for p in parts if p.strip() or len(parts) == 1)
    if any(not p.strip() for p in parts):
        raise _Refused("empty element in a list")
    if kind is AnswerKind.SET or opener in ("{", "\\{"):
        return frozenset(items)  # braces make a set whatever the kind asked for
    return items


_LITERAL = re.compile(r"^([-+]?)(\d{1,40}(?:\.\d{0,40})?|\.\d{1,40})(?:[eE]([-+]?\d{1,5}))?(%?)$")
_LITERAL_FRACTION = re.compile(r"^([-+]?\d{1,40})/(\d{1,40})$")


def _literal(text: str, limits: Limits) -> Parsed | None:
    """Plain decimals, integers, percentages and ``p/q`` fractions, read without sympy's evaluator.

    The work is bounded by the pattern (at most 40 digits, an exponent checked against the limit), so it
    runs on the calling thread: the common case costs microseconds.
    """
    if match := _LITERAL_FRACTION.match(text):
        if int(match[2]) == 0:
            return Parsed(None, True, "not parsed: division by zero")
        return Parsed(sympy.Rational(int(match[1]), int(match[2])), False, "parsed")
    if match := _LITERAL.match(text):
        exponent = int(match[3] or 0)
        if abs(exponent) > limits.max_exponent:
            return Parsed(
                None, True, f"not parsed: exponent {exponent} is over the limit of {limits.max_exponent}"
            )
        value = sympy.Rational(match[2].rstrip(".") or "0") * sympy.Integer(10) ** exponent
        if match[4]:
            value = value / 100
        return Parsed(-value if match[1] == "-" else value, False, "parsed")
    return None


_CHEAP_OPS = frozenset("+-*/(){}[],%")
_CHEAP_MAX_TOKENS = 60


def _rational_arithmetic(tokens: list[Token]) -> bool:
    """Few tokens of plain arithmetic (no powers, roots, functions or factorials): bounded work that is
    cheaper to do on the calling thread than to hand to a worker."""
    if len(tokens) > _CHEAP_MAX_TOKENS:
        return False
    for token in tokens:
        if token.kind is Tok.OP:
            if token.text not in _CHEAP_OPS:
                return False
        elif token.kind not in (Tok.NUM, Tok.NAME, Tok.FRAC) and token.text not in ("pi", "e", "i"):
            return False
    return True


@lru_cache(maxsize=65536)
def _parse_cached(text: str, kind: AnswerKind | None, limits: Limits) -> Parsed:
    if not text:
        return Parsed(None, True, "empty answer")
    if len(text) > limits.max_length:
        return Parsed(None, True, f"answer is {len(text)} characters, over the limit of {limits.max_length}")
    if kind is None and (literal := _literal(text, limits)) is not None:
        return literal
    tokens: list[Token] = []
    try:
        tokens = tokenize(text, max_tokens=limits.max_tokens)  # whitelist check before any thread starts
    except TokenizeError as exc:
        if not (kind is AnswerKind.INTERVAL and re.search(r"[<>]|\\[lg]eq?(?![a-z])", text)):
            return Parsed(None, True, f"not parsed: {exc}", prose=_looks_like_prose(text))

    def work() -> Parsed:
        try:
            value = _value(text, kind, limits)
        except _Refused as exc:
            return Parsed(None, True, f"not parsed: {exc}")
        except RecursionError:
            return Parsed(None, True, "not parsed: nesting too deep")
        except (ValueError, TypeError, ArithmeticError) as exc:
            return Parsed(None, True, f"not parsed: sympy refused it ({type(exc).__name__})")
        return Parsed(value, False, "parsed")

    if tokens and _rational_arithmetic(tokens):
        return work()
    return run_with_budget(work, seconds=limits.time_budget_s)


def parse_answer(text: str, *, kind: AnswerKind | str | None, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """Parse ``text`` with the shape rules of ``kind``.

    ``set`` reads ``{1,2}``, ``1, 2`` and a lone ``5`` as sets; ``tuple`` reads ``(1,2)``, ``[1,2]`` and
    ``1, 2`` as ordered; ``interval`` reads ``(0,1]``, ``x > 3``, ``(-∞, 0) ∪ (1, ∞)``; other kinds parse
    one expression (or, for ``None``, guess the shape from the brackets).
    """
    if not isinstance(text, str):
        return Parsed(None, True, f"expected a string, got {type(text).__name__}")
    if len(text) > limits.max_length:
        return Parsed(None, True, f"answer is {len(text)} characters, over the limit of {limits.max_length}")
    resolved = kind_of(kind)
    shape = resolved if resolved in (AnswerKind.SET, AnswerKind.TUPLE, AnswerKind.INTERVAL) else None
    norm_kind = resolved if resolved in (AnswerKind.NUMBER, AnswerKind.SET, AnswerKind.TUPLE,
                                         AnswerKind.INTERVAL) else AnswerKind.EXPRESSION  # fmt: skip
    if resolved in (AnswerKind.NUMBER, AnswerKind.EXPRESSION):
        text = _strip_remark(text)
        text = words_to_number(text) or text
    if resolved is AnswerKind.NUMBER:
        text = _ellipsis_decimal(text)
    elif resolved is AnswerKind.EXPRESSION:
        whole = _ELLIPSIS_DECIMAL.match(text.strip().strip("$").strip())
        # an expression answer that is one repeating decimal is its fraction
        text = _repeating(_overlined(whole)) if whole else _TRAILING_ELLIPSIS.sub("", text)
    if resolved is AnswerKind.SET and _SAME_VARIABLE_OR.fullmatch(text):
        text = re.sub(r"(?<!\s)\s+or\s+", ", ", text)  # "x = 2 or x = -1" lists the solutions
    if resolved in (AnswerKind.SET, AnswerKind.TUPLE):
        text = re.sub(r"(?<!\s)\s+and\s+", ", ", text)  # "2, 3, 5 and 7"
    if resolved is AnswerKind.TUPLE and (dims := _DIMENSIONS.fullmatch(text.strip())):
        text = f"({dims[1]}, {dims[2]})"  # "2 × 4" (matrix dimensions)
    elif resolved is AnswerKind.INTERVAL:
        text = re.sub(r"(?<!\s)\s+or\s+", " \\\\cup ", text)  # "x < -2 or x > 2" is a union
    normalised = normalize(text, kind=norm_kind)
    if resolved in (AnswerKind.SET, AnswerKind.INTERVAL, AnswerKind.TUPLE):
        normalised = _MEMBER.sub("", normalised)
        builder = _SET_BUILDER.fullmatch(normalised)
        if builder and resolved is AnswerKind.INTERVAL:
            normalised = builder[1]
    if resolved is AnswerKind.NUMBER:
        normalised = _repeating(_strip_thousands(normalised))
    elif resolved in (AnswerKind.SET, AnswerKind.TUPLE):
        normalised = _rewrite_items(normalised, resolved)
    elif resolved is AnswerKind.INTERVAL:
        french = _FRENCH.fullmatch(normalised)
        if french and (french[1] == "]" or french[4] == "["):
            opener, closer = "(" if french[1] == "]" else "[", ")" if french[4] == "[" else "]"
            normalised = f"{opener}{french[2]},{french[3]}{closer}"
    try:
        return _parse_cached(normalised, shape, limits)
    except BudgetExceeded as exc:
        return Parsed(None, True, f"parse budget exceeded: {exc}")


_SAME_VARIABLE_OR = re.compile(r"\s*([A-Za-z])\s*=[^=]+?(?:\s+or\s+\1\s*=[^=]+?)+")
_DIMENSIONS = re.compile(r"(\d++)\s*+(?:×|x|\\times|by)\s*+(\d++)")
_MEMBER = re.compile(r"^[A-Za-z]\s*\\in\s*")
_SET_BUILDER = re.compile(r"\\?\{\s*[A-Za-z](?:\\in\s*R)?\s*[:|]\s*(.+?)\\?\}")
_REPEATING = re.compile(r"^([-+]?)(\d*)\.(\d*)\\overline\{(\d+)\}$")
_REMARK = re.compile(r"^(.*?\S)\s*\(([^()]*)\)\s*\.?$")


def _strip_remark(text: str) -> str:
    """``3 (the other root, -3, is negative)`` -> ``3``: a trailing bracketed remark in words goes."""
    remark = _REMARK.match(text.strip())
    return remark[1] if remark and _looks_like_prose(remark[2]) else text


_ELLIPSIS_DECIMAL = re.compile(
    r"(?<![\d.])([-+]?\d*)\.(\d{0,40}?)(\d{1,6}?)\3+\s?(?:\.\.\.|…|\\[lc]?dots\b)(?=\s*\$?\s*\.?\s*$)"
)
"""A decimal whose last digits visibly repeat, then an ellipsis (``0.333...``, ``0.1666…``)."""
_TRAILING_ELLIPSIS = re.compile(r"(?<=\d)\s?(?:…|\\[lc]?dots\b)(?=\s*\$?\s*\.?\s*$)")


def _ellipsis_decimal(text: str) -> str:
    """A number ending in an ellipsis: where its last digits visibly repeat (a block of one to six digits
    written at least twice, ``0.333...``, ``0.1666…``, ``0.4545...``) it is that repeating decimal, exact
    (``0.\\overline{3}`` = 1/3); otherwise the digits shown (``3.14159…`` reads as ``3.14159``, as
    ``3.14159...`` always has, its trailing dots being punctuation)."""
    repeating = _ELLIPSIS_DECIMAL.search(text)
    if repeating is not None:
        return text[: repeating.start()] + _overlined(repeating) + text[repeating.end() :]
    return _TRAILING_ELLIPSIS.sub("", text)


def _overlined(repeating: re.Match[str]) -> str:
    """A match of :data:`_ELLIPSIS_DECIMAL` written with ``\\overline`` (what :func:`_repeating` reads)."""
    return f"{repeating[1]}.{repeating[2]}\\overline{{{repeating[3]}}}"


def _repeating(text: str) -> str:
    """``0.\\overline{6}`` -> ``2/3`` (a repeating decimal as an exact fraction)."""
    match = _REPEATING.match(text)
    if match is None:
        return text
    sign, whole, fixed, period = match[1], match[2] or "0", match[3], match[4]
    numerator = int(whole + fixed + period) - int(whole + fixed)
    denominator = (10 ** len(period) - 1) * 10 ** len(fixed)
    return f"{sign}({numerator}/{denominator})"


_FRENCH = re.compile(r"([\[\]])([^\[\]]*),([^\[\]]*)([\[\]])")
_ASSIGNMENT = re.compile(r"^([A-Za-z](?:_\{?\w+\}?)?)=(.+)$")
_PLUS_MINUS = re.compile(r"^(?:±|\\pm)(.+)$")


def _rewrite_items(text: str, kind: AnswerKind) -> str:
    """Collections written as equations: ``x = 3, y = 6`` -> ``3,6`` (a tuple ordered by variable name),
    ``x = ±3`` -> ``3,-(3)`` (sets only)."""
    outer = _outer(text)
    parts = [part.strip() for part in _split_top(outer[1] if outer else text)]
    named = [_ASSIGNMENT.match(part) for part in parts]
    if parts and named[0] and not any(named[1:]):  # "x = -1, 0, 1"
        parts[0] = named[0][2]
    elif parts and all(named):
        matches = [m for m in named if m is not None]
        if kind is AnswerKind.TUPLE and len({m[1] for m in matches}) == len(matches):
            matches.sort(key=lambda m: m[1])
        parts = [m[2] for m in matches]
    if kind is AnswerKind.SET:
        expanded: list[str] = []
        for part in parts:
            pm = _PLUS_MINUS.match(part)
            expanded += [pm[1], f"-({pm[1]})"] if pm else [part]
        parts = expanded
    body = ",".join(parts)
    return f"{outer[0]}{body}{outer[2]}" if outer else body


_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(?:(?P<sep>[, ])\d{3})(?:(?P=sep)\d{3})*(?:\.\d+)?$")
_MIXED = (
    re.compile(r"^([-+]?)(\d+)\s*\\frac\{(\d+)\}\{(\d+)\}$"),
    re.compile(r"^([-+]?)(\d+)\((\d+)/(\d+)\)$"),  # 3½ after normalisation
    re.compile(r"^([-+]?)(\d+) (\d+)/(\d+)$"),
)


def _strip_thousands(text: str) -> str:
    """``1,000,000`` and ``1 000 000`` -> ``1000000``; mixed numbers ``3 1/2``, ``3½`` -> ``(3+1/2)``."""
    if _THOUSANDS.match(text):
        return text.replace(",", "").replace(" ", "")
    for pattern in _MIXED:
        mixed = pattern.match(text)
        if mixed and int(mixed[3]) < int(mixed[4]):
            return f"{mixed[1]}({mixed[2]}+{mixed[3]}/{mixed[4]})"
    return text


def parse_math(text: str, *, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """Safely parse a math answer into a sympy object (or a collection of them).

    Builds sympy objects from whitelisted tokens only; never ``eval``/``exec``/``sympify``/``parse_expr``.
    Inputs over a limit (length, depth, tokens, exponent, factorial, digits) or over the time budget,
    and anything outside the whitelist, give ``Parsed(value=None, undecided=True, reason=...)``.
    """
    return parse_answer(text, kind=None, limits=limits)
