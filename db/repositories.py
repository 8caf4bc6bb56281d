"""Repositories: queries over one session. Callers own the transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Insert, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import BotState, GuildSettings, Venue, VenueTag, Vote


def dialect_insert(session: AsyncSession, table: Any) -> Insert:
    """`INSERT` that knows `ON CONFLICT` on both backends."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True, slots=True)
class VenueRecord:
    id: int
    guild_id: int
    name: str
    kind: str
    city: str
    address: str | None
    url: str | None
    description: str
    proposer_id: int
    status: str
    created_at: dt.datetime
    announcement_channel_id: int | None
    announcement_message_id: int | None

    @classmethod
    def of(cls, row: Venue) -> VenueRecord:
        return cls(
            id=row.id,
            guild_id=row.guild_id,
            name=row.name,
            kind=row.kind,
            city=row.city,
            address=row.address,
            url=row.url,
            description=row.description,
            proposer_id=row.proposer_id,
            status=row.status,
            created_at=row.created_at,
            announcement_channel_id=row.announcement_channel_id,
            announcement_message_id=row.announcement_message_id,
        )

    @property
    def jump_url(self) -> str | None:
        if self.announcement_channel_id is None or self.announcement_message_id is None:
            return None
        return (
            f"https://discord.com/channels/{self.guild_id}/"
            f"{self.announcement_channel_id}/{self.announcement_message_id}"
        )


class VenueRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, *, tags: Sequence[str], now: dt.datetime, **fields: Any) -> VenueRecord:
        venue = Venue(created_at=now, updated_at=now, **fields)
        self.session.add(venue)
        await self.session.flush()
        self.session.add_all(
            VenueTag(venue_id=venue.id, guild_id=venue.guild_id, tag=tag, position=i)
            for i, tag in enumerate(tags)
        )
        await self.session.flush()
        return VenueRecord.of(venue)

    async def get(self, guild_id: int, venue_id: int) -> VenueRecord | None:
        row = await self.session.scalar(
            select(Venue).where(Venue.id == venue_id, Venue.guild_id == guild_id)
        )
        return VenueRecord.of(row) if row else None

    async def find_by_name(self, guild_id: int, normalized_name: str) -> VenueRecord | None:
        """The active venue with exactly this normalized name (oldest first)."""
        row = await self.session.scalar(
            select(Venue)
            .where(
                Venue.guild_id == guild_id,
                Venue.normalized_name == normalized_name,
                Venue.status == "active",
            )
            .order_by(Venue.id)
            .limit(1)
        )
        return VenueRecord.of(row) if row else None

    async def with_normalized_name(self, guild_id: int, normalized_name: str) -> list[VenueRecord]:
        """Venues, not removed, whose normalized name is exactly this one."""
        rows = await self.session.scalars(
            select(Venue)
            .where(
                Venue.guild_id == guild_id,
                Venue.normalized_name == normalized_name,
                Venue.status != "removed",
            )
            .order_by(Venue.id)
        )
        return [VenueRecord.of(row) for row in rows]

    async def by_announcement(self, guild_id: int, message_id: int) -> VenueRecord | None:
        row = await self.session.scalar(
            select(Venue).where(
                Venue.announcement_message_id == message_id, Venue.guild_id == guild_id
            )
        )
        return VenueRecord.of(row) if row else None

    async def tags(self, venue_id: int) -> tuple[str, ...]:
        rows = await self.session.scalars(
            select(VenueTag.tag).where(VenueTag.venue_id == venue_id).order_by(VenueTag.position)
        )
        return tuple(rows)

    async def set_announcement(
        self, guild_id: int, venue_id: int, channel_id: int, message_id: int
    ) -> None:
        await self.session.execute(
            update(Venue)
            .where(Venue.id == venue_id, Venue.guild_id == guild_id)
            .values(announcement_channel_id=channel_id, announcement_message_id=message_id)
        )

    async def delete(self, guild_id: int, venue_id: int) -> None:
        await self.session.execute(
            delete(Venue).where(Venue.id == venue_id, Venue.guild_id == guild_id)
        )

    async def search_names(self, guild_id: int, query: str, limit: int) -> list[VenueRecord]:
        """Active venues whose name starts with `query`, then those with a word starting so."""
        stmt = select(Venue).where(Venue.guild_id == guild_id, Venue.status == "active")
        if query:
            pattern = escape_like(query)
            prefix = Venue.normalized_name.like(f"{pattern}%", escape="\\")
            word = Venue.normalized_name.like(f"% {pattern}%", escape="\\")
            stmt = stmt.where(or_(prefix, word)).order_by(
                prefix.desc(), Venue.normalized_name, Venue.id
            )
        else:
            stmt = stmt.order_by(Venue.created_at.desc(), Venue.id.desc())
        rows = await self.session.scalars(stmt.limit(limit))
        return [VenueRecord.of(row) for row in rows]


class VoteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, guild_id: int, venue_id: int, member_id: int, value: int) -> bool:
        stmt = (
            dialect_insert(self.session, Vote)
            .values(
                guild_id=guild_id,
                venue_id=venue_id,
                member_id=member_id,
                value=value,
                created_at=dt.datetime.now(dt.UTC),
            )
            .on_conflict_do_nothing(index_elements=["venue_id", "member_id", "value"])
        )
        result = await self.session.execute(stmt)
        return bool(result.rowcount)

    async def remove(self, venue_id: int, member_id: int, value: int) -> bool:
        result = await self.session.execute(
            delete(Vote).where(
                Vote.venue_id == venue_id, Vote.member_id == member_id, Vote.value == value
            )
        )
        return bool(result.rowcount)

    async def counts(self, venue_id: int) -> tuple[int, int]:
        rows = await self.session.execute(
            select(Vote.value, func.count()).where(Vote.venue_id == venue_id).group_by(Vote.value)
        )
        counts = {value: count for value, count in rows}
        return counts.get(1, 0), counts.get(-1, 0)


class GuildSettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, guild_id: int) -> GuildSettings | None:
        return await self.session.get(GuildSettings, guild_id)


class BotStateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, key: str) -> str | None:
        return await self.session.scalar(select(BotState.value).where(BotState.key == key))

    async def put(self, key: str, value: str) -> None:
        now = dt.datetime.now(dt.UTC)
        stmt = dialect_insert(self.session, BotState).values(key=key, value=value, updated_at=now)
        stmt = stmt.on_conflict_do_update(
            index_elements=["key"], set_={"value": value, "updated_at": now}
        )
        await self.session.execute(stmt)
