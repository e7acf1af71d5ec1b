"""Group notation: direct sums and products of cyclic and free abelian factors, compared as multisets.

``Z^5``, ``ℤ⁵``, ``\\mathbb{Z}^5``, ``Z⊕Z⊕Z⊕Z⊕Z``, ``Z+Z+Z+Z+Z``, ``Z×Z×Z×Z×Z`` and
``\\mathbb{Z}^{\\oplus 5}`` all canonicalise to five copies of ``Z``. Finite cyclic factors split into
prime powers (``Z_6 = Z_2 ⊕ Z_3``), so the primary decomposition decides finite abelian groups. Other
named factors (``S_3``, ``Q_8``) are kept as opaque names, and a direct product of finitely many of them
is compared as a multiset.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import sympy

from judgeprobe.cases.answers.aliases import alias_table
from judgeprobe.cases.answers.kinds.registry import AnswerKind
from judgeprobe.cases.answers.normalize import normalize
from judgeprobe.cases.answers.unicode import to_superscript

__all__ = ["Factors", "canonical_group", "group_forms", "render_group"]

Factors = tuple[tuple[str, int], ...]
"""A canonical group: sorted ``(factor, copies)`` pairs; ``Z`` is the integers, ``C8`` a cyclic group."""

_TRIVIAL = {"0", "1", "\\{0\\}", "\\{e\\}", "trivial", "trivialgroup", "thetrivialgroup", "{0}", "{e}"}
_RANK = re.compile(r"^(?:the\s+)?free\s+abelian\s+group\s+(?:of|with)\s+rank\s+(\d+)$", re.IGNORECASE)
_BIGOPLUS = re.compile(r"^\\bigoplus_\{?[a-z]=1\}?\^\{?(\d+)\}?(.+)$")
_SEPARATORS = re.compile(r"\\oplus|\\times|\+|(?<=[\s)}])[xX](?=[\s({])|⊕|×")
_FREE_PRODUCT = re.compile(r"\*|∗|\\ast")
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}  # fmt: skip
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), replacement)
    for pattern, replacement in (
        (r"^(?:the\s+)?(?:finite\s+)?cyclic group (?:of order|with) (\w+)(?: elements)?$", "Z_{n}"),
        (r"^(?:the\s+)?infinite cyclic group$", "Z"),
        (r"^(?:the\s+)?klein[\s-]*(?:four[\s-]*)?group$", "Z_2 x Z_2"),
        (r"^(?:the\s+)?quaternion group(?: of order 8)?$", "Q_8"),
        (r"^(?:the\s+)?free group (?:on|with|of rank) (\w+)(?: generators)?$", "F_{n}"),
        (r"^(?:the\s+)?(?:zero|trivial) (?:group|module)$", "0"),
        (r"^(?:the\s+)?symmetric group (?:on|of degree) (\w+)(?: letters| elements| symbols)?$", "S_{n}"),
        (r"^(?:the\s+)?dihedral group of order (\w+)$", "Dih_{half}"),
        (r"^(?:the\s+)?alternating group (?:on|of degree) (\w+)(?: letters| elements)?$", "A_{n}"),
    )
)
_LINEAR = re.compile(r"^(P?SL|P?GL|SO|SU|Sp|O|U)(?:_\{?(\d+)\}?\(|\((\d+),)(.+)\)$")
_FACTOR_ALIASES = {
    "V": "Z_2 x Z_2", "V_4": "Z_2 x Z_2", "K_4": "Z_2 x Z_2", "Q8": "Q_8", "C_\\infty": "Z", "C_oo": "Z",
    "C_\\infty ": "Z", "Sym(3)": "S_3", "D_3": "S_3", "Dih_3": "S_3", "GL(2,2)": "S_3", "SL(2,2)": "S_3",
    "F_1": "Z", "S_1": "0", "S_2": "Z_2", "A_3": "Z_3", "Dih_1": "Z_2", "Dih_2": "Z_2 x Z_2",
}  # fmt: skip
"""Factors with more than one name (``V_4`` is ``Z_2 x Z_2``; ``D_3`` and ``GL(2, F_2)`` are ``S_3``)."""


def _number(word: str) -> int | None:
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word.lower())


def _field(text: str) -> str:
    text = re.sub(r"[\s{}]", "", text)
    finite = re.fullmatch(r"(?:F_?|GF\(?|\\mathbbF_?)(\d+)\)?", text)
    return finite.group(1) if finite else text


def _alias(piece: str) -> str | None:
    key = re.sub(r"[\s{}]|\\mathfrak", "", piece)
    key = re.sub(r"^Sym\((\d+)\)$", r"S_\1", key)
    linear = _LINEAR.match(key)
    if linear:
        key = f"{linear.group(1)}({linear.group(2) or linear.group(3)},{_field(linear.group(4))})"
    dihedral = re.fullmatch(r"D_(\d+)", key)
    if dihedral and int(dihedral.group(1)) % 2 == 1:
        key = f"Dih_{dihedral.group(1)}"  # D_n with n odd can only mean the order-2n convention
    return _FACTOR_ALIASES.get(key, key if key != re.sub(r"[\s{}]", "", piece) else None)


_COUNT = r"(?:\^\{?(?:\\oplus|\\times)?\s*(\d+)\}?)?"
_FACTOR_PATTERNS = (
    (re.compile(rf"^\(?Z/\(?(\d+)\)?Z?\)?{_COUNT}$"), "cyclic"),
    (re.compile(rf"^\(?[ZC]_\{{?(\d+)\}}?\)?{_COUNT}$"), "cyclic"),
    (re.compile(rf"^\(?Z\)?{_COUNT}$"), "free"),
    (re.compile(rf"^\(?([A-Z]{{1,3}}[a-z]?(?:_\{{?\w+\}}?)?(?:\([^()]*\))?)\)?{_COUNT}$"), "named"),
)


def _named(text: str, depth: int = 0) -> Counter[str] | None:
    """A group named in the ``groups`` alias table: its notation read, or an opaque ``=id`` factor."""
    entry = alias_table("groups").lookup(text)
    if entry is None or depth > 2:
        return None
    if entry.means:
        found = canonical_group(entry.means)
        return None if found is None else Counter(dict(found))
    return Counter({f"={entry.id}": 1})


def _factor(piece: str) -> Counter[str] | None:
    piece = piece.strip()
    if piece in _TRIVIAL:
        return Counter()
    named = _named(piece)
    if named is not None:
        return named
    alias = _alias(piece)
    if alias is not None and alias != piece:
        known = canonical_group(alias)
        return None if known is None else Counter(dict(known))
    for pattern, what in _FACTOR_PATTERNS:
        match = pattern.match(piece)
        if match is None:
            continue
        if what == "free":
            return Counter({"Z": int(match.group(1) or 1)})
        copies = int(match.group(2) or 1)
        if what == "named":
            name = re.sub(r"[{}\s]", "", match.group(1))
            return Counter({name: copies})
        order = int(match.group(1))
        if order == 0:
            return Counter({"Z": copies})  # Z/0Z is Z
        if order > 10**12:
            return None
        found: Counter[str] = Counter()
        for prime, power in sympy.factorint(order).items():
            found[f"C{prime**power}"] += copies
        return found
    return None


@lru_cache(maxsize=8192)
def canonical_group(text: str) -> Factors | None:
    """The canonical factor multiset of a group written in notation, or ``None`` when not understood."""
    norm = normalize(text, kind=AnswerKind.GROUP)
    if len(norm) > 400:
        return None
    rank = _RANK.match(norm.replace("\\", ""))
    if rank:
        return (("Z", int(rank.group(1))),) if int(rank.group(1)) else ()
    if norm.replace(" ", "").lower() in _TRIVIAL:
        return ()
    for pattern, replacement in _PHRASES:
        phrase = pattern.match(norm)
        if phrase:
            n = _number(phrase.group(1)) if phrase.groups() else None
            if phrase.groups() and n is None:
                return None
            if "{half}" in replacement:
                if n is None or n % 2:
                    return None
                return canonical_group(replacement.replace("{half}", str(n // 2)))
            return canonical_group(replacement.replace("{n}", str(n)))
    named = _named(norm)
    if named is not None:
        return tuple(sorted(named.items()))
    if _FREE_PRODUCT.search(norm):
        pieces = [p.strip() for p in _FREE_PRODUCT.split(norm)]
        if all(p in ("Z", "\\mathbb{Z}") for p in pieces):
            return canonical_group(f"F_{len(pieces)}")
        factors = [canonical_group(p) for p in pieces]
        if any(f is None or not f for f in factors):
            return None
        joined = "|".join(sorted(render_group(f, "ascii") for f in factors if f is not None))
        return ((f"*({joined})", 1),)  # a free product, compared by its factors in any order
    big = _BIGOPLUS.match(norm)
    if big:
        inner = _factor(big.group(2))
        if inner is None:
            return None
        return tuple(sorted((k, v * int(big.group(1))) for k, v in inner.items()))
    norm = re.sub(r"\^\{\s*\\(?:oplus|times)\s*", "^{", norm)
    total: Counter[str] = Counter()
    for piece in _SEPARATORS.split(norm):
        found = _factor(piece)
        if found is None or not piece.strip():
            return None
        total.update(found)
    return tuple(sorted(total.items()))


def _names(factor: str, style: str) -> str:
    if factor == "Z":
        return {"latex": "\\mathbb{Z}", "unicode": "ℤ", "ascii": "Z"}[style]
    if factor.startswith("C") and factor[1:].isdigit():
        n = factor[1:]
        return {"latex": f"\\mathbb{{Z}}/{n}\\mathbb{{Z}}", "unicode": f"ℤ/{n}ℤ", "ascii": f"Z/{n}Z"}[style]
    return factor


def _power(base: str, copies: int, style: str) -> str:
    if copies == 1:
        return base
    wrapped = f"({base})" if "/" in base else base
    if style == "latex":
        return f"{wrapped}^{{{copies}}}"
    if style == "unicode":
        return f"{wrapped}{to_superscript(str(copies))}"
    return f"{wrapped}^{copies}"


def render_group(factors: Factors, style: str) -> str:
    """Render canonical factors in ``latex``, ``unicode`` or ``ascii`` style."""
    if not factors:
        return "0"
    joiner = {"latex": " \\oplus ", "unicode": " ⊕ ", "ascii": " + "}[style]
    return joiner.join(_power(_names(name, style), copies, style) for name, copies in factors)


def group_forms(factors: Factors) -> list[str]:
    """Several surface forms of one group (exponent form, expanded sums and products, LaTeX, Unicode)."""
    forms = [render_group(factors, style) for style in ("ascii", "unicode", "latex")]
    if len(factors) == 1 and factors[0][1] <= 8:
        name, copies = factors[0]
        for style, joiners in (("ascii", ("+", " x ", " + ")), ("unicode", ("⊕", "×", " ⊕ ")),
                               ("latex", (" \\oplus ", " \\times "))):  # fmt: skip
            base = _names(name, style)
            forms.extend(joiner.join([base] * copies) for joiner in joiners)
        if name == "Z" and copies > 1:
            forms.append(f"\\mathbb{{Z}}^{{\\oplus {copies}}}")
            forms.append(f"free abelian group of rank {copies}")
            forms.append(f"Z^{{{copies}}}")
        if name.startswith("C") and name[1:].isdigit() and copies == 1:
            forms.extend([f"Z_{name[1:]}", f"C_{name[1:]}", f"\\mathbb{{Z}}_{{{name[1:]}}}"])
    return forms
