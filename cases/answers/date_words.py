"""Date and time spellings beyond English: month names in French, German, Spanish and Italian, the
Japanese/Chinese ``2021年3月5日`` and Korean ``2021년 3월 5일`` forms, ordinal dates (``2021-064``), ISO week
dates (``2021-W09-5``) and time-zone designators (``Z``, ``+09:00``, ``UTC+9``, ``EDT``).

Used by :mod:`~judgeprobe.cases.answers.dates`; each function returns plain numbers or ``None``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

__all__ = ["MONTH_WORDS", "east_asian_date", "month_number", "ordinal_date", "strip_zone", "week_date"]

_MONTHS = (
    ("january", "janvier", "januar", "jänner", "enero", "gennaio"),
    ("february", "février", "februar", "febrero", "febbraio"),
    ("march", "mars", "märz", "maerz", "marzo"),
    ("april", "avril", "abril", "aprile"),
    ("may", "mai", "mayo", "maggio"),
    ("june", "juin", "juni", "junio", "giugno"),
    ("july", "juillet", "juli", "julio", "luglio"),
    ("august", "août", "agosto"),
    ("september", "septembre", "septiembre", "setiembre", "settembre"),
    ("october", "octobre", "oktober", "octubre", "ottobre"),
    ("november", "novembre", "noviembre"),
    ("december", "décembre", "dezember", "diciembre", "dicembre"),
)


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


MONTH_WORDS: dict[str, int] = {}
"""Month name (any of the languages, with and without accents) -> month number."""
for _number, _names in enumerate(_MONTHS, start=1):
    for _name in _names:
        MONTH_WORDS[_name] = _number
        MONTH_WORDS[_plain(_name)] = _number
    MONTH_WORDS[_names[0][:3]] = _number
MONTH_WORDS["sept"] = 9


def month_number(word: str) -> int | None:
    """The month a name or English abbreviation names (``mars``, ``März``, ``Sep``), or ``None``."""
    word = word.lower().strip(".")
    return MONTH_WORDS.get(word) or MONTH_WORDS.get(_plain(word))


_EAST_ASIAN = re.compile(r"^(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(?:(\d{1,2})\s*[日일])?$")


def east_asian_date(text: str) -> tuple[int, int, int | None] | None:
    """``2021年3月5日`` / ``2021년 3월 5일`` (day optional) as ``(year, month, day)``."""
    m = _EAST_ASIAN.match(text.strip())
    return None if m is None else (int(m[1]), int(m[2]), int(m[3]) if m[3] else None)


_ORDINAL = re.compile(r"^(\d{4})-?(\d{3})$")
_WEEK = re.compile(r"^(\d{4})-?w(\d{2})-?([1-7])$", re.IGNORECASE)


def ordinal_date(text: str) -> dt.date | None:
    """An ISO ordinal date: ``2021-064`` (the 64th day of 2021) is 2021-03-05."""
    m = _ORDINAL.match(text.strip())
    if m is None:
        return None
    year, day = int(m[1]), int(m[2])
    try:
        return dt.date(year, 1, 1) + dt.timedelta(days=day - 1) if 1 <= day <= 366 else None
    except OverflowError:
        return None


def week_date(text: str) -> dt.date | None:
    """An ISO week date: ``2021-W09-5`` is the Friday of week 9 of 2021."""
    m = _WEEK.match(text.strip())
    if m is None:
        return None
    try:
        return dt.date.fromisocalendar(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


ZONES = {
    "z": 0, "utc": 0, "gmt": 0, "ut": 0, "wet": 0, "bst": 60, "cet": 60, "cest": 120, "eet": 120,
    "eest": 180, "msk": 180, "jst": 540, "kst": 540, "hkt": 480, "sgt": 480, "aest": 600, "aedt": 660,
    "nzst": 720, "nzdt": 780, "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420,
    "mdt": -360, "pst": -480, "pdt": -420, "akst": -540, "akdt": -480, "hst": -600,
}  # fmt: skip
"""Unambiguous zone abbreviations -> minutes east of UTC (``IST`` and other ambiguous ones are left out)."""

_ZONE = re.compile(
    r"\s*(?:(?P<name>[a-z]{1,5})(?:\s*(?P<sign2>[+-])\s*(?P<h2>\d{1,2})(?::?(?P<m2>\d{2}))?)?"
    r"|(?P<sign>[+-])(?P<h>\d{2}):?(?P<m>\d{2})?)$"
)


def strip_zone(text: str) -> tuple[str, int | None]:
    """A time with its zone designator split off: ``14:30 EDT`` -> ``("14:30", -240)``; ``+09:00``,
    ``UTC+9``, ``Z``. The offset is ``None`` when no zone is written (or the zone is unknown)."""
    m = _ZONE.search(text)
    if m is None or m.start() == 0 or not re.search(r"\d", text[: m.start()]):
        return text, None
    if m["name"]:
        base = ZONES.get(m["name"])
        if base is None or (m["name"] not in ("utc", "gmt", "ut") and m["sign2"]):
            return text, None
        offset = base
        if m["sign2"]:
            offset = (1 if m["sign2"] == "+" else -1) * (int(m["h2"]) * 60 + int(m["m2"] or 0))
    else:
        offset = (1 if m["sign"] == "+" else -1) * (int(m["h"]) * 60 + int(m["m"] or 0))
    if abs(offset) > 14 * 60:
        return text, None
    return text[: m.start()].rstrip(), offset
