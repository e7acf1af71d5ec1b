"""Calendar dates and times of day in one canonical tuple.

Read: ISO (``2024-03-05``, ``2024-03-05T14:30``), ``March 5, 2024``, ``5 March 2024``, ``Mar. 5th 2024``,
``March 2024``, a bare year, numeric ``05/03/2024`` only when the day is unambiguous (a part above 12) or
both readings agree, and times ``14:30``, ``2:30 pm``, ``2:30 p.m.``, ``noon``, ``midnight``. A date and a
less precise date (``March 2024`` vs ``2024-03-05``) are different answers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from judgeprobe.cases.answers.date_words import (
    east_asian_date,
    month_number,
    ordinal_date,
    strip_zone,
    week_date,
)
from judgeprobe.cases.answers.kinds.registry import AnswerKind
from judgeprobe.cases.answers.normalize import normalize

__all__ = ["AMBIGUOUS", "When", "canonical_when", "date_readings", "when_forms"]

MONTHS = {name: i + 1 for i, name in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"])}  # fmt: skip
_ABBREVIATIONS = {name[:3]: number for name, number in MONTHS.items()} | {"sept": 9}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY_WORDS = {name: i for i, name in enumerate(_WEEKDAYS)}
_WEEKDAY_WORDS |= {name[:3]: i for i, name in enumerate(_WEEKDAYS)}
_WEEKDAY_PREFIX = re.compile(r"^(?:it was (?:a |on a )?|on (?:a )?)?([a-z]+)\.?,?(?: |$)")
_ORDER_HINT = re.compile(r"\s*\((dd/mm/yyyy|mm/dd/yyyy|d/m/y|m/d/y|day/month/year|month/day/year)\)$")
_REMARK = re.compile(r"\s*\([^()]*\)$")


@dataclass(frozen=True, slots=True)
class When:
    """A date and/or time; ``None`` parts were not given."""

    year: int | None = None
    """Year."""
    month: int | None = None
    """Month 1–12."""
    day: int | None = None
    """Day of the month."""
    hour: int | None = None
    """Hour 0–23."""
    minute: int | None = None
    """Minute."""
    second: int | None = None
    """Second."""
    weekday: int | None = None
    """Day of the week, 0 = Monday; computed for every full date, or the whole answer (``Saturday``)."""
    offset: int | None = None
    """Time zone as minutes east of UTC, when one is written (``+09:00``, ``EDT``)."""

    def __str__(self) -> str:
        if self.weekday is not None and self.year is None:
            return _WEEKDAYS[self.weekday].capitalize()
        date = "-".join(f"{part:02d}" for part in (self.year, self.month, self.day) if part is not None)
        time = ":".join(f"{part:02d}" for part in (self.hour, self.minute, self.second) if part is not None)
        zone = (
            ""
            if self.offset is None
            else f"{'+' if self.offset >= 0 else '-'}{abs(self.offset) // 60:02d}:{abs(self.offset) % 60:02d}"
        )
        return " ".join(part for part in (date, time + zone) if part)

    def utc(self) -> When:
        """The same moment in UTC (offset 0); a time without a date wraps around midnight."""
        if self.offset is None or self.hour is None or self.minute is None:
            return self
        if self.year is not None and self.month is not None and self.day is not None:
            moment = dt.datetime(self.year, self.month, self.day, self.hour, self.minute, self.second or 0)
            moment -= dt.timedelta(minutes=self.offset)
            second = moment.second if self.second is not None else None
            return _valid(When(moment.year, moment.month, moment.day, moment.hour, moment.minute, second,
                               None, 0)) or self  # fmt: skip
        minutes = (self.hour * 60 + self.minute - self.offset) % (24 * 60)
        return When(None, None, None, minutes // 60, minutes % 60, self.second, self.weekday, 0)

    def same_moment(self, other: When) -> bool:
        """Equal as moments when both give a zone, else equal as written with any zone dropped; a time
        without seconds is on the minute (``14:30`` = ``14:30:00``)."""
        if self.offset is not None and other.offset is not None:
            return self.utc()._key() == other.utc()._key()
        return replace(self, offset=None)._key() == replace(other, offset=None)._key()

    def _key(self) -> When:
        second = 0 if self.second is None and self.hour is not None else self.second
        return replace(self, second=second)


AMBIGUOUS = When(year=-1)
"""Returned for numeric dates such as ``03/05/2024`` that read differently in US and European order."""

_ISO = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_MONTH_FIRST = re.compile(r"^([a-zäéû]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$")
_DAY_FIRST = re.compile(
    r"^(?:the |le |am |el |il )?(\d{1,2})(?:st|nd|rd|th|er|\.|º|°)? ?(?:of |de )?([a-zäéû]+)\.?,? "
    r"(?:de |del )?(\d{4})$"
)
"""``5 March 2024``, ``le 5 mars 2024``, ``5. März 2024``, ``5 de marzo de 2024``."""
_MONTH_YEAR = re.compile(r"^([a-zäéû]+)\.?,? (?:de |del )?(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))? ?(am|pm|a\.m\.|p\.m\.|a\.m|p\.m)?$")


def _month(word: str) -> int | None:
    return MONTHS.get(word) or _ABBREVIATIONS.get(word) or month_number(word)


def _valid(when: When) -> When | None:
    if when.year is not None and when.month is not None and when.day is not None:
        try:
            weekday = dt.date(when.year, when.month, when.day).weekday()
        except ValueError:
            return None
        if when.weekday is not None and when.weekday != weekday:
            return None  # "Friday, 2 March 2024": the weekday contradicts the date
        return When(when.year, when.month, when.day, when.hour, when.minute, when.second, weekday)
    if when.month is not None and not 1 <= when.month <= 12:
        return None
    return when


def _date(text: str, order: str = "") -> When | None:
    for special in (ordinal_date(text), week_date(text)):
        if special is not None:
            return _valid(When(special.year, special.month, special.day))
    if (east := east_asian_date(text)) is not None:
        return _valid(When(*east))
    if m := _ISO.match(text):
        return _valid(When(int(m[1]), int(m[2]), int(m[3]) if m[3] else None))
    if m := _NUMERIC.match(text):
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        us, eu = _valid(When(year, first, second)), _valid(When(year, second, first))
        if order == "us":
            return us
        if order == "eu":
            return eu
        if us and eu and us != eu:
            return AMBIGUOUS
        return us or eu
    if (m := _MONTH_FIRST.match(text)) and (month := _month(m[1])):
        return _valid(When(int(m[3]), month, int(m[2])))
    if (m := _DAY_FIRST.match(text)) and (month := _month(m[2])):
        return _valid(When(int(m[3]), month, int(m[1])))
    if (m := _MONTH_YEAR.match(text)) and (month := _month(m[1])):
        return When(int(m[2]), month)
    if m := _YEAR.match(text):
        return When(int(m[1]))
    return None


def _time(text: str) -> tuple[int, int, int | None] | None:
    if text in ("noon", "midday"):
        return 12, 0, None
    if text == "midnight":
        return 0, 0, None
    m = _TIME.match(text)
    if m is None or (m[2] is None and m[4] is None):
        return None
    hour, minute, second = int(m[1]), int(m[2] or 0), int(m[3]) if m[3] else None
    if m[4]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m[4].startswith("p") else 0)
    if hour > 23 or minute > 59 or (second is not None and second > 59):
        return None
    return hour, minute, second


@lru_cache(maxsize=8192)
def canonical_when(text: str) -> When | None:
    """The date/time named by ``text``; :data:`AMBIGUOUS` for ambiguous numeric dates; ``None`` if unread."""
    norm = re.sub(r"\s+", " ", normalize(text, kind=AnswerKind.DATE)).strip()
    if len(norm) > 100:
        return None
    norm = re.sub(r"^(?:on |at )", "", norm)
    order = ""
    if hint := _ORDER_HINT.search(norm):
        order = "us" if hint[1].startswith("m") else "eu"
        norm = norm[: hint.start()]
    norm = _REMARK.sub("", norm).strip(" .,")
    stated: int | None = None
    if (day := _WEEKDAY_PREFIX.match(norm)) and day[1] in _WEEKDAY_WORDS:
        stated, norm = _WEEKDAY_WORDS[day[1]], norm[day.end() :].strip(" ,")
        if not norm:
            return When(weekday=stated)
    found = _parse(norm, order)
    if found is None or found is AMBIGUOUS or stated is None:
        return found
    return found if found.weekday == stated else None


def _zoned_time(text: str) -> tuple[tuple[int, int, int | None] | None, int | None]:
    bare, offset = strip_zone(text.strip())
    return _time(bare.strip()), offset


def _parse(norm: str, order: str) -> When | None:
    offset: int | None = None
    iso_time = re.match(r"^(\d{4}-\d{1,2}-\d{1,2})[t ](\d{1,2}:\d{2}(?::\d{2})?)(?:\.\d+)?(.*)$", norm)
    if iso_time:
        date, time = _date(iso_time[1], order), _time(iso_time[2])
        if iso_time[3].strip():
            rest, offset = strip_zone("0" + iso_time[3])
            if offset is None or rest != "0":
                return None
    else:
        date_part, sep, time_part = norm.partition(" at ")
        if not sep:
            date_part, time_part = norm, ""
        date = _date(date_part.strip(", "), order)
        time, offset = _zoned_time(time_part) if time_part else (None, None)
        if date is None and not time_part:
            only, offset = _zoned_time(norm)
            return None if only is None else When(hour=only[0], minute=only[1], second=only[2], offset=offset)
        if time_part and time is None:
            return None
    if date is None or date is AMBIGUOUS:
        return date
    if time is None:
        return date
    return When(date.year, date.month, date.day, time[0], time[1], time[2], date.weekday, offset)


def date_readings(text: str) -> tuple[When, ...]:
    """Every reading of ``text``: one date, both readings of an ambiguous numeric date (month/day first,
    then day/month), or none when it is not read."""
    when = canonical_when(text)
    if when is None:
        return ()
    if when is not AMBIGUOUS:
        return (when,)
    norm = re.sub(r"\s+", " ", normalize(text, kind=AnswerKind.DATE)).strip(" .,")
    norm = re.sub(r"^(?:on |at )", "", norm)
    return tuple(w for w in (_parse(norm, "us"), _parse(norm, "eu")) if w is not None and w is not AMBIGUOUS)


_NAMES = [name.capitalize() for name in MONTHS]


def when_forms(when: When) -> list[str]:
    """Several spellings of one date or time."""
    forms: list[str] = []
    if when.weekday is not None and when.year is None:
        name = _WEEKDAYS[when.weekday].capitalize()
        return [name, name.lower(), name[:3], f"It was a {name}."]
    if when.year is not None and when.month is not None and when.day is not None:
        name = _NAMES[when.month - 1]
        forms += [f"{when.year:04d}-{when.month:02d}-{when.day:02d}", f"{name} {when.day}, {when.year}",
                  f"{when.day} {name} {when.year}", f"{name[:3]} {when.day}, {when.year}"]  # fmt: skip
        if when.day > 12:
            forms.append(f"{when.month:02d}/{when.day:02d}/{when.year}")
    elif when.year is not None and when.month is not None:
        forms += [f"{_NAMES[when.month - 1]} {when.year}", f"{when.year:04d}-{when.month:02d}"]
    if when.hour is not None and when.minute is not None:
        clock = f"{when.hour:02d}:{when.minute:02d}" + (
            f":{when.second:02d}" if when.second is not None else ""
        )
        twelve = f"{(when.hour % 12) or 12}:{when.minute:02d} {'PM' if when.hour >= 12 else 'AM'}"
        if forms:
            forms = [f"{forms[0]}T{clock}", f"{forms[1]} at {twelve}"]
        elif when.second is None:
            forms += [clock, twelve, twelve.lower()]
        else:
            forms.append(clock)
    return forms
