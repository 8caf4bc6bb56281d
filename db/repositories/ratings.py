"""Ratings: a history per member and venue; the newest is `latest`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Rating, Venue


@dataclass(frozen=True, slots=True)
class RatingRow:
    """A rating as the ranking reads it."""

    venue_id: int
    member_id: int
    worth: int
    value: float
    hours: float
    weight: float
    latest: bool
    tier: str
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class RatingEntry:
    """One rating of a member's history of a venue, with everything they answered."""

    id: int
    worth: int
    hours: float
    substance: int | None
    experience: int | None
    connections: int | None
    comment: str | None
    got: int | None
    flags: int
    tier: str
    visit_id: int | None
    occurrence_id: int | None
    weight: float
    value: float
    log_hours: float
    latest: bool
    created_at: dt.datetime
    #: What the member hoped to get (GOT_* bits), for a check-back answer that said so.
    hopes: int | None = None


ENTRY_COLUMNS = (
    Rating.id,
    Rating.worth,
    Rating.hours,
    Rating.substance,
    Rating.experience,
    Rating.connections,
    Rating.comment,
    Rating.got,
    Rating.flags,
    Rating.tier,
    Rating.visit_id,
    Rating.occurrence_id,
    Rating.weight,
    Rating.value,
    Rating.log_hours,
    Rating.latest,
    Rating.created_at,
    Rating.hopes,
)


@dataclass(frozen=True, slots=True)
class RatingSummary:
    count: int = 0
    worth: float | None = None
    hours: float | None = None
    substance: float | None = None
    experience: float | None = None
    connections: float | None = None


@dataclass(frozen=True, slots=True)
class VenueCard:
    """What the venue card shows members, over each member's latest rating of the venue."""

    #: Members who said "I went" to an occurrence at the venue (an attended rating).
    attendees: int = 0
    #: Members known to have gone (a visit logged, or through the check-back) ...
    visitors: int = 0
    #: ... and those of them who went on at least two different days.
    returning: int = 0
    #: Members whose latest rating answered what they got and what went wrong.
    answered: int = 0
    #: How many of them ticked each of GOT_ALL, then each of FLAG_ALL (same order).
    got: tuple[int, ...] = ()
    flags: tuple[int, ...] = ()
    #: The median of the members' latest reported hours.
    median_hours: float | None = None
    #: New contacts made at the venue that led somewhere (a call, a client, a collaboration).
    led_somewhere: int = 0
    #: Members whose latest check-back answer came with hopes, and those who got them all.
    hoped: int = 0
    hopes_met: int = 0


_TABLE = Rating.metadata.tables[Rating.__tablename__]
#: A rating's insert, built once (Core: the columns come from the parameters).
_INSERT = insert(_TABLE).returning(_TABLE.c.id)
#: Older ratings' new weights, none of them the latest any more (Core, one executemany).
_REWEIGH = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("rating"))
    .values(weight=bindparam("new_weight"), latest=False)
)


class RatingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def history(self, venue_id: int, member_id: int) -> list[RatingEntry]:
        """The member's ratings of the venue, newest first."""
        rows = await self.session.execute(
            select(*ENTRY_COLUMNS)
            .where(Rating.venue_id == venue_id, Rating.member_id == member_id)
            .order_by(Rating.id.desc())
        )
        return [RatingEntry(**row._mapping) for row in rows]

    async def last(self, venue_id: int, member_id: int) -> RatingEntry | None:
        row = (
            await self.session.execute(
                select(*ENTRY_COLUMNS)
                .where(Rating.venue_id == venue_id, Rating.member_id == member_id)
                .order_by(Rating.id.desc())
                .limit(1)
            )
        ).first()
        return RatingEntry(**row._mapping) if row else None

    async def hours_of(self, venue_id: int, member_id: int) -> float | None:
        entry = await self.last(venue_id, member_id)
        return entry.hours if entry else None

    async def insert(
        self, *, guild_id: int, venue_id: int, member_id: int, now: dt.datetime, **values: Any
    ) -> int:
        result = await self.session.execute(
            _INSERT,
            {
                "guild_id": guild_id,
                "venue_id": venue_id,
                "member_id": member_id,
                "created_at": now,
                "updated_at": now,
                "latest": True,
                **values,
            },
        )
        return int(result.scalar_one())

    async def reweigh(self, changes: Sequence[tuple[int, float]]) -> None:
        """New weights of older ratings (id, weight), none of which is the latest any more."""
        if not changes:
            return
        await self.session.execute(
            _REWEIGH,
            [{"rating": rating_id, "new_weight": weight} for rating_id, weight in changes],
        )

    async def rows(
        self,
        guild_id: int,
        *,
        venue_ids: Sequence[int] | None = None,
        since: dt.datetime | None = None,
    ) -> list[RatingRow]:
        """Every rating of the guild's active venues: for checks and rebuilds, never for a
        command (commands read the sums kept in rating_stats)."""
        stmt = (
            select(
                Rating.venue_id,
                Rating.member_id,
                Rating.worth,
                Rating.value,
                Rating.hours,
                Rating.weight,
                Rating.latest,
                Rating.tier,
                Rating.updated_at,
            )
            .join(Venue, Venue.id == Rating.venue_id)
            .where(Rating.guild_id == guild_id, Venue.status == "active")
        )
        if venue_ids is not None:
            stmt = stmt.where(Rating.venue_id.in_(list(venue_ids)))
        if since is not None:
            stmt = stmt.where(Rating.created_at >= since)
        result = await self.session.execute(stmt)
        return [RatingRow(*row) for row in result]
