"""Visits logged by members."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Visit
from db.repositories.sql import dialect_insert


class VisitRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def upsert(
        self,
        *,
        guild_id: int,
        venue_id: int,
        member_id: int,
        visited_on: dt.date,
        hours: float,
        now: dt.datetime,
    ) -> bool:
        """Log a visit; True when new, False when that day's visit was updated."""
        existing = await self.session.scalar(
            select(Visit.id).where(
                Visit.venue_id == venue_id,
                Visit.member_id == member_id,
                Visit.visited_on == visited_on,
            )
        )
        stmt = dialect_insert(self.session, Visit).values(
            guild_id=guild_id,
            venue_id=venue_id,
            member_id=member_id,
            visited_on=visited_on,
            hours=hours,
            created_at=now,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["venue_id", "member_id", "visited_on"], set_={"hours": hours}
        )
        await self.session.execute(stmt)
        return existing is None

    async def id_of(self, venue_id: int, member_id: int, visited_on: dt.date) -> int | None:
        return await self.session.scalar(
            select(Visit.id).where(
                Visit.venue_id == venue_id,
                Visit.member_id == member_id,
                Visit.visited_on == visited_on,
            )
        )
