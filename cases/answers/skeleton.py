"""The notation skeleton of an answer: what is left after the transforms known to keep any answer's meaning.

Two answers with the same skeleton are the same answer in the same notation, written in another style. The
transforms are a whitelist, applied in this order, and none of them reads the answer's mathematics:

1. presentation wrappers around the whole answer: ``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``,
   ``\\boxed{…}``, ``**…**``, backticks, one final full stop;
2. LaTeX spacing and sizing (``\\,``, ``\\quad``, ``\\left``, ``\\right``, ``\\displaystyle``);
3. font and text commands around their argument (``\\mathsf{TC}`` is ``TC``, ``\\mathbb{Z}`` is ``Z``), and
   blackboard-bold letters (``ℤ`` is ``Z``);
4. LaTeX symbol commands and their Unicode characters as one spelling (``\\oplus`` and ``⊕``, ``\\alpha``
   and ``α``, ``\\log`` and ``log``, ``\\{`` and ``{``), ``\\frac{a}{b}`` and ``\\frac12`` as ``a/b``, vulgar
   fractions, the Unicode minus and dashes as ``-``, ``℃`` as ``°C``, and a named function's single-token
   argument with or without parentheses (``sin(x)``, ``\\sin x``);
5. Unicode super- and subscripts as ``^``/``_`` scripts, and a script of one character or one signed digit
   run with or without braces (``x⁵``, ``x^{5}``, ``x^5``; ``10^{-3}``, ``10^-3``);
6. whitespace: runs become one space, and a space is dropped unless it separates two letters or digits
   (``n log n`` and ``March 5`` keep theirs, ``Z + Z`` becomes ``Z+Z``); for kinds with math spacing also
   between a digit and a letter (``2 x + 1`` becomes ``2x+1``);
7. letter case, where it carries no meaning for the kind (its row's ``recase``, or a folding to lower
   case); a kind that folds to upper case only to compare names (``coNP`` = ``CONP``) keeps it, since
   ``CONP`` is not how the name is written;
8. the kind's own symbol spellings (:attr:`~judgeprobe.cases.answers.kinds.Notation.symbols`) and, for the
   kinds with math spacing, ``*``, ``·`` and ``×`` as one product sign that may be left out except between
   two digits;
9. a leading ``x =`` naming the value, for kinds whose folding drops value prefixes; then the kind's own
   :attr:`~judgeprobe.cases.answers.kinds.Notation.arrange` (sets: the order of the elements).

Nothing here evaluates anything or calls sympy; the skeleton is a plain string.
"""

from __future__ import annotations

import re
from functools import lru_cache

from judgeprobe.cases.answers.kinds.registry import AnswerKind, kind_of
from judgeprobe.cases.answers.kinds.slots import Notation
from judgeprobe.cases.answers.unicode import BLACKBOARD, GREEK, VULGAR_FRACTIONS, replace_scripts

__all__ = ["MAX_SKELETON_INPUT", "notation_skeleton", "same_notation"]

MAX_SKELETON_INPUT = 2000
"""Longer texts have no skeleton (``None``): they are not short answers."""

_OUTER = (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]"), ("**", "**"), ("__", "__"), ("`", "`"))
_SPACING = re.compile(
    r"\\(?:[,;:!> ]|quad|qquad|displaystyle|textstyle|big|Big|bigg|Bigg)(?![a-zA-Z])"
    r"|\\left(?![a-zA-Z])|\\right(?![a-zA-Z])|~"
)
_FONTS = ("mathsf", "mathrm", "mathit", "mathbf", "mathtt", "mathcal", "text", "textrm", "textsf",
          "textbf", "textit", "texttt", "mbox", "hbox", "operatorname", "mathbb", "Bbb", "boldsymbol",
          "ensuremath", "ce")  # fmt: skip
_FONT = re.compile(r"\\(" + "|".join(_FONTS) + r")(?![a-zA-Z])\s*")
_FRAC = re.compile(r"\\[dt]?frac(?![a-zA-Z])\s*")
_FRAC_DIGITS = re.compile(r"\\[dt]?frac\s*(\d)\s*(\d)")
_COMMANDS = {
    "oplus": "⊕", "otimes": "⊗", "times": "×", "cdot": "·", "ast": "∗", "le": "≤", "leq": "≤", "ge": "≥",
    "geq": "≥", "ne": "≠", "neq": "≠", "infty": "∞", "in": "∈", "notin": "∉", "cup": "∪", "cap": "∩",
    "emptyset": "∅", "varnothing": "∅", "to": "→", "rightarrow": "→", "mapsto": "↦", "aleph": "ℵ",
    "beth": "ℶ", "pm": "±", "mp": "∓", "sqrt": "√", "ldots": "…", "dots": "…", "cdots": "…", "approx": "≈",
    "sim": "∼", "cong": "≅", "simeq": "≃", "partial": "∂", "nabla": "∇", "sum": "∑", "prod": "∏", "int": "∫",
    "setminus": "∖", "subseteq": "⊆", "subset": "⊂", "circ": "∘", "star": "⋆", "wedge": "∧", "vee": "∨",
    "neg": "¬", "lnot": "¬", "forall": "∀", "exists": "∃", "mid": "|", "vert": "|", "lvert": "|",
    "rvert": "|", "langle": "⟨", "rangle": "⟩", "degree": "°", "prime": "′", "hbar": "ℏ", "ell": "ℓ",
    "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "cdotp": "·", "colon": ":",
}  # fmt: skip
_NAMED = ("log", "ln", "lg", "exp", "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan",
          "sinh", "cosh", "tanh", "det", "dim", "ker", "lim", "max", "min", "sup", "inf", "gcd", "deg", "arg",
          "Pr", "hom", "Hom", "rank", "tr")  # fmt: skip
_ESCAPES = {"\\{": "{", "\\}": "}", "\\%": "%", "\\#": "#", "\\&": "&", "\\$": "$", "\\_": "_"}
_UNICODE = {
    "−": "-", "–": "-", "—": "-", "‐": "-", "‑": "-", "⋅": "·", "∙": "·", "\u00a0": " ", "\u2009": " ",
    "\u202f": " ", "\u2002": " ", "\u2003": " ", "\u200b": "", "’": "'", "‘": "'", "“": '"', "”": '"',
    "∗": "*", "⁄": "/", "∣": "|", "〈": "⟨", "〉": "⟩", "≦": "≤", "≧": "≥", "℃": "°C", "℉": "°F",
}  # fmt: skip
_GREEK_NAMES = {name: letter for letter, name in GREEK.items()}
_GREEK_NAMES |= {"varepsilon": "ε", "varphi": "φ", "vartheta": "θ", "epsilon": "ε"}
_COMMAND = re.compile(r"\\([a-zA-Z]+)")
_SCRIPT_GROUP = re.compile(r"([\^_√])\{\s*(-?\d+|[^{}\s])\s*\}")
_PAREN_GROUP = re.compile(r"\{\s*(\([^{}()]*\))\s*\}")
_SPACE = re.compile(r"\s+")
_PRODUCT = re.compile(r"[·×]")
_FUNCTION_ARG = re.compile(
    r"(?<![A-Za-z])(sin|cos|tan|cot|sec|csc|sinh|cosh|tanh|arcsin|arccos|arctan|log|ln|exp)"
    r"(\^-?\d+)?\s*\(\s*([A-Za-z]|\d+)\s*\)"
)
_NO_NOTATION = Notation()
_VALUE_NAME = re.compile(r"^[A-Za-z]=(?=.)")


def _strip_outer(text: str) -> str:
    changed = True
    while changed:
        changed = False
        text = text.strip()
        for left, right in _OUTER:
            if len(text) > len(left) + len(right) and text.startswith(left) and text.endswith(right):
                text, changed = text[len(left) : -len(right)], True
                break
        if not changed and text.startswith("\\boxed") and text.endswith("}"):
            inner = _argument(text, len("\\boxed"))
            if inner is not None and inner[1] == len(text):
                text, changed = inner[0], True
        if not changed and len(text) > 1 and text.endswith(".") and not text[-2].isspace():
            text, changed = text[:-1], True
    return text


def _argument(text: str, at: int) -> tuple[str, int] | None:
    """The brace group starting at ``at`` (spaces skipped): its content and the offset past it."""
    while at < len(text) and text[at] == " ":
        at += 1
    if at >= len(text) or text[at] != "{":
        return None
    depth = 0
    for end in range(at, len(text)):
        if text[end] == "{":
            depth += 1
        elif text[end] == "}":
            depth -= 1
            if depth == 0:
                return text[at + 1 : end], end + 1
    return None


def _unwrap_fonts(text: str) -> str:
    for _ in range(50):
        match = _FONT.search(text)
        if match is None:
            return text
        group = _argument(text, match.end())
        if group is None:  # \mathbb Z: one token argument
            text = text[: match.start()] + text[match.end() :]
            continue
        text = text[: match.start()] + group[0] + text[group[1] :]
    return text


def _single(part: str) -> bool:
    return bool(re.fullmatch(r"\s*√?(?:-?\d+(?:\.\d+)?|[^\s{}()+\-*/^_]|\\[a-zA-Z]+)\s*", part))


def _fractions(text: str) -> str:
    for _ in range(50):
        match = _FRAC.search(text)
        if match is None:
            return text
        top = _argument(text, match.end())
        bottom = _argument(text, top[1]) if top is not None else None
        if top is None or bottom is None:
            return text
        a, b = top[0].strip(), bottom[0].strip()
        a = a if _single(a) else f"({a})"
        b = b if _single(b) else f"({b})"
        text = text[: match.start()] + f"{a}/{b}" + text[bottom[1] :]
    return text


def _command(match: re.Match[str]) -> str:
    name = match.group(1)
    if name in _COMMANDS:
        return _COMMANDS[name]
    if name in _GREEK_NAMES:
        return _GREEK_NAMES[name]
    if name in _NAMED:
        return f" {name} "
    return match.group(0)


def _spaces(text: str, math: bool) -> str:
    text = _SPACE.sub(" ", text).strip()
    out = []
    for index, char in enumerate(text):
        if char != " ":
            out.append(char)
            continue
        before, after = text[index - 1], text[index + 1]
        if not (before.isalnum() and after.isalnum()):
            continue  # around an operator or punctuation
        if math and before.isdigit() != after.isdigit():
            continue  # 2 x is 2x
        out.append(" ")
    return "".join(out)


def _products(text: str) -> str:
    text = text.replace("**", "^")
    text = _PRODUCT.sub("*", text)
    out = []
    for index, char in enumerate(text):
        if char == "*":
            before = text[index - 1] if index else ""
            after = text[index + 1] if index + 1 < len(text) else ""
            if not (before.isdigit() and after.isdigit()):
                continue
        out.append(char)
    return "".join(out)


@lru_cache(maxsize=32768)
def _skeleton(text: str, fold_case: bool, math: bool, prefixes: bool, notation: Notation) -> str:
    text = text.replace("\r", "")
    for old, new in _UNICODE.items():
        text = text.replace(old, new)
    text = _strip_outer(text)
    text = _SPACING.sub(" ", text)
    text = _unwrap_fonts(text)
    for letter, plain in BLACKBOARD.items():
        text = text.replace(letter, plain)
    for old, new in _ESCAPES.items():
        text = text.replace(old, new)
    for old, new in VULGAR_FRACTIONS.items():
        text = text.replace(old, new[1:-1])
    text = _FRAC_DIGITS.sub(r"\1/\2", text)
    text = _COMMAND.sub(_command, text)
    text = replace_scripts(text)
    text = _PAREN_GROUP.sub(r"\1", text)
    text = _SCRIPT_GROUP.sub(r"\1\2", text)
    text = _fractions(text)
    text = _FUNCTION_ARG.sub(r"\1\2 \3", text)
    for old, new in notation.symbols:
        text = text.replace(old, new)
    text = _spaces(text, math)
    if math:
        text = _products(text)
    if fold_case:
        text = text.casefold()
    text = _strip_outer(text)
    if prefixes:
        text = _VALUE_NAME.sub("", text)
    return notation.arrange(text) if notation.arrange is not None else text


def notation_skeleton(text: str, *, kind: AnswerKind | str | None = None) -> str | None:
    """The skeleton of ``text`` under ``kind`` (see the module docstring); ``None`` for texts longer than
    :data:`MAX_SKELETON_INPUT`."""
    text = str(text)
    if len(text) > MAX_SKELETON_INPUT:
        return None
    resolved = kind_of(kind)
    if resolved is None:
        return _skeleton(text, False, False, False, _NO_NOTATION)
    spec = resolved.spec
    fold_case = spec.recase or spec.folding.case == "lower"
    folding = spec.folding
    return _skeleton(text, fold_case, folding.math_spacing, folding.value_prefixes, spec.notation)


def same_notation(a: str, b: str, *, kind: AnswerKind | str | None = None) -> bool:
    """Whether ``a`` and ``b`` are one answer in one notation (equal, non-empty skeletons)."""
    sa, sb = notation_skeleton(a, kind=kind), notation_skeleton(b, kind=kind)
    return sa is not None and sa == sb and sa != ""
