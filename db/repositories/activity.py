"""What one member added lately: the facts the caps per member are checked against."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Routine, Venue, Visit


class ActivityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_member(self, guild_id: int, member_id: int) -> None:
        """Serialize this member's capped writes until the transaction ends. SQLite's
        write transactions already run one at a time (`BEGIN IMMEDIATE`); PostgreSQL
        takes a transaction-level advisory lock on the member."""
        if self.session.get_bind().dialect.name != "postgresql":
            return
        key = hash((guild_id, member_id)) & 0x7FFF_FFFF_FFFF_FFFF
        await self.session.execute(select(func.pg_advisory_xact_lock(key)))

    async def proposals_since(
        self, guild_id: int, member_id: int, since: dt.datetime, limit: int
    ) -> list[dt.datetime]:
        """When the member's latest proposals since `since` were made, newest first, at
        most `limit` (removed ones count: proposing is what is capped)."""
        rows = await self.session.scalars(
            select(Venue.created_at)
            .where(
                Venue.guild_id == guild_id,
                Venue.proposer_id == member_id,
                Venue.created_at >= since,
            )
            .order_by(Venue.created_at.desc())
            .limit(limit)
        )
        return list(rows)

    async def routines_since(
        self, guild_id: int, member_id: int, since: dt.datetime, limit: int
    ) -> list[dt.datetime]:
        rows = await self.session.scalars(
            select(Routine.created_at)
            .where(
                Routine.guild_id == guild_id,
                Routine.creator_id == member_id,
                Routine.created_at >= since,
            )
            .order_by(Routine.created_at.desc())
            .limit(limit)
        )
        return list(rows)

    async def hours_on(
        self, guild_id: int, member_id: int, day: dt.date, *, except_venue: int
    ) -> float:
        """The hours the member logged on `day` at venues other than `except_venue` (the
        visit being logged replaces that one's)."""
        total = await self.session.scalar(
            select(func.coalesce(func.sum(Visit.hours), 0.0)).where(
                Visit.guild_id == guild_id,
                Visit.member_id == member_id,
                Visit.visited_on == day,
                Visit.venue_id != except_venue,
            )
        )
        return float(total or 0.0)
