"""Visits: "I went there on <date>, it took <hours>"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.errors import InvalidInput
from bot.domain.limits import refuse_too_many_hours
from bot.domain.parsing import parse_date, parse_hours
from bot.domain.ranking import DEFAULT_HOURS
from bot.domain.venues import load_venue
from db.engine import Database
from db.repositories import (
    ActivityRepository,
    GuildConfigRepository,
    RatingRepository,
    VenueRecord,
    VisitRepository,
)

EARLIEST = dt.date(2000, 1, 1)


@dataclass(frozen=True, slots=True)
class VisitOutcome:
    venue: VenueRecord
    visited_on: dt.date
    hours: float
    created: bool


def parse_visit_date(value: str | None, today: dt.date, days_back: int | None = None) -> dt.date:
    """The day of a visit as the member typed it: today by default, never in the future,
    and at most `days_back` days ago (the guild's setting)."""
    day = parse_date(value, today, prefer="past")
    if day > today:
        raise InvalidInput("error.date_future", today=today)
    if day < EARLIEST:
        raise InvalidInput("error.date_too_old", earliest=EARLIEST)
    if days_back is not None and day < today - dt.timedelta(days=days_back):
        earliest = today - dt.timedelta(days=days_back)
        raise InvalidInput("error.date_too_far_back", days=days_back, earliest=earliest)
    return day


class VisitService:
    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    async def log(
        self,
        guild_id: int,
        venue_id: int,
        member_id: int,
        *,
        date: str | None,
        hours: str | None,
        now: dt.datetime | None = None,
    ) -> VisitOutcome:
        """Log a visit (today in the guild's time zone by default). Without hours, the
        member's own rating of the venue gives them, else 2 hours."""
        now = now or await self.clock.now()
        async with self.db.write() as session:
            config = await GuildConfigRepository(session).get(guild_id)
            today = now.astimezone(config.zone).date()
            visited_on = parse_visit_date(date, today, config.visit_days_back)
            venue = await load_venue(session, guild_id, venue_id)
            if hours is None or not str(hours).strip():
                rated = await RatingRepository(session).hours_of(venue.id, member_id)
                spent = rated if rated is not None else DEFAULT_HOURS
            else:
                spent = parse_hours(hours)
            logged = await ActivityRepository(session).hours_on(
                guild_id, member_id, visited_on, except_venue=venue.id
            )
            refuse_too_many_hours(logged, spent, visited_on)
            created = await VisitRepository(session).upsert(
                guild_id=guild_id,
                venue_id=venue.id,
                member_id=member_id,
                visited_on=visited_on,
                hours=spent,
                now=now,
            )
        return VisitOutcome(venue=venue, visited_on=visited_on, hours=spent, created=created)
