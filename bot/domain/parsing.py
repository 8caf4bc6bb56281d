"""Numbers, durations, times and dates as members type them, in French or in English.

Every parser accepts both languages' habits, so a member never has to guess the format:

    hours   1.5  1,5  2  2h  1h30  1 h 30  90min  90 min  1:30
    time    21:00  21h  9h  9h30  21.30  9pm  9:30pm  9 a.m.
    date    2026-11-29  29/11/2026  29/11/26  29/11  29.11.2026  today  aujourd'hui
            yesterday  hier  avant-hier

A date written with slashes is day first (29/11), as in France and Britain; the reply
always echoes the date in words, so a reader of another habit sees what was understood.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Literal

from bot.domain.errors import InvalidInput

HOURS_MIN, HOURS_MAX = 0.25, 24.0

_NUMBER = r"\d+(?:\.\d+)?"
_HOURS_ONLY = re.compile(rf"^({_NUMBER})(?:h|hr|hrs|hour|hours|heure|heures)?$")
_HOURS_MINUTES = re.compile(r"^(\d+)(?:h|:)(\d{1,2})(?:m|min|mn)?$")
_MINUTES_ONLY = re.compile(r"^(\d+)(?:m|min|mins|mn|minute|minutes)$")


def parse_hours(value: object) -> float:
    """Hours as typed, from 0.25 to 24, rounded to the quarter hour."""
    text = str(value).strip().lower().replace(",", ".").replace(" ", "")
    hours: float | None = None
    if match := _HOURS_ONLY.match(text):
        hours = float(match[1])
    elif (match := _HOURS_MINUTES.match(text)) and int(match[2]) < 60:
        hours = int(match[1]) + int(match[2]) / 60
    elif match := _MINUTES_ONLY.match(text):
        hours = int(match[1]) / 60
    if hours is None or not math.isfinite(hours) or not HOURS_MIN <= hours <= HOURS_MAX:
        raise InvalidInput("error.hours_range", min=HOURS_MIN, max=int(HOURS_MAX))
    return max(HOURS_MIN, round(hours * 4) / 4)


_TIME_24 = re.compile(r"^(\d{1,2})(?:(?:h|:|\.)(\d{2})?)?$")
_TIME_12 = re.compile(r"^(\d{1,2})(?::(\d{2}))?(am|pm)$")


def parse_time(text: str) -> dt.time:
    """A time of day: '21:00', '21h', '9h30', '21.30', '9pm', '9:30 p.m.'."""
    compact = re.sub(r"[\s.]", "", (text or "").lower()) if _ampm(text) else ""
    raw = (text or "").strip().lower().replace(" ", "")
    if compact and (match := _TIME_12.match(compact)):
        hour, minute = int(match[1]), int(match[2] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise InvalidInput("error.time_format")
        hour = hour % 12 + (12 if match[3] == "pm" else 0)
        return dt.time(hour, minute)
    match = _TIME_24.match(raw)
    if not match or int(match[1]) > 23 or int(match[2] or 0) > 59:
        raise InvalidInput("error.time_format")
    return dt.time(int(match[1]), int(match[2] or 0))


def _ampm(text: str | None) -> bool:
    return bool(re.search(r"[ap]\.?\s*m\.?\s*$", (text or "").strip().lower()))


_TODAY = frozenset({"today", "aujourd'hui", "aujourdhui", "auj"})
_YESTERDAY = frozenset({"yesterday", "hier"})
_DAY_BEFORE = frozenset({"avant-hier", "avant hier", "avanthier"})
_DAY_MONTH = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{4}|\d{2}))?$")


def parse_date(
    text: str | None, today: dt.date, *, prefer: Literal["past", "future"] = "past"
) -> dt.date:
    """A date as typed. Without a year, the nearest such date in the past (a visit) or in
    the future (a date to skip), as `prefer` says."""
    raw = " ".join((text or "").strip().lower().replace("’", "'").split())
    if not raw or raw in _TODAY:
        return today
    if raw in _YESTERDAY:
        return today - dt.timedelta(days=1)
    if raw in _DAY_BEFORE:
        return today - dt.timedelta(days=2)
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", raw):
            year, month, day = (int(part) for part in raw.split("-"))
            return dt.date(year, month, day)
        match = _DAY_MONTH.match(raw)
        if not match:
            raise InvalidInput("error.date_format")
        day, month = int(match[1]), int(match[2])
        if match[3]:
            year = int(match[3])
            return dt.date(year + 2000 if year < 100 else year, month, day)
        return _nearest(day, month, today, prefer)
    except ValueError:
        raise InvalidInput("error.date_format") from None


def _nearest(day: int, month: int, today: dt.date, prefer: str) -> dt.date:
    this_year = dt.date(today.year, month, day) if _exists(today.year, month, day) else None
    if prefer == "past":
        if this_year is not None and this_year <= today:
            return this_year
        return dt.date(today.year - 1, month, day)
    if this_year is not None and this_year >= today:
        return this_year
    return dt.date(today.year + 1, month, day)


def _exists(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True
