"""When a guild's weekly digest is due: pure functions of a clock reading and a time zone.

Weeks are ISO weeks keyed by (ISO year, ISO week) in the guild's zone, never calendar
year + week number (which collides at New Year). Due times are computed from the zone's
rules for that very date, so a daylight-saving change never shifts the local hour.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

IsoWeek = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Due:
    week: IsoWeek
    at: dt.datetime  # UTC
    week_ends_at: dt.datetime  # UTC: next Monday 00:00 local


def week_of(moment: dt.datetime, zone: ZoneInfo) -> IsoWeek:
    year, week, _ = moment.astimezone(zone).isocalendar()
    return (year, week)


def _local(day: dt.date, hour: int, zone: ZoneInfo) -> dt.datetime:
    """`hour`:00 on `day` in `zone`, as UTC.

    In a spring-forward gap the wall-clock time does not exist; with fold=0 (PEP 495) it
    takes the offset from before the change, which is the instant the gap ends. In an
    autumn overlap it is the first of the two occurrences."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zone).astimezone(dt.UTC)


def due_in_week(week: IsoWeek, weekday: int, hour: int, zone: ZoneInfo) -> Due:
    """The due time (weekday 0 = Monday) of ISO `week` in `zone`."""
    monday = dt.date.fromisocalendar(week[0], week[1], 1)
    return Due(
        week=week,
        at=_local(monday + dt.timedelta(days=weekday), hour, zone),
        week_ends_at=_local(monday + dt.timedelta(days=7), 0, zone),
    )


def pending_due(
    now: dt.datetime,
    weekday: int,
    hour: int,
    zone: ZoneInfo,
    *,
    since: dt.datetime | None = None,
) -> Due | None:
    """This week's digest if its time has come and the week is not over, else None.

    A digest missed while the bot was down is therefore still due when it comes back in
    the same week, and never after. Due times before `since` (when the digest was set up)
    do not count."""
    due = due_in_week(week_of(now, zone), weekday, hour, zone)
    if not due.at <= now < due.week_ends_at:
        return None
    if since is not None and due.at < since:
        return None
    return due


def next_due(now: dt.datetime, weekday: int, hour: int, zone: ZoneInfo) -> dt.datetime:
    """The first due time strictly after `now` (UTC)."""
    week = week_of(now, zone)
    due = due_in_week(week, weekday, hour, zone)
    if due.at > now:
        return due.at
    monday = dt.date.fromisocalendar(*week, 1) + dt.timedelta(days=7)
    following = monday.isocalendar()
    return due_in_week((following[0], following[1]), weekday, hour, zone).at


def streaks(weeks: set[IsoWeek], current: IsoWeek) -> tuple[int, int]:
    """(current streak, best streak) of consecutive ISO weeks with a visit.

    The current streak counts back from this week, or from last week when this week has no
    visit yet (the week is not over)."""

    def previous(week: IsoWeek) -> IsoWeek:
        monday = dt.date.fromisocalendar(week[0], week[1], 1) - dt.timedelta(days=7)
        year, number, _ = monday.isocalendar()
        return (year, number)

    def following(week: IsoWeek) -> IsoWeek:
        monday = dt.date.fromisocalendar(week[0], week[1], 1) + dt.timedelta(days=7)
        year, number, _ = monday.isocalendar()
        return (year, number)

    start = current if current in weeks else previous(current)
    now_run = 0
    while start in weeks:
        now_run += 1
        start = previous(start)
    best = 0
    for week in weeks:
        if previous(week) in weeks:
            continue
        length, cursor = 0, week
        while cursor in weeks:
            length += 1
            cursor = following(cursor)
        best = max(best, length)
    return now_run, best
