"""Digest due times with a controllable clock: DST, week boundaries, catch-up, streaks."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.schedule import due_in_week, next_due, pending_due, streaks, week_of

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
UTC = dt.UTC


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_monday_nine_in_paris_stays_nine_across_the_dst_change() -> None:
    # Europe/Paris moves to summer time on Sunday 29 March 2026.
    before = due_in_week((2026, 13), 0, 9, PARIS)  # Monday 23 March: UTC+1
    after = due_in_week((2026, 14), 0, 9, PARIS)  # Monday 30 March: UTC+2
    assert before.at == at(2026, 3, 23, 8)
    assert after.at == at(2026, 3, 30, 7)
    assert before.at.astimezone(PARIS).hour == after.at.astimezone(PARIS).hour == 9
    autumn = due_in_week((2026, 44), 0, 9, PARIS)  # back to UTC+1 on 25 October
    assert autumn.at == at(2026, 10, 26, 8)


def test_a_time_that_does_not_exist_posts_when_the_gap_ends() -> None:
    # Sunday 29 March 2026, 02:00 in Paris does not exist (clocks jump to 03:00).
    due = due_in_week((2026, 13), 6, 2, PARIS)
    assert due.at == at(2026, 3, 29, 1)
    assert due.at.astimezone(PARIS).hour == 3


def test_week_boundary_uses_the_guild_zone() -> None:
    # Sunday 23:30 in New York is already Monday in UTC: still the old week there.
    moment = at(2026, 11, 30, 4, 30)
    assert week_of(moment, NEW_YORK) == (2026, 48)
    assert week_of(moment, UTC) == (2026, 49)


def test_iso_year_differs_from_calendar_year_at_new_year() -> None:
    assert week_of(at(2027, 1, 1, 12), UTC) == (2026, 53)
    assert week_of(at(2024, 12, 30, 12), UTC) == (2025, 1)
    assert due_in_week((2026, 53), 4, 18, UTC).at == at(2027, 1, 1, 18)


def test_catch_up_after_downtime_within_the_week_only() -> None:
    # Due Monday 09:00 Paris; the bot comes back on Wednesday: still due, once.
    wednesday = at(2026, 11, 25, 10)
    due = pending_due(wednesday, 0, 9, PARIS)
    assert due is not None and due.week == (2026, 48)
    assert due.at == at(2026, 11, 23, 8)
    # Before the hour on Monday: not yet.
    assert pending_due(at(2026, 11, 23, 7, 59), 0, 9, PARIS) is None
    # Sunday night, last minute of the week in Paris: still due.
    assert pending_due(at(2026, 11, 29, 22, 59), 0, 9, PARIS) is not None
    # Monday 00:30 Paris of the next week: that week's digest is not due yet, and the
    # missed one is never posted.
    assert pending_due(at(2026, 11, 29, 23, 30), 0, 9, PARIS) is None


def test_setup_after_this_weeks_time_waits_for_next_week() -> None:
    since = at(2026, 11, 25, 12)
    assert pending_due(at(2026, 11, 25, 13), 0, 9, PARIS, since=since) is None
    assert pending_due(at(2026, 11, 30, 8, 1), 0, 9, PARIS, since=since) is not None


def test_next_due() -> None:
    assert next_due(at(2026, 11, 23, 7), 0, 9, PARIS) == at(2026, 11, 23, 8)
    assert next_due(at(2026, 11, 23, 8), 0, 9, PARIS) == at(2026, 11, 30, 8)


@given(
    moment=st.datetimes(
        min_value=dt.datetime(2020, 1, 1),
        max_value=dt.datetime(2035, 12, 31),
        timezones=st.just(UTC),
    ),
    weekday=st.integers(0, 6),
    hour=st.integers(0, 23),
    zone=st.sampled_from([PARIS, NEW_YORK, ZoneInfo("Australia/Sydney"), ZoneInfo("UTC")]),
)
def test_due_is_in_its_week_and_next_due_is_later(moment, weekday, hour, zone) -> None:
    week = week_of(moment, zone)
    due = due_in_week(week, weekday, hour, zone)
    assert week_of(due.at, zone) == week
    assert due.at.astimezone(zone).weekday() == weekday
    following = next_due(moment, weekday, hour, zone)
    assert moment < following <= moment + dt.timedelta(days=7, hours=2)


def test_streaks() -> None:
    weeks = {(2026, 45), (2026, 46), (2026, 47), (2026, 40), (2026, 41)}
    assert streaks(weeks, (2026, 48)) == (3, 3)  # this week has no visit yet
    assert streaks(weeks | {(2026, 48)}, (2026, 48)) == (4, 4)
    assert streaks(weeks, (2026, 50)) == (0, 3)
    assert streaks({(2026, 53), (2027, 1)}, (2027, 1)) == (2, 2)
    assert streaks(set(), (2026, 1)) == (0, 0)
