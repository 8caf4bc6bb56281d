"""The rules behind promise against reality and the monthly summaries: when a month's
summaries are due in a guild's zone, the month's bounds, the counts of a month, and how
one answer changes a venue's hopes counts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.domain.hopes import hope_delta, lived_up, mask_of, often
from bot.domain.ranking import FLAG_PITCH, GOT_CONTACT, GOT_EXPERIENCE, GOT_SUBSTANCE
from bot.domain.summaries import figures, month_bounds, summary_month
from db.repositories.summaries import AnswerRow

PARIS = ZoneInfo("Europe/Paris")
AUCKLAND = ZoneInfo("Pacific/Auckland")


def test_summaries_are_due_from_nine_on_the_first_to_the_seventh_in_the_guild_zone() -> None:
    utc = dt.UTC
    # 1 April 2027: 08:59 in Paris is too early, 09:00 is due, for March.
    assert summary_month(dt.datetime(2027, 4, 1, 6, 59, tzinfo=utc), PARIS) is None
    assert summary_month(dt.datetime(2027, 4, 1, 7, 0, tzinfo=utc), PARIS) == dt.date(2027, 3, 1)
    assert summary_month(dt.datetime(2027, 4, 7, 21, 0, tzinfo=utc), PARIS) == dt.date(2027, 3, 1)
    assert summary_month(dt.datetime(2027, 4, 7, 22, 0, tzinfo=utc), PARIS) is None
    # New Year: December of the year before. Auckland's 1 January starts on 31 December UTC.
    assert summary_month(dt.datetime(2026, 12, 31, 21, 0, tzinfo=utc), AUCKLAND) == dt.date(
        2026, 12, 1
    )
    assert summary_month(dt.datetime(2026, 12, 31, 21, 0, tzinfo=utc), PARIS) is None


def test_a_month_runs_from_local_midnight_to_local_midnight() -> None:
    start, end = month_bounds(dt.date(2027, 3, 1), PARIS)
    assert start == dt.datetime(2027, 2, 28, 23, 0, tzinfo=dt.UTC)  # winter time
    assert end == dt.datetime(2027, 3, 31, 22, 0, tzinfo=dt.UTC)  # summer time
    start, end = month_bounds(dt.date(2027, 12, 1), ZoneInfo("UTC"))
    assert (start.month, end.year, end.month) == (12, 2028, 1)


def test_a_month_counts_answers_and_members_without_naming_anyone() -> None:
    rows = [
        AnswerRow(1, 5, GOT_SUBSTANCE | GOT_CONTACT, 0, GOT_SUBSTANCE),
        AnswerRow(2, 4, GOT_SUBSTANCE, FLAG_PITCH, GOT_CONTACT),
        AnswerRow(3, 2, None, FLAG_PITCH, None),
        AnswerRow(1, 4, GOT_EXPERIENCE, 0, None),
    ]
    counted = figures(rows)
    assert (counted.respondents, counted.answers) == (3, 4)
    assert counted.worth == (1, 2, 0, 1, 0)
    assert counted.median_worth == 4.0
    assert counted.got == (2, 1, 1)
    assert counted.flags == (0, 2, 0, 0)
    assert (counted.hoped, counted.met) == (2, 1)


def test_a_members_latest_hoped_answer_replaces_their_previous_one() -> None:
    assert mask_of(["substance", "contact"]) == GOT_SUBSTANCE | GOT_CONTACT
    assert lived_up(GOT_SUBSTANCE, GOT_SUBSTANCE | GOT_CONTACT)
    assert not lived_up(GOT_SUBSTANCE | GOT_CONTACT, GOT_SUBSTANCE)
    assert hope_delta(None, GOT_SUBSTANCE, None) is None
    assert hope_delta(GOT_SUBSTANCE, GOT_SUBSTANCE, None) == (1, 1)
    assert hope_delta(GOT_SUBSTANCE, None, (GOT_SUBSTANCE, GOT_SUBSTANCE)) == (0, -1)
    assert hope_delta(GOT_CONTACT, GOT_CONTACT, (GOT_SUBSTANCE, None)) == (0, 1)


def test_often_is_at_least_three_answers_and_at_least_half() -> None:
    assert not often(2, 2)
    assert often(2, 3) and often(2, 4) and not often(1, 3)
