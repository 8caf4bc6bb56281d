"""Visits and ratings read for profiles and digests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Rating, Venue, Visit
from db.repositories.venues import VenueRecord


@dataclass(frozen=True, slots=True)
class VisitRow:
    member_id: int
    venue_id: int
    visited_on: dt.date
    hours: float


class StatsRepository:
    """Visits and ratings read for profiles and digests."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def visits(
        self,
        guild_id: int,
        *,
        member_id: int | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> list[VisitRow]:
        stmt = select(Visit.member_id, Visit.venue_id, Visit.visited_on, Visit.hours).where(
            Visit.guild_id == guild_id
        )
        if member_id is not None:
            stmt = stmt.where(Visit.member_id == member_id)
        if since is not None:
            stmt = stmt.where(Visit.visited_on >= since)
        if until is not None:
            stmt = stmt.where(Visit.visited_on < until)
        rows = await self.session.execute(stmt)
        return [VisitRow(*row) for row in rows]

    async def last_good_moment(self, guild_id: int, member_id: int) -> tuple[str, dt.date] | None:
        """The member's latest visit to a venue they rated 4 or more: (venue name, date)."""
        row = (
            await self.session.execute(
                select(Venue.name, Visit.visited_on)
                .join(Venue, Venue.id == Visit.venue_id)
                .join(
                    Rating,
                    and_(Rating.venue_id == Visit.venue_id, Rating.member_id == Visit.member_id),
                )
                .where(
                    Visit.guild_id == guild_id,
                    Visit.member_id == member_id,
                    Rating.worth >= 4,
                )
                .order_by(Visit.visited_on.desc(), Visit.id.desc())
                .limit(1)
            )
        ).first()
        return (row[0], row[1]) if row else None

    async def ratings_count(self, guild_id: int, member_id: int) -> int:
        return (
            await self.session.scalar(
                select(func.count()).where(
                    Rating.guild_id == guild_id, Rating.member_id == member_id
                )
            )
            or 0
        )

    async def new_ratings(self, guild_id: int, since: dt.datetime) -> dict[int, int]:
        rows = await self.session.execute(
            select(Rating.venue_id, func.count())
            .where(Rating.guild_id == guild_id, Rating.updated_at >= since)
            .group_by(Rating.venue_id)
        )
        return {venue_id: count for venue_id, count in rows}

    async def new_venues(self, guild_id: int, since: dt.datetime, limit: int) -> list[VenueRecord]:
        rows = await self.session.scalars(
            select(Venue)
            .where(Venue.guild_id == guild_id, Venue.status == "active", Venue.created_at >= since)
            .order_by(Venue.created_at.desc(), Venue.id.desc())
            .limit(limit)
        )
        return [VenueRecord.of(row) for row in rows]

    async def count_new_venues(self, guild_id: int, since: dt.datetime) -> int:
        return (
            await self.session.scalar(
                select(func.count()).where(
                    Venue.guild_id == guild_id,
                    Venue.status == "active",
                    Venue.created_at >= since,
                )
            )
            or 0
        )
