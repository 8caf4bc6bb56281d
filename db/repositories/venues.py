"""Venues and their tags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import delete, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Venue, VenueTag
from db.repositories import venue_names
from db.repositories.rating_stats import RatingStatsRepository
from db.search import EVERY_VENUE, VenueFilter


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
    removed_reason: str | None = None
    net_votes: int = 0
    proposer_mark: str | None = None

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
            removed_reason=row.removed_reason,
            net_votes=row.net_votes,
            proposer_mark=row.proposer_mark,
        )

    @property
    def jump_url(self) -> str | None:
        if self.announcement_channel_id is None or self.announcement_message_id is None:
            return None
        return (
            f"https://discord.com/channels/{self.guild_id}/"
            f"{self.announcement_channel_id}/{self.announcement_message_id}"
        )


#: A VenueRecord's columns, in its fields' order: reads build records from rows, no ORM
#: object on the way.
RECORD_COLUMNS = tuple(getattr(Venue, field.name) for field in fields(VenueRecord))


def tag_key(label: str) -> str:
    """The form a tag is searched by: lower-case, spaces as hyphens ('IA' -> 'ia',
    'numérique responsable' -> 'numérique-responsable'). The label is kept as written."""
    return "-".join(label.lower().split())


def _tag_rows(venue_id: int, guild_id: int, labels: Sequence[str]) -> list[dict[str, Any]]:
    return [
        {
            "venue_id": venue_id,
            "guild_id": guild_id,
            "tag": tag_key(label),
            "label": label,
            "position": i,
        }
        for i, label in enumerate(labels)
    ]


class VenueRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(
        self,
        *,
        tags: Sequence[str],
        now: dt.datetime,
        cap: tuple[dt.datetime, int] | None = None,
        **fields: Any,
    ) -> VenueRecord | None:
        """Insert the venue (the unique index on live names refuses a duplicate) and its
        tags. With `cap` (since, limit), only when the proposer made fewer than `limit`
        proposals since then, in the same statement: None when they did not."""
        values = {"created_at": now, "updated_at": now, **fields}
        stmt = insert(Venue)
        if cap is None:
            stmt = stmt.values(**values)
        else:
            since, limit = cap
            recent = (
                select(literal(1))
                .where(
                    Venue.guild_id == fields["guild_id"],
                    Venue.proposer_id == fields["proposer_id"],
                    Venue.created_at >= since,
                )
                .limit(limit)
                .subquery()
            )
            under = select(func.count()).select_from(recent).scalar_subquery() < limit
            table = Venue.__table__.c
            row = select(*(literal(v, type_=table[k].type).label(k) for k, v in values.items()))
            stmt = stmt.from_select(list(values), row.where(under))
        found = (await self.session.execute(stmt.returning(*RECORD_COLUMNS))).first()
        if found is None:
            return None
        venue = VenueRecord(*found)
        if tags:
            await self.session.execute(insert(VenueTag), _tag_rows(venue.id, venue.guild_id, tags))
        return venue

    async def get(self, guild_id: int, venue_id: int) -> VenueRecord | None:
        row = (
            await self.session.execute(
                select(*RECORD_COLUMNS).where(Venue.id == venue_id, Venue.guild_id == guild_id)
            )
        ).first()
        return VenueRecord(*row) if row else None

    async def find_by_name(self, guild_id: int, normalized_name: str) -> VenueRecord | None:
        """The active venue with exactly this normalized name (oldest first)."""
        row = (
            await self.session.execute(
                select(*RECORD_COLUMNS)
                .where(
                    Venue.guild_id == guild_id,
                    Venue.normalized_name == normalized_name,
                    Venue.status == "active",
                )
                .order_by(Venue.id)
                .limit(1)
            )
        ).first()
        return VenueRecord(*row) if row else None

    async def same_name_and_city(
        self, guild_id: int, normalized_name: str, city_key: str, *, exclude: int | None = None
    ) -> VenueRecord | None:
        """A venue, not removed, with this normalized name in the same city."""
        stmt = select(*RECORD_COLUMNS).where(
            Venue.guild_id == guild_id,
            Venue.normalized_name == normalized_name,
            Venue.city_key == city_key,
            Venue.status != "removed",
        )
        if exclude is not None:
            stmt = stmt.where(Venue.id != exclude)
        row = (await self.session.execute(stmt.order_by(Venue.id).limit(1))).first()
        return VenueRecord(*row) if row else None

    async def many(self, guild_id: int, ids: Sequence[int]) -> dict[int, VenueRecord]:
        """The guild's venues among `ids`: found by their ids, the guild checked on each (a
        condition on the guild would let SQLite read all of the guild's venues instead)."""
        if not ids:
            return {}
        rows = await self.session.execute(select(*RECORD_COLUMNS).where(Venue.id.in_(list(ids))))
        records = (VenueRecord(*row) for row in rows)
        return {record.id: record for record in records if record.guild_id == guild_id}

    async def by_announcements(self, message_ids: Sequence[int]) -> dict[int, VenueRecord]:
        if not message_ids:
            return {}
        rows = await self.session.scalars(
            select(Venue).where(Venue.announcement_message_id.in_(list(message_ids)))
        )
        venues = (VenueRecord.of(row) for row in rows)
        return {
            venue.announcement_message_id: venue
            for venue in venues
            if venue.announcement_message_id is not None
        }

    async def by_ids(self, ids: Sequence[int]) -> dict[int, VenueRecord]:
        if not ids:
            return {}
        rows = await self.session.scalars(select(Venue).where(Venue.id.in_(list(ids))))
        return {row.id: VenueRecord.of(row) for row in rows}

    async def tags(self, venue_id: int) -> tuple[str, ...]:
        rows = await self.session.scalars(
            select(func.coalesce(VenueTag.label, VenueTag.tag))
            .where(VenueTag.venue_id == venue_id)
            .order_by(VenueTag.position)
        )
        return tuple(rows)

    async def update(
        self, guild_id: int, venue_id: int, *, tags: Sequence[str] | None, **fields: Any
    ) -> VenueRecord:
        await self.session.execute(
            update(Venue).where(Venue.id == venue_id, Venue.guild_id == guild_id).values(**fields)
        )
        if tags is not None:
            await self.session.execute(delete(VenueTag).where(VenueTag.venue_id == venue_id))
            if tags:
                await self.session.execute(insert(VenueTag), _tag_rows(venue_id, guild_id, tags))
        row = await self.session.scalar(
            select(Venue).where(Venue.id == venue_id).execution_options(populate_existing=True)
        )
        assert row is not None
        return VenueRecord.of(row)

    async def pending_changes(self, guild_id: int, venue_id: int) -> dict[str, Any] | None:
        return await self.session.scalar(
            select(Venue.pending_changes).where(Venue.id == venue_id, Venue.guild_id == guild_id)
        )

    async def set_pending_changes(
        self, guild_id: int, venue_id: int, changes: dict[str, Any] | None
    ) -> None:
        await self.session.execute(
            update(Venue)
            .where(Venue.id == venue_id, Venue.guild_id == guild_id)
            .values(pending_changes=changes)
        )

    async def search(
        self,
        guild_id: int,
        *,
        where: VenueFilter = EVERY_VENUE,
        order: str = "recent",
        limit: int = 1000,
    ) -> list[VenueRecord]:
        """Active venues matching `where`: newest or most
        voted first. By RIT, the scorer finds them (bot.domain.scores)."""
        conditions = where.conditions(self.session, guild_id)
        stmt = select(*RECORD_COLUMNS).where(
            where.in_guild(self.session, guild_id), Venue.status == "active", *conditions
        )
        if order == "votes":
            stmt = stmt.order_by(Venue.net_votes.desc(), Venue.id)
        else:
            stmt = stmt.order_by(Venue.created_at.desc(), Venue.id.desc())
        rows = await self.session.execute(stmt.limit(limit))
        return [VenueRecord(*row) for row in rows]

    async def set_status(
        self, guild_id: int, venue_id: int, status: str, reason: str | None = None
    ) -> None:
        """Change the status; the ranking's prior follows a venue that starts or stops
        being active."""
        before = await self.session.scalar(
            select(Venue.status).where(Venue.id == venue_id, Venue.guild_id == guild_id)
        )
        if before is not None and (before == "active") != (status == "active"):
            await RatingStatsRepository(self.session).venue_activity_changed(
                guild_id, venue_id, status == "active"
            )
        await self.session.execute(
            update(Venue)
            .where(Venue.id == venue_id, Venue.guild_id == guild_id)
            .values(status=status, removed_reason=reason, updated_at=dt.datetime.now(dt.UTC))
        )

    async def set_announcement(
        self, guild_id: int, venue_id: int, channel_id: int, message_id: int
    ) -> None:
        await self.session.execute(
            update(Venue)
            .where(Venue.id == venue_id, Venue.guild_id == guild_id)
            .values(announcement_channel_id=channel_id, announcement_message_id=message_id)
        )

    async def delete(self, guild_id: int, venue_id: int) -> None:
        status = await self.session.scalar(
            select(Venue.status).where(Venue.id == venue_id, Venue.guild_id == guild_id)
        )
        if status == "active":
            await RatingStatsRepository(self.session).venue_activity_changed(
                guild_id, venue_id, False
            )
        await self.session.execute(
            delete(Venue).where(Venue.id == venue_id, Venue.guild_id == guild_id)
        )

    async def search_names(self, guild_id: int, query: str, limit: int) -> list[VenueRecord]:
        """Active venues whose name starts with `query`, then those with a word starting so,
        each by name (db/repositories/venue_names.py); the newest when `query` is empty."""
        rows = await venue_names.search_names(self.session, guild_id, query, limit)
        return [VenueRecord(*row) for row in rows]
