"""Cardinal numbers: ``ℵ₀``, ``2^ℵ₀``, ``𝔠``, ``ℶ₂``, ``countably infinite``, ``the continuum``, finite
numbers, and ``+``, ``×`` and ``^`` between them, read into one canonical value.

Values are finite integers, ``beth_n`` (``beth_0`` = ``aleph_0``, ``beth_1`` = ``2^aleph_0`` = the continuum)
or ``aleph_n``. Cardinal arithmetic is applied where ZFC settles it: ``κ + λ = κ · λ = max(κ, λ)`` for an
infinite one, ``2^beth_n = beth_(n+1)``, ``κ^λ = 2^λ`` for ``2 <= κ <= 2^λ`` and infinite ``λ``. ``aleph_1``
is never equated with ``beth_1`` (that is the continuum hypothesis); where the answer depends on it the
value is unknown. Names come from the ``cardinals`` alias table.
"""

from __future__ import annotations

import re
from functools import lru_cache

from judgeprobe.cases.answers.aliases import alias_table
from judgeprobe.cases.answers.normalize import normalize

__all__ = ["Cardinal", "canonical_cardinal", "cardinal_forms", "render_cardinal"]

Cardinal = tuple[str, int]
"""``("fin", n)``, ``("beth", n)`` or ``("aleph", n)`` (``aleph_0`` is written ``("beth", 0)``)."""

_TOKEN = re.compile(r"\s*(?:(\d{1,6})|(aleph|beth)_?\{?(\d)\}?|(\^|\+|\*|\\times|\\cdot|×|·)|(\()|(\)))")
_MAX_FINITE = 10**12


def _infinite(value: Cardinal) -> bool:
    return value[0] != "fin"


def _compare(a: Cardinal, b: Cardinal) -> int | None:
    """-1, 0, 1, or ``None`` when ZFC does not settle the order."""
    if a == b:
        return 0
    if not _infinite(a) or not _infinite(b):
        if not _infinite(a) and not _infinite(b):
            return -1 if a[1] < b[1] else 1
        return -1 if not _infinite(a) else 1
    if a[0] == b[0]:
        return -1 if a[1] < b[1] else 1
    if ("beth", 0) in (a, b):  # aleph_0 is the least infinite cardinal
        return -1 if a == ("beth", 0) else 1
    if {a, b} == {("aleph", 1), ("beth", 1)}:
        return None  # the continuum hypothesis
    aleph, beth = (a, b) if a[0] == "aleph" else (b, a)
    if aleph[1] <= beth[1]:  # aleph_n <= beth_n always
        return None if aleph[1] >= 1 else -1
    return None


def _sum(a: Cardinal, b: Cardinal, times: bool) -> Cardinal | None:
    if not _infinite(a) and not _infinite(b):
        value = a[1] * b[1] if times else a[1] + b[1]
        return ("fin", value) if value <= _MAX_FINITE else None
    if times and ("fin", 0) in (a, b):
        return ("fin", 0)
    order = _compare(a, b)
    if order is None:
        return None
    return a if order >= 0 else b


def _power(a: Cardinal, b: Cardinal) -> Cardinal | None:
    if not _infinite(b):
        if b[1] == 0:
            return ("fin", 1)
        if not _infinite(a):
            return ("fin", a[1] ** b[1]) if b[1] * max(1, a[1].bit_length()) <= 40 else None
        return a
    if not _infinite(a):
        return ("fin", a[1]) if a[1] in (0, 1) else ("beth", b[1] + 1) if b[0] == "beth" else None
    if b[0] != "beth" or a[0] != "beth":
        return None
    return ("beth", b[1] + 1) if a[1] <= b[1] + 1 else None


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        self.at += 1
        return self.tokens[self.at - 1]

    def sum(self) -> Cardinal | None:
        value = self.product()
        while value is not None and self.peek() == ("op", "+"):
            self.take()
            other = self.product()
            value = None if other is None else _sum(value, other, times=False)
        return value

    def product(self) -> Cardinal | None:
        value = self.power()
        while value is not None and self.peek() == ("op", "*"):
            self.take()
            other = self.power()
            value = None if other is None else _sum(value, other, times=True)
        return value

    def power(self) -> Cardinal | None:
        base = self.atom()
        if base is not None and self.peek() == ("op", "^"):
            self.take()
            exponent = self.power()
            return None if exponent is None else _power(base, exponent)
        return base

    def atom(self) -> Cardinal | None:
        token = self.peek()
        if token is None:
            return None
        self.take()
        if token[0] == "num":
            return ("fin", int(token[1]))
        if token[0] in ("aleph", "beth"):
            n = int(token[1])
            return ("beth", 0) if n == 0 else (token[0], n)
        if token == ("paren", "("):
            value = self.sum()
            if self.peek() != ("paren", ")"):
                return None
            self.take()
            return value
        return None


def _tokens(text: str) -> list[tuple[str, str]] | None:
    out: list[tuple[str, str]] = []
    at = 0
    while at < len(text):
        m = _TOKEN.match(text, at)
        if m is None or m.end() == at:
            return None if text[at:].strip() else out
        at = m.end()
        if m[1]:
            out.append(("num", m[1]))
        elif m[2]:
            out.append((m[2], m[3]))
        elif m[4]:
            out.append(("op", "^" if m[4] == "^" else "+" if m[4] == "+" else "*"))
        else:
            out.append(("paren", "(" if m[5] else ")"))
    return out


_SYMBOLS = (
    (re.compile(r"ℵ|\\aleph\s*|\baleph[- ]?"), "aleph"),
    (re.compile(r"ℶ|\\beth\s*|\bbeth[- ]?"), "beth"),
    (re.compile(r"(aleph|beth)[\s_-]*(?:null|naught|zero)\b"), r"\1_0"),
    (re.compile(r"(aleph|beth)[\s_-]*one\b"), r"\1_1"),
    (re.compile(r"(aleph|beth)[\s_-]*two\b"), r"\1_2"),
    (re.compile(r"𝔠|\\mathfrak\s*\{?\s*c\s*\}?"), "beth_1"),
)


def _pieces(text: str, depth: int) -> str:
    """Replace names from the alias table inside an expression (``2^{|R|}``) by their notation."""
    if depth > 2:
        return text
    table = alias_table("cardinals")
    for bars in re.findall(r"\|[^|]{1,40}\|", text):
        entry = table.lookup(bars)
        if entry is not None and entry.means:
            text = text.replace(bars, f"({entry.means})")
    return text


@lru_cache(maxsize=4096)
def canonical_cardinal(text: str) -> Cardinal | None:
    """The cardinal ``text`` denotes, or ``None`` when unread or not settled by ZFC."""
    norm = normalize(str(text)[:200], kind=None).strip()
    if not norm:
        return None
    entry = alias_table("cardinals").lookup(norm)
    if entry is not None and entry.means:
        norm = entry.means
    norm = _pieces(norm, 0)
    for pattern, replacement in _SYMBOLS:
        norm = pattern.sub(replacement, norm)
    norm = norm.replace("{", "(").replace("}", ")").replace("\\left", "").replace("\\right", "")
    norm = re.sub(r"(aleph|beth)\s*_?\s*\(\s*(\d)\s*\)", r"\1_\2", norm)
    tokens = _tokens(norm.replace(" ", ""))
    if not tokens:
        return None
    parser = _Parser(tokens)
    value = parser.sum()
    return value if value is not None and parser.at == len(tokens) else None


def render_cardinal(value: Cardinal, style: str) -> str:
    """A cardinal in ``latex``, ``unicode`` or ``ascii``."""
    kind, n = value
    if kind == "fin":
        return str(n)
    if kind == "beth" and n == 0:
        return {"latex": "\\aleph_0", "unicode": "ℵ₀", "ascii": "aleph_0"}[style]
    if kind == "beth" and n == 1:
        return {"latex": "\\mathfrak{c}", "unicode": "𝔠", "ascii": "2^aleph_0"}[style]
    symbol = {"latex": f"\\{kind}", "unicode": "ℶ" if kind == "beth" else "ℵ", "ascii": kind}[style]
    return f"{symbol}_{n}" if style != "latex" else f"{symbol}_{{{n}}}"


def cardinal_forms(value: Cardinal) -> list[str]:
    """Notations of one cardinal: its renderings (and ``2^ℵ₀`` for the continuum, its definition)."""
    forms = [render_cardinal(value, style) for style in ("ascii", "unicode", "latex")]
    if value == ("beth", 1):
        forms += ["2^{\\aleph_0}", "2^ℵ₀"]  # the continuum is *defined* as 2^aleph_0
    return forms
