"""What the weekly digest reads, each section in one statement: the best places ranked in
the database from their recent ratings' faded sums, the new proposals with their count,
and the routines with how many joined them. A digest is composed
for every guild every week: what a member never sees (rows of ratings, members, one
statement per section's detail) stays in the database."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, and_, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    GuildRatingHours,
    GuildRatingPrior,
    Rating,
    Routine,
    RoutineMember,
    Venue,
)
from db.repositories.rank_order import RankOrder, rit_expression
from db.repositories.rating_stats import PriorSums

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
        """The guild prior's sums and its hours histogram, in one statement."""
        rows = (
            await self.session.execute(
                select(
                    GuildRatingPrior.count,
                    GuildRatingPrior.value_sum,
                    GuildRatingPrior.value_squares,
                    GuildRatingHours.quarters,
                    GuildRatingHours.count,
                )
                .select_from(GuildRatingPrior)
                .outerjoin(
                    GuildRatingHours,
                    and_(
                        GuildRatingHours.guild_id == GuildRatingPrior.guild_id,
                        GuildRatingHours.count > 0,
                    ),
                )
                .where(GuildRatingPrior.guild_id == guild_id)
            )
        ).all()
        if not rows:
            return PriorSums(0, 0.0, 0.0, {})
        histogram = {quarters: count for *_, quarters, count in rows if quarters is not None}
        count, value_sum, value_squares = rows[0][:3]
        return PriorSums(count, value_sum, value_squares, histogram)

    def _days(self, column: Any) -> Any:
        """A timestamp column as (fractional) days, on the scale of `_days_of`."""
        if self.sqlite:
            return func.julianday(column, type_=Float)
        # date_part is double precision; EXTRACT would compute a numeric for every row.
        return func.date_part("epoch", column, type_=Float) / 86400.0

    def _days_of(self, moment: dt.datetime) -> float:
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
        sums = self._faded_sums(guild_id, now, since, half_life_days)
        rit = rit_expression(order, sums.c.weight, sums.c.weight_value, sums.c.weight_log_hours)
        ranked = (
            select(sums, Venue.name.label("name"), Venue.city.label("city"))
            .join(Venue, Venue.id == sums.c.venue_id)
            .where(Venue.status == "active")
            .order_by(rit.desc(), sums.c.raters.desc(), sums.c.venue_id)
            .limit(limit)
            .subquery()
        )
        fresh = (
            select(func.count())
            .where(Rating.venue_id == ranked.c.venue_id, Rating.updated_at >= new_since)
            .scalar_subquery()
        )
        rows = await self.session.execute(
            select(
                ranked.c.venue_id,
                ranked.c.name,
                ranked.c.city,
                ranked.c.raters,
                ranked.c.weight,
                ranked.c.weight_value,
                ranked.c.weight_log_hours,
                fresh,
            )
        )
        return [RecentBest(*row) for row in rows]

    def _faded_sums(
        self, guild_id: int, now: dt.datetime, since: dt.datetime, half_life_days: float
    ) -> Any:
        """Per venue rated since `since`: its raters and its ratings' sums, each weight
        halving every `half_life_days` of age."""
        exponent = (self._days(Rating.created_at) - literal(self._days_of(now), Float)) * (
            math.log(2) / half_life_days
        )
        # A rating dated after `now` is not faded (its age counts as 0).
        smallest = func.min if self.sqlite else func.least
        faded = (
            select(
                Rating.venue_id,
                Rating.member_id,
                (Rating.weight * func.exp(smallest(exponent, 0.0))).label("w"),
                Rating.value,
                Rating.log_hours,
            )
            .where(Rating.guild_id == guild_id, Rating.created_at >= since)
            .cte("faded")
            # Each rating's fading computed once, not once per sum that uses it.
            .prefix_with("MATERIALIZED")
        )
        sums = (
            select(
                faded.c.venue_id.label("venue_id"),
                func.count(func.distinct(faded.c.member_id)).label("raters"),
                func.sum(faded.c.w).label("weight"),
                func.sum(faded.c.w * faded.c.value).label("weight_value"),
                func.sum(faded.c.w * faded.c.log_hours).label("weight_log_hours"),
            )
            .group_by(faded.c.venue_id)
            .subquery()
        )
        return sums

    async def new_venues(
        self, guild_id: int, since: dt.datetime, limit: int
    ) -> tuple[list[FreshVenue], int]:
        """The latest active venues proposed since `since`, and how many there are."""
        rows = (
            await self.session.execute(
                select(Venue.name, Venue.city, Venue.kind, func.count().over())
                .where(
                    Venue.guild_id == guild_id,
                    Venue.status == "active",
                    Venue.created_at >= since,
                )
                .order_by(Venue.created_at.desc(), Venue.id.desc())
                .limit(limit)
            )
        ).all()
        total = rows[0][3] if rows else 0
        return [FreshVenue(name, city, kind) for name, city, kind, _ in rows], total

    async def routines(self, guild_id: int, limit: int) -> list[DigestRoutine]:
        """The guild's routines, by weekday and time, with how many members joined each
        and whether their venue is active (none at all: the guild has no gathering to
        tell, past or coming)."""
        members = (
            select(func.count())
            .where(RoutineMember.routine_id == Routine.id)
            .correlate(Routine)
            .scalar_subquery()
        )
        rows = await self.session.execute(
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
            .where(Routine.guild_id == guild_id)
            .order_by(Routine.weekday, Routine.local_time, Routine.id)
            .limit(limit)
        )
        return [DigestRoutine(*row) for row in rows]


__all__ = [
    "DigestReads",
    "DigestRoutine",
    "FreshVenue",
    "RecentBest",
]
