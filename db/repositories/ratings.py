"""Ratings: one per member per venue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Rating, Venue
from db.repositories.sql import dialect_insert


@dataclass(frozen=True, slots=True)
class RatingRow:
    venue_id: int
    worth: int
    hours: float
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class RatingSummary:
    count: int = 0
    worth: float | None = None
    hours: float | None = None
    substance: float | None = None
    experience: float | None = None
    connections: float | None = None


class RatingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def exists(self, venue_id: int, member_id: int) -> bool:
        found = await self.session.scalar(
            select(Rating.id).where(Rating.venue_id == venue_id, Rating.member_id == member_id)
        )
        return found is not None

    async def hours_of(self, venue_id: int, member_id: int) -> float | None:
        return await self.session.scalar(
            select(Rating.hours).where(Rating.venue_id == venue_id, Rating.member_id == member_id)
        )

    async def upsert(
        self, *, guild_id: int, venue_id: int, member_id: int, now: dt.datetime, **values: Any
    ) -> None:
        stmt = dialect_insert(self.session, Rating).values(
            guild_id=guild_id,
            venue_id=venue_id,
            member_id=member_id,
            created_at=now,
            updated_at=now,
            **values,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["venue_id", "member_id"], set_={**values, "updated_at": now}
        )
        await self.session.execute(stmt)

    async def rows(
        self,
        guild_id: int,
        *,
        venue_ids: Sequence[int] | None = None,
        since: dt.datetime | None = None,
    ) -> list[RatingRow]:
        """Ratings of the guild's active venues (optionally only some venues, or recent)."""
        stmt = (
            select(Rating.venue_id, Rating.worth, Rating.hours, Rating.updated_at)
            .join(Venue, Venue.id == Rating.venue_id)
            .where(Rating.guild_id == guild_id, Venue.status == "active")
        )
        if venue_ids is not None:
            stmt = stmt.where(Rating.venue_id.in_(list(venue_ids)))
        if since is not None:
            stmt = stmt.where(Rating.updated_at >= since)
        result = await self.session.execute(stmt)
        return [RatingRow(*row) for row in result]

    async def summary(self, venue_id: int) -> RatingSummary:
        row = (
            await self.session.execute(
                select(
                    func.count(Rating.id),
                    func.avg(Rating.worth),
                    func.avg(Rating.hours),
                    func.avg(Rating.substance),
                    func.avg(Rating.experience),
                    func.avg(Rating.connections),
                ).where(Rating.venue_id == venue_id)
            )
        ).one()

        def number(value: Any) -> float | None:
            return None if value is None else float(value)

        return RatingSummary(row[0], *(number(v) for v in row[1:]))

    async def latest_comments(self, venue_id: int, limit: int = 3) -> list[str]:
        rows = await self.session.scalars(
            select(Rating.comment)
            .where(Rating.venue_id == venue_id, Rating.comment.is_not(None), Rating.comment != "")
            .order_by(Rating.updated_at.desc(), Rating.id.desc())
            .limit(limit)
        )
        return [comment for comment in rows if comment]
