"""What the weekly digest reads, each section in one statement: the best places ranked in
the database from their recent ratings' faded sums, the new proposals with their count,
and the routines with how many joined them. A digest is composed
for every guild every week: what a member never sees (rows of ratings, members, one
statement per section's detail) stays in the database, and each statement is built once
per dialect, with bound parameters, then served to every guild (building one costs more
than the database takes to answer it)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Executable, Float, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.vocabulary import VENUE_STATUSES
from db.models import (
    Rating,
    Routine,
    RoutineMember,
    Venue,
    Visit,
)
from db.repositories.rank_order import RankOrder, rit_bound, rit_parameters
from db.repositories.rating_stats import PriorSums, RatingStatsRepository
from db.repositories.stats import VisitRow

#: Julian day of the Unix epoch: SQLite's julianday() of 1970-01-01 00:00 UTC.
_UNIX_JULIAN_DAY = 2440587.5


@dataclass(frozen=True, slots=True)
class RecentBest:
    """A venue among the best of the recent ratings: its faded sums, and how many of its
    ratings are new (given or updated since the last digest)."""

    venue_id: int
    name: str
    city: str
    raters: int
    weight: float
    weight_value: float
    weight_log_hours: float
    new_ratings: int


@dataclass(frozen=True, slots=True)
class FreshVenue:
    name: str
    city: str
    kind: str


@dataclass(frozen=True, slots=True)
class DigestRoutine:
    id: int
    weekday: int
    local_time: dt.time
    venue: str
    title: str | None
    paused_at: dt.datetime | None
    members: int
    #: False when its venue was removed (or awaits approval): not a gathering to show.
    active: bool = True


class DigestReads:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.sqlite = session.get_bind().dialect.name == "sqlite"

    async def prior(self, guild_id: int) -> PriorSums:
        """The guild prior's sums and its hours histogram, in one statement (the one every
        read that scores runs first)."""
        return await RatingStatsRepository(self.session).prior(guild_id)

    def _days_of(self, moment: dt.datetime) -> float:
        """`moment` as (fractional) days, on the scale of `_days`."""
        days = moment.timestamp() / 86400
        return days + _UNIX_JULIAN_DAY if self.sqlite else days

    async def best_recent(
        self,
        guild_id: int,
        order: RankOrder,
        now: dt.datetime,
        *,
        since: dt.datetime,
        half_life_days: float,
        new_since: dt.datetime,
        limit: int,
    ) -> list[RecentBest]:
        """The active venues rated since `since`, best RIT first (`order`), from their
        ratings' sums with each weight halving every `half_life_days` of age: summed and
        ranked in the database over the guild's (created_at) covering index. Callers score
        the rows exactly and cut to what they show (a few more are returned for ties)."""
        rows = await self.session.execute(
            _best_recent(self.sqlite),
            {
                "guild_id": guild_id,
                "since": since,
                "now_days": self._days_of(now),
                "fade": math.log(2) / half_life_days,
                "new_since": new_since,
                "limit": limit,
                **rit_parameters(order),
            },
        )
        return [RecentBest(*row) for row in rows]

    async def new_venues(
        self, guild_id: int, since: dt.datetime, limit: int
    ) -> tuple[list[FreshVenue], int]:
        """The latest active venues proposed since `since`, and how many there are."""
        rows = (
            await self.session.execute(
                _new_venues(), {"guild_id": guild_id, "since": since, "limit": limit}
            )
        ).all()
        total = rows[0][3] if rows else 0
        return [FreshVenue(name, city, kind) for name, city, kind, _ in rows], total

    async def visits(self, guild_id: int, since: dt.date) -> list[VisitRow]:
        """The guild's visits from `since` on (the week's hours and the chart's)."""
        rows = await self.session.execute(_visits(), {"guild_id": guild_id, "since": since})
        return [VisitRow(*row) for row in rows]

    async def routines(self, guild_id: int, limit: int) -> list[DigestRoutine]:
        """The guild's routines, by weekday and time, with how many members joined each
        and whether their venue is active (none at all: the guild has no gathering to
        tell, past or coming)."""
        rows = await self.session.execute(_routines(), {"guild_id": guild_id, "limit": limit})
        return [DigestRoutine(*row) for row in rows]


def _days(sqlite: bool, column: Any) -> Any:
    """A timestamp column as (fractional) days, on the scale of `DigestReads._days_of`."""
    if sqlite:
        return func.julianday(column, type_=Float)
    # date_part is double precision; EXTRACT would compute a numeric for every row.
    return func.date_part("epoch", column, type_=Float) / 86400.0


@cache
def _best_recent(sqlite: bool) -> Executable:
    """The best places' statement: the faded sums of the venues not removed nor pending
    (the few such venues are looked up, not the status of every rated one), ranked, and
    only the rows kept joined to their venue's name and their count of new ratings."""
    sums = _faded_sums(sqlite)
    rit = rit_bound(sums.c.weight, sums.c.weight_value, sums.c.weight_log_hours)
    ranked = (
        select(sums)
        .order_by(rit.desc(), sums.c.raters.desc(), sums.c.venue_id)
        .limit(bindparam("limit"))
        .subquery()
    )
    fresh = (
        select(func.count())
        .where(Rating.venue_id == ranked.c.venue_id, Rating.updated_at >= bindparam("new_since"))
        .scalar_subquery()
    )
    return select(
        ranked.c.venue_id,
        Venue.name,
        Venue.city,
        ranked.c.raters,
        ranked.c.weight,
        ranked.c.weight_value,
        ranked.c.weight_log_hours,
        fresh,
    ).join(Venue, Venue.id == ranked.c.venue_id)


def _faded_sums(sqlite: bool) -> Any:
    """Per active venue rated since `since`: its raters and its ratings' sums, each weight
    halving every `ln 2 / fade` days of age (none for a rating dated after `now`)."""
    exponent = (_days(sqlite, Rating.created_at) - bindparam("now_days", type_=Float)) * (
        bindparam("fade", type_=Float)
    )
    smallest = func.min if sqlite else func.least
    guild: Any = bindparam("guild_id")
    faded = (
        select(
            Rating.venue_id,
            Rating.member_id,
            (Rating.weight * func.exp(smallest(exponent, 0.0))).label("w"),
            Rating.value,
            Rating.log_hours,
        )
        .where(Rating.guild_id == guild, Rating.created_at >= bindparam("since"))
        .cte("faded")
        # Each rating's fading computed once, not once per sum that uses it.
        .prefix_with("MATERIALIZED")
    )
    inactive = select(Venue.id).where(Venue.guild_id == guild, Venue.status.in_(_INACTIVE))
    return (
        select(
            faded.c.venue_id.label("venue_id"),
            func.count(func.distinct(faded.c.member_id)).label("raters"),
            func.sum(faded.c.w).label("weight"),
            func.sum(faded.c.w * faded.c.value).label("weight_value"),
            func.sum(faded.c.w * faded.c.log_hours).label("weight_log_hours"),
        )
        .where(faded.c.venue_id.not_in(inactive))
        .group_by(faded.c.venue_id)
        .subquery()
    )


#: Every status but active: few venues, found through (guild, status, created_at).
_INACTIVE = [status for status in VENUE_STATUSES if status != "active"]


@cache
def _new_venues() -> Executable:
    return (
        select(Venue.name, Venue.city, Venue.kind, func.count().over())
        .where(
            Venue.guild_id == bindparam("guild_id"),
            Venue.status == "active",
            Venue.created_at >= bindparam("since"),
        )
        .order_by(Venue.created_at.desc(), Venue.id.desc())
        .limit(bindparam("limit"))
    )


@cache
def _visits() -> Executable:
    return select(Visit.member_id, Visit.venue_id, Visit.visited_on, Visit.hours).where(
        Visit.guild_id == bindparam("guild_id"), Visit.visited_on >= bindparam("since")
    )


@cache
def _routines() -> Executable:
    members = (
        select(func.count())
        .where(RoutineMember.routine_id == Routine.id)
        .correlate(Routine)
        .scalar_subquery()
    )
    return (
        select(
            Routine.id,
            Routine.weekday,
            Routine.local_time,
            Venue.name,
            Routine.title,
            Routine.paused_at,
            members,
            Venue.status == "active",
        )
        .join(Venue, Venue.id == Routine.venue_id)
        .where(Routine.guild_id == bindparam("guild_id"))
        .order_by(Routine.weekday, Routine.local_time, Routine.id)
        .limit(bindparam("limit"))
    )


__all__ = [
    "DigestReads",
    "DigestRoutine",
    "FreshVenue",
    "RecentBest",
]
