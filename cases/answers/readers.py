"""Independent readers that verify a meaning-level rewrite (the ``same_meaning`` of a kind's
:class:`~judgeprobe.cases.answers.kinds.Notation`).

A probe may only call a rewrite meaning-kept when a check that does not share the grader's parser agrees
(issue: the parser read ``RP^2`` as a product ``RP x RP``, ``O(n log n)`` as ``O·n·log n`` and ``Z_6`` as
``Z/2Z + Z/3Z``, and every rewrite it computed inherited the misreading). Each reader here is a small strict
grammar over the notation skeleton (:mod:`~judgeprobe.cases.answers.skeleton`); it answers ``False``
whenever it is not sure, so an unclear answer only loses its computed rewrites:

- :func:`same_numeral`: plain numerals (integers, decimals, thousands separators, ``a/b``, ``2^20``,
  percent, scientific notation) with the same unit text, equal as exact fractions;
- :func:`faithful_reader`: the tokens of both answers are ones the math parser reads one way only
  (single-letter variables, known functions and constants; a letter before ``(`` only when it is also a
  variable elsewhere: ``x(x+1)`` but not ``f(x)`` or ``O(n)``; no upper-case names such as ``RP`` or
  ``NP``), and the kind's comparer, reading them faithfully, calls them equivalent;
- :func:`same_group_structure`: direct sums and products of whitelisted factors (``Z``, ``Q``, ``R``,
  ``Z/nZ`` = ``Z_n`` = ``C_n``, ``S_n``, ``A_n``, ``Q_8``) with powers, compared as multisets without
  splitting a cyclic factor (``Z_6`` is not rewritten ``Z_2 ⊕ Z_3``);
- :func:`same_date`: ISO dates, ``March 5, 2021`` and ``5 March 2021`` (never a numeric ``03/05/2021``), and
  clock times;
- :func:`same_truth_value`: the bare words yes/no/true/false;
- :func:`same_choice`: a letter written ``A``, ``(A)``, ``A.``, ``A)``, ``a``, ``Option A``, ``A. text`` or
  the choice text alone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from fractions import Fraction
from functools import lru_cache, partial

from judgeprobe.cases.answers.equivalence import equivalent
from judgeprobe.cases.answers.judgement import Decision
from judgeprobe.cases.answers.kinds.slots import Choices, MeaningCheck
from judgeprobe.cases.answers.skeleton import notation_skeleton

__all__ = [
    "arrange_factors",
    "arrange_set",
    "arrange_terms",
    "arrange_union",
    "faithful_math",
    "faithful_reader",
    "read_numeral",
    "same_choice",
    "same_date",
    "same_group_structure",
    "same_numeral",
    "same_species_name",
    "same_truth_value",
]

# --- numerals ---------------------------------------------------------------------------------------------

_NUMERAL = re.compile(
    r"(?P<sign>[-+]?)(?:(?P<base>\d{1,4})\^(?P<power>-?\d{1,3})(?![\d.])"
    r"|(?:(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d*))?|\.(?P<frac2>\d+))"
    r"(?:/(?P<den>\d+))?"
    r"(?:(?:e|E)(?P<exp>[-+]?\d+)|\*10\^(?P<exp2>-?\d+))?)"
    r"(?P<percent>%)?"
)
_PERCENT_WORDS = ("percent", "per cent", "pct")


def _mantissa(match: re.Match[str]) -> Fraction | None:
    if match.group("base") is not None:
        return Fraction(int(match.group("base"))) ** int(match.group("power"))
    if match.group("den") is not None and (match.group("frac") is not None or match.group("exp")):
        return None
    whole = match.group("int") or "0"
    digits = match.group("frac") if match.group("frac") is not None else (match.group("frac2") or "")
    value = Fraction(int(whole.replace(",", "") + digits), 10 ** len(digits))
    if match.group("den") is not None:
        if int(match.group("den")) == 0:
            return None
        value /= int(match.group("den"))
    exponent = match.group("exp") or match.group("exp2")
    if exponent is not None:
        if abs(int(exponent)) > 400:
            return None
        value *= Fraction(10) ** int(exponent)
    return value


@lru_cache(maxsize=16384)
def read_numeral(text: str) -> tuple[Fraction, str] | None:
    """A plain numeral and its unit text (``"9.8 m/s^2"`` -> (49/5, ``"m/s^2"``)), or ``None``.

    Read: integers with or without thousands separators, decimals, ``a/b``, ``2^20``, ``1.5e-3`` and
    ``1.5 × 10^{-3}``, a percent sign or the word ``percent``; the rest is the unit, compared as text.
    """
    skeleton = notation_skeleton(text, kind="number")
    if not skeleton:
        return None
    match = _NUMERAL.match(skeleton)
    if match is None or (match.group("base") is None and not (match.group("int") or match.group("frac2"))):
        return None
    value = _mantissa(match)
    if value is None:
        return None
    unit = skeleton[match.end() :].strip()
    percent = bool(match.group("percent"))
    if unit.casefold() in _PERCENT_WORDS and not percent:
        unit, percent = "", True
    if unit and not re.fullmatch(r"[A-Za-zµμΩ°%][A-Za-z0-9µμΩ°/^\-·. ]*", unit):
        return None
    if percent:
        value /= 100
    if match.group("sign") == "-":
        value = -value
    return value, unit


def same_numeral(a: str, b: str, choices: Choices | None = None) -> bool:
    """Both are plain numerals of the same exact value, with the same unit text."""
    ra, rb = read_numeral(a), read_numeral(b)
    return ra is not None and ra == rb


# --- math tokens ----------------------------------------------------------------------------------------

_FUNCTIONS = frozenset(
    {"sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "log",
     "ln", "exp", "sqrt", "abs", "lg"}
)  # fmt: skip
_CONSTANTS = frozenset({"pi", "e", "i", "oo", "inf", "infty", "π"})
_ALLOWED = re.compile(r"[0-9A-Za-z+\-*/^_().,\[\]{}|!<>=≤≥√π∞α-ωΑ-Ω ]*")
_WORD = re.compile(r"[A-Za-zα-ωΑ-Ω]+")


@lru_cache(maxsize=16384)
def _faithful(text: str, kind: str) -> bool:
    skeleton = notation_skeleton(text, kind=kind)
    if not skeleton or len(skeleton) > 300 or not _ALLOWED.fullmatch(skeleton):
        return False
    body = re.sub(r"^[A-Za-z]=(?=.)", "", skeleton)  # a leading "x =" names the value
    if "=" in body.replace("<=", "").replace(">=", ""):
        return False  # an equation inside the answer: its reading is not one value
    for match in _WORD.finditer(body):
        word, end = match.group(0), match.end()
        if word in _FUNCTIONS or word in _CONSTANTS:
            continue
        if len(word) > 1 and (any(c.isupper() for c in word) or len(word) > 3):
            return False  # a name such as RP, NP or foo: not a product of variables
        last = word[-1]
        if end < len(body) and body[end] == "(":
            elsewhere = re.sub(re.escape(last) + r"\(", "", body)
            if not re.search(rf"(?<![A-Za-zα-ωΑ-Ω]){re.escape(last)}(?![A-Za-zα-ωΑ-Ω(])", elsewhere):
                return False  # f(x), O(n): a function applied, not a product
    return True


def faithful_math(a: str, b: str, choices: Choices | None = None, *, kind: str = "expression") -> bool:
    """Both answers use only tokens the math parser reads one way (the guard alone, no comparison)."""
    return _faithful(a, kind) and _faithful(b, kind)


def faithful_reader(kind: str) -> MeaningCheck:
    """The reader of a math kind: both answers pass the token guard of :func:`faithful_math`, and the kind's
    comparer, whose parser then reads them faithfully, calls them equivalent.

    A partial of a module-level function, not a closure, so the kind's row can be sent to a grading worker
    (:mod:`judgeprobe.cases.answers.isolation`)."""
    return partial(_faithful_same, kind=kind)


def _faithful_same(a: str, b: str, choices: Choices | None = None, *, kind: str) -> bool:
    if not faithful_math(a, b, kind=kind):
        return False
    return equivalent(a, b, kind=kind, choices=choices).decision is Decision.EQUIVALENT


def arrange_set(skeleton: str) -> str:
    """The elements of a braced set skeleton in sorted order (``{2,-1}`` -> ``{-1,2}``); other texts as
    they are. Elements are split at top-level commas only."""
    if not (skeleton.startswith("{") and skeleton.endswith("}")):
        return skeleton
    items, depth, current = [], 0, ""
    for char in skeleton[1:-1]:
        if char == "," and depth == 0:
            items.append(current)
            current = ""
            continue
        depth += (char in "([{") - (char in ")]}")
        current += char
    items.append(current)
    return "{" + ",".join(sorted(items)) + "}"


_OPEN, _CLOSE = "([{", ")]}"
_NO_SPLIT_AFTER = "^_(*/,e{[E"
_FLAT_STOP = re.compile(r"[<>=≤≥,|∪∩;]")


def _top_level(text: str) -> list[tuple[int, str]]:
    """(depth, char) for each character, depth counting brackets."""
    out, depth = [], 0
    for char in text:
        if char in _CLOSE:
            depth -= 1
        out.append((depth, char))
        if char in _OPEN:
            depth += 1
    return out


def _groups(text: str) -> list[str] | None:
    """``text`` as adjacent parenthesised groups (``(a)(b)``), or ``None`` when it is anything else."""
    groups, depth, current = [], 0, ""
    for char in text:
        current += char
        depth += (char == "(") - (char == ")")
        if depth == 0:
            if not (current.startswith("(") and current.endswith(")")):
                return None
            groups.append(current)
            current = ""
    return groups if len(groups) > 1 and not current else None


def arrange_terms(skeleton: str) -> str:
    """Summands, and adjacent parenthesised factors, in one order at every level of brackets
    (``(x-3)(x-2)`` and ``(-2+x)(x-3)`` arrange alike; ``1+x`` and ``x+1`` too): a reordering is not a
    change of notation. A level holding a comparison, a comma, an equals sign or a bar is left in order."""
    if len(skeleton) > 200:
        return skeleton
    inner = []
    depth, start = 0, 0
    for index, char in enumerate(skeleton):  # arrange inside each top-level bracket first
        if char in _OPEN:
            if depth == 0:
                inner.append(skeleton[start : index + 1])
                start = index + 1
            depth += 1
        elif char in _CLOSE:
            depth -= 1
            if depth == 0:
                inner.append(arrange_terms(skeleton[start:index]))
                start = index
    inner.append(skeleton[start:])
    text = "".join(inner)
    levels = _top_level(text)
    if any(d == 0 and _FLAT_STOP.match(c) for d, c in levels):
        return text
    terms, current = [], ""
    for index, (d, char) in enumerate(levels):
        if d == 0 and char in "+-" and current and text[index - 1] not in _NO_SPLIT_AFTER:
            terms.append(current)
            current = char
        else:
            current += char
    terms.append(current)
    signed = []
    for term in terms:
        sign, body = ("-", term[1:]) if term.startswith("-") else ("+", term.removeprefix("+"))
        factors = _groups(body)
        signed.append(sign + ("".join(sorted(factors)) if factors else body))
    return "".join(sorted(signed)).removeprefix("+")


def arrange_factors(skeleton: str) -> str:
    """The factors of a direct sum or product in one order (``Z_4×Z_2`` and ``Z_2×Z_4`` arrange alike),
    when every top-level separator is the same one; other texts as they are."""
    seps = [c for d, c in _top_level(skeleton) if d == 0 and c in "+×⊕"]
    if not seps or len(set(seps)) != 1 or len(skeleton) > 200:
        return skeleton
    pieces, depth, current = [], 0, ""
    for char in skeleton:
        if char == seps[0] and depth == 0:
            pieces.append(current)
            current = ""
            continue
        depth += (char in _OPEN) - (char in _CLOSE)
        current += char
    pieces.append(current)
    return seps[0].join(sorted(pieces))


def arrange_union(skeleton: str) -> str:
    """The pieces of a union of intervals in one order (``(2,∞)∪(-∞,-2)`` and ``(-∞,-2)∪(2,∞)`` arrange
    alike); other texts as they are."""
    if "∪" not in skeleton or len(skeleton) > 200:
        return skeleton
    pieces, depth, current = [], 0, ""
    for char in skeleton:
        if char == "∪" and depth == 0:
            pieces.append(current)
            current = ""
            continue
        depth += (char in "([{") - (char in ")]}")
        current += char
    pieces.append(current)
    return "∪".join(sorted(pieces))


# --- groups ---------------------------------------------------------------------------------------------

_FACTOR = re.compile(
    r"\(?(?:(?P<ring>[ZQRC])(?![_/])|Z/(?P<mod>\d+)Z?|Z/\((?P<mod2>\d+)\)|[ZC]_(?P<cyc>\d+)"
    r"|(?P<named>[SA])_(?P<deg>\d+)|Q_8)\)?(?:\^(?P<power>\d+))?"
)
_GROUP_SEPARATORS = re.compile(r"[+×⊕]")


@lru_cache(maxsize=16384)
def _group_structure(text: str) -> tuple[tuple[str, int], ...] | None:
    skeleton = notation_skeleton(text, kind="group")
    if not skeleton or len(skeleton) > 200:
        return None
    total: Counter[str] = Counter()
    for piece in _GROUP_SEPARATORS.split(skeleton.replace(" x ", "×")):
        match = _FACTOR.fullmatch(piece.strip())
        if match is None:
            return None
        if match.group("ring"):
            name = match.group("ring")
        elif match.group("named"):
            name = f"{match.group('named')}{int(match.group('deg'))}"
        elif piece.strip().startswith(("Q_8", "(Q_8")):
            name = "Q8"
        else:
            order = int(match.group("mod") or match.group("mod2") or match.group("cyc"))
            if order < 1:
                return None
            name = f"C{order}" if order > 1 else "1"
        copies = int(match.group("power") or 1)
        if copies < 1 or copies > 64:
            return None
        if name != "1":
            total[name] += copies
    return tuple(sorted(total.items())) or None


def same_group_structure(a: str, b: str, choices: Choices | None = None) -> bool:
    """Both are direct sums/products of the same whitelisted factors, with the same multiplicities."""
    ga, gb = _group_structure(a), _group_structure(b)
    return ga is not None and ga == gb


# --- dates ----------------------------------------------------------------------------------------------

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")  # fmt: skip
_MONTH = {name: i + 1 for i, name in enumerate(_MONTHS)} | {name[:3]: i + 1 for i, name in enumerate(_MONTHS)}
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[t ](\d{2}):(\d{2}))?")
_WRITTEN = re.compile(r"([a-z]+)\.? (\d{1,2}),? (\d{4})(?: at (\d{1,2}):(\d{2}) ?([ap])\.?m\.?)?")
_WRITTEN_DAY_FIRST = re.compile(r"(\d{1,2}) ([a-z]+)\.?,? (\d{4})")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?: ?([ap])\.?m\.?)?")
_HOUR = re.compile(r"(\d{1,2}) ?([ap])\.?m\.?")
_WEEKDAY = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _hour(hour: int, half: str | None) -> int | None:
    if half is None:
        return hour if hour < 24 else None
    if not 1 <= hour <= 12:
        return None
    return hour % 12 + (12 if half == "p" else 0)


@lru_cache(maxsize=8192)
def _date(text: str) -> tuple[int | None, ...] | None:
    skeleton = notation_skeleton(text, kind="date")
    if not skeleton:
        return None
    skeleton = re.sub(r"\s+", " ", skeleton.casefold().replace(",", " ")).strip()
    if skeleton in _WEEKDAY or skeleton in {w[:3] for w in _WEEKDAY}:
        return (-1, _WEEKDAY.index(next(w for w in _WEEKDAY if w.startswith(skeleton))))
    found = _ISO.fullmatch(skeleton)
    if found:
        year, month, day = (int(found.group(i)) for i in (1, 2, 3))
        clock = (int(found.group(4)), int(found.group(5))) if found.group(4) else (None, None)
        return _valid(year, month, day, *clock)
    found = _WRITTEN.fullmatch(skeleton)
    if found and found.group(1) in _MONTH:
        hour = _hour(int(found.group(4)), found.group(6)) if found.group(4) else None
        minute = int(found.group(5)) if found.group(5) else None
        return _valid(int(found.group(3)), _MONTH[found.group(1)], int(found.group(2)), hour, minute)
    found = _WRITTEN_DAY_FIRST.fullmatch(skeleton)
    if found and found.group(2) in _MONTH:
        return _valid(int(found.group(3)), _MONTH[found.group(2)], int(found.group(1)), None, None)
    found = _CLOCK.fullmatch(skeleton)
    if found:
        hour = _hour(int(found.group(1)), found.group(3))
        minute = int(found.group(2))
        return None if hour is None or minute > 59 else (None, None, None, hour, minute)
    found = _HOUR.fullmatch(skeleton)
    if found:
        hour = _hour(int(found.group(1)), found.group(2))
        return None if hour is None else (None, None, None, hour, 0)
    return None


def _valid(
    year: int, month: int, day: int, hour: int | None, minute: int | None
) -> tuple[int | None, ...] | None:
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    if (hour is None) != (minute is None) or (minute is not None and minute > 59):
        return None
    return (year, month, day, hour, minute)


def same_date(a: str, b: str, choices: Choices | None = None) -> bool:
    """Both are unambiguous written dates (or clock times) of the same day and time."""
    da, db = _date(a), _date(b)
    return da is not None and da == db


# --- yes/no ---------------------------------------------------------------------------------------------

_TRUTH = {"yes": True, "true": True, "no": False, "false": False}


def _truth(text: str) -> bool | None:
    skeleton = notation_skeleton(text, kind="boolean")
    return None if skeleton is None else _TRUTH.get(skeleton.casefold().strip(" .!"))


def same_truth_value(a: str, b: str, choices: Choices | None = None) -> bool:
    """Both are a bare yes/no/true/false word of the same truth value."""
    ta, tb = _truth(a), _truth(b)
    return ta is not None and ta == tb


# --- names of chemical species ---------------------------------------------------------------------------

_NAME = re.compile(r"[A-Za-z][A-Za-z ()'-]*")
_NAME_WORD = re.compile(r"[a-z]{4,}")


def same_species_name(a: str, b: str, choices: Choices | None = None) -> bool:
    """Both are the same name of a species, letter case aside (``glucose``, ``Glucose``); a formula, where
    case matters (``Co``, ``CO``), is never read as a name."""
    na, nb = (" ".join(text.strip().rstrip(".").split()) for text in (a, b))
    if not (_NAME.fullmatch(na) and _NAME.fullmatch(nb)):
        return False
    if not (_NAME_WORD.search(na.casefold()) and _NAME_WORD.search(na)):
        return False
    return na.casefold() == nb.casefold()


# --- multiple choice ------------------------------------------------------------------------------------

_LETTER_ONLY = re.compile(r"(?:option |choice )?\(?([A-Za-z])\)?[.)]?", re.IGNORECASE)
_LETTER_TEXT = re.compile(r"\(?([A-Z])[.):]?\)? +(.+)")


def _words(text: str) -> str:
    return " ".join(text.split()).casefold().rstrip(".")


def _letter(text: str, choices: Choices) -> str | None:
    table = dict(choices)
    plain = " ".join(str(text).split()).strip().rstrip(".") or str(text).strip()
    found = _LETTER_ONLY.fullmatch(plain)
    if found and found.group(1).upper() in table:
        return found.group(1).upper()
    found = _LETTER_TEXT.fullmatch(plain)
    if found and found.group(1) in table:
        same_text = (
            " ".join(found.group(2).split()).casefold() == " ".join(table[found.group(1)].split()).casefold()
        )
        return found.group(1) if same_text else None
    hits = [letter for letter, body in choices if " ".join(body.split()).casefold() == plain.casefold()]
    return hits[0] if len(hits) == 1 else None


def same_choice(a: str, b: str, choices: Choices | None = None) -> bool:
    """Both name the same one of ``choices`` (a letter in any usual style, or its text exactly)."""
    if not choices:
        return False
    la, lb = _letter(a, choices), _letter(b, choices)
    return la is not None and la == lb
