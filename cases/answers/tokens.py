"""The whitelisting tokenizer of the safe math parser.

Only the characters and words listed here become tokens; anything else (quotes, dots after a bracket,
colons, unknown LaTeX commands, long unknown words such as ``import``) stops tokenizing with a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["CONSTANTS", "FUNCTIONS", "GREEK_NAMES", "Tok", "Token", "TokenizeError", "tokenize"]


class Tok(StrEnum):
    """Token kinds."""

    NUM = "num"
    NAME = "name"
    FUNC = "func"
    CONST = "const"
    OP = "op"
    FRAC = "frac"
    SQRT = "sqrt"
    BINOM = "binom"


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind and its canonical text."""

    kind: Tok
    """What the token is."""
    text: str
    """Canonical text: the digits, the function or symbol name, or the operator."""


class TokenizeError(ValueError):
    """The text contains something the whitelist does not allow."""


FUNCTIONS = frozenset({
    "sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan", "asin", "acos", "atan",
    "sinh", "cosh", "tanh", "log", "ln", "lg", "exp", "sqrt", "abs", "factorial",
})  # fmt: skip
"""Function names accepted as plain words or LaTeX commands."""

CONSTANTS = frozenset({"pi", "e", "i", "infty", "inf", "infinity", "oo", "emptyset", "varnothing"})
"""Constant names (``e`` is Euler's number, ``i`` the imaginary unit)."""

GREEK_NAMES = frozenset({
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "kappa",
    "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "phi", "varphi", "chi", "psi", "omega", "Gamma",
    "Delta", "Theta", "Lambda", "Sigma", "Phi", "Psi", "Omega",
})  # fmt: skip
"""Greek letter names that become symbols."""

NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13",
    "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
    "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
    "eighty": "80", "ninety": "90", "hundred": "100", "thousand": "1000", "million": "1000000",
}  # fmt: skip
"""A lone number word (any case) is read as its number: ``six`` is 6 (``twenty-five`` is not read)."""

_OPERATOR_COMMANDS = {"cdot": "*", "times": "*", "div": "/", "ast": "*", "{": "{", "}": "}", "cup": "cup",
                      "lvert": "|", "rvert": "|", "vert": "|", "mid": "|"}  # fmt: skip
_PLAIN_WORDS = sorted(FUNCTIONS | (CONSTANTS - {"e", "i"}) | GREEK_NAMES, key=len, reverse=True)
_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+(?![\d.]))?")
_WORD = re.compile(r"[A-Za-z]+")
_SINGLE_OPS = set("+-*/^!%()[]{},|_")
MAX_LETTERS_FROM_UNKNOWN_WORD = 3
"""An unknown word with more letters than this (besides known names) is refused, not read as a product."""


def _split_word(word: str) -> list[Token]:
    if word.lower() in NUMBER_WORDS and len(word) > 2:
        return [Token(Tok.NUM, NUMBER_WORDS[word.lower()])]
    if word in FUNCTIONS:
        return [Token(Tok.FUNC, word)]
    if word in CONSTANTS or word in GREEK_NAMES:
        return [Token(Tok.CONST if word in CONSTANTS else Tok.NAME, word)]
    out: list[Token] = []
    pos = 0
    singles = 0
    while pos < len(word):
        for known in _PLAIN_WORDS:
            if len(known) > 1 and word.startswith(known, pos):
                kind = Tok.FUNC if known in FUNCTIONS else Tok.CONST if known in CONSTANTS else Tok.NAME
                out.append(Token(kind, known))
                pos += len(known)
                break
        else:
            letter = word[pos]
            out.append(Token(Tok.CONST if letter in "ei" else Tok.NAME, letter))
            singles += 1
            pos += 1
    if len(word) > 1 and singles > MAX_LETTERS_FROM_UNKNOWN_WORD:
        raise TokenizeError(f"unknown word {word[:20]!r}")
    return out


def _command(name: str) -> Token:
    if name in ("frac", "dfrac", "tfrac", "cfrac"):
        return Token(Tok.FRAC, "frac")
    if name == "sqrt":
        return Token(Tok.SQRT, "sqrt")
    if name in ("binom", "dbinom", "tbinom", "choose"):
        return Token(Tok.BINOM, "binom")
    if name in FUNCTIONS or name in ("arcsin", "arccos", "arctan"):
        return Token(Tok.FUNC, name)
    if name in CONSTANTS:
        return Token(Tok.CONST, name)
    if name in GREEK_NAMES:
        return Token(Tok.NAME, name)
    if name in _OPERATOR_COMMANDS:
        return Token(Tok.OP, _OPERATOR_COMMANDS[name])
    raise TokenizeError(f"LaTeX command \\{name[:20]} is not allowed")


def tokenize(text: str, *, max_tokens: int) -> list[Token]:
    """Split ``text`` into whitelisted tokens.

    Args:
        text: A normalised answer string.
        max_tokens: Refuse texts with more tokens than this.

    Raises:
        TokenizeError: A character, command or word outside the whitelist, or too many tokens.
    """
    tokens: list[Token] = []
    pos = 0
    n = len(text)
    while pos < n:
        char = text[pos]
        if char.isspace():
            pos += 1
            continue
        if char.isdigit() or (char == "." and pos + 1 < n and text[pos + 1].isdigit()):
            match = _NUMBER.match(text, pos)
            if match is None:  # pragma: no cover - the guard above makes a match certain
                raise TokenizeError(f"bad number at position {pos}")
            tokens.append(Token(Tok.NUM, match.group(0)))
            pos = match.end()
        elif char.isascii() and char.isalpha():
            match = _WORD.match(text, pos)
            assert match is not None
            word = match.group(0)
            if word.lower() in NUMBER_WORDS and text[match.end() : match.end() + 1] == "-":
                raise TokenizeError(f"compound number word {word!r}-… is not read here")
            tokens.extend(_split_word(word))
            pos = match.end()
        elif char == "\\":
            if pos + 1 < n and text[pos + 1] in "{}":
                tokens.append(Token(Tok.OP, text[pos + 1]))
                pos += 2
                continue
            match = _WORD.match(text, pos + 1)
            if match is None:
                raise TokenizeError(f"stray backslash at position {pos}")
            tokens.append(_command(match.group(0)))
            pos = match.end()
        elif char == "*" and text.startswith("**", pos):
            tokens.append(Token(Tok.OP, "^"))
            pos += 2
        elif char in _SINGLE_OPS:
            tokens.append(Token(Tok.OP, char))
            pos += 1
        else:
            raise TokenizeError(f"character {char!r} is not allowed in a math answer")
        if len(tokens) > max_tokens:
            raise TokenizeError(f"more than {max_tokens} tokens")
    return tokens
