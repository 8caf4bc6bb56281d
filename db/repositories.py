"""Repositories: queries over one session. Callers own the transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Insert,
    bindparam,
    delete,
    func,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import BotState, GuildSettings, Rating, Venue, VenueTag, Visit, Vote
from db.search import search_for


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
    removed_reason: str | None = None
    net_votes: int = 0

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

    async def same_name_and_city(
        self, guild_id: int, normalized_name: str, city_key: str, *, exclude: int | None = None
    ) -> VenueRecord | None:
        """A venue, not removed, with this normalized name in the same city."""
        stmt = select(Venue).where(
            Venue.guild_id == guild_id,
            Venue.normalized_name == normalized_name,
            Venue.city_key == city_key,
            Venue.status != "removed",
        )
        if exclude is not None:
            stmt = stmt.where(Venue.id != exclude)
        row = await self.session.scalar(stmt.order_by(Venue.id).limit(1))
        return VenueRecord.of(row) if row else None

    async def names_in_city(
        self, guild_id: int, city_key: str, *, exclude: int | None = None, limit: int = 5000
    ) -> list[tuple[int, str]]:
        """(id, normalized name) of the venues, not removed, in a city: fuzzy candidates."""
        stmt = select(Venue.id, Venue.normalized_name).where(
            Venue.guild_id == guild_id, Venue.city_key == city_key, Venue.status != "removed"
        )
        if exclude is not None:
            stmt = stmt.where(Venue.id != exclude)
        rows = await self.session.execute(stmt.limit(limit))
        return [(venue_id, name) for venue_id, name in rows]

    async def many(self, guild_id: int, ids: Sequence[int]) -> dict[int, VenueRecord]:
        if not ids:
            return {}
        rows = await self.session.scalars(
            select(Venue).where(Venue.guild_id == guild_id, Venue.id.in_(list(ids)))
        )
        return {row.id: VenueRecord.of(row) for row in rows}

    async def by_announcements(self, message_ids: Sequence[int]) -> dict[int, VenueRecord]:
        if not message_ids:
            return {}
        rows = await self.session.scalars(
            select(Venue).where(Venue.announcement_message_id.in_(list(message_ids)))
        )
        return {row.announcement_message_id: VenueRecord.of(row) for row in rows}  # type: ignore[misc]

    async def by_ids(self, ids: Sequence[int]) -> dict[int, VenueRecord]:
        if not ids:
            return {}
        rows = await self.session.scalars(select(Venue).where(Venue.id.in_(list(ids))))
        return {row.id: VenueRecord.of(row) for row in rows}

    async def tags(self, venue_id: int) -> tuple[str, ...]:
        rows = await self.session.scalars(
            select(VenueTag.tag).where(VenueTag.venue_id == venue_id).order_by(VenueTag.position)
        )
        return tuple(rows)

    async def tags_for(self, venue_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        if not venue_ids:
            return {}
        rows = await self.session.execute(
            select(VenueTag.venue_id, VenueTag.tag)
            .where(VenueTag.venue_id.in_(list(venue_ids)))
            .order_by(VenueTag.venue_id, VenueTag.position)
        )
        found: dict[int, list[str]] = {}
        for venue_id, tag in rows:
            found.setdefault(venue_id, []).append(tag)
        return {venue_id: tuple(tags) for venue_id, tags in found.items()}

    async def update(
        self, guild_id: int, venue_id: int, *, tags: Sequence[str] | None, **fields: Any
    ) -> VenueRecord:
        await self.session.execute(
            update(Venue).where(Venue.id == venue_id, Venue.guild_id == guild_id).values(**fields)
        )
        if tags is not None:
            await self.session.execute(delete(VenueTag).where(VenueTag.venue_id == venue_id))
            self.session.add_all(
                VenueTag(venue_id=venue_id, guild_id=guild_id, tag=tag, position=i)
                for i, tag in enumerate(tags)
            )
            await self.session.flush()
        row = await self.session.scalar(
            select(Venue).where(Venue.id == venue_id).execution_options(populate_existing=True)
        )
        assert row is not None
        return VenueRecord.of(row)

    async def search(
        self,
        guild_id: int,
        *,
        words: list[str],
        city_key: str | None = None,
        kind: str | None = None,
        tag: str | None = None,
        order: str = "recent",
        limit: int = 1000,
    ) -> list[VenueRecord]:
        """Active venues matching every filter, newest or most voted first."""
        conditions: list[ColumnElement[bool]] = [
            Venue.guild_id == guild_id,
            Venue.status == "active",
        ]
        if words:
            conditions.append(search_for(self.session).matches(words))
        if city_key:
            conditions.append(Venue.city_key == city_key)
        if kind:
            conditions.append(Venue.kind == kind)
        if tag:
            tagged = select(VenueTag.venue_id).where(
                VenueTag.guild_id == guild_id, VenueTag.tag == tag
            )
            conditions.append(Venue.id.in_(tagged))
        stmt = select(Venue).where(*conditions)
        if order == "votes":
            stmt = stmt.order_by(Venue.net_votes.desc(), Venue.id)
        else:
            stmt = stmt.order_by(Venue.created_at.desc(), Venue.id.desc())
        rows = await self.session.scalars(stmt.limit(limit))
        return [VenueRecord.of(row) for row in rows]

    async def set_status(
        self, guild_id: int, venue_id: int, status: str, reason: str | None = None
    ) -> None:
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

    async def existing(self, keys: Sequence[tuple[int, int, int]]) -> set[tuple[int, int, int]]:
        """Which (venue, member, value) votes are stored."""
        if not keys:
            return set()
        venues = sorted({k[0] for k in keys})
        members = sorted({k[1] for k in keys})
        rows = await self.session.execute(
            select(Vote.venue_id, Vote.member_id, Vote.value).where(
                Vote.venue_id.in_(venues), Vote.member_id.in_(members)
            )
        )
        wanted = set(keys)
        return {(v, m, value) for v, m, value in rows if (v, m, value) in wanted}

    async def add_many(
        self, rows: Sequence[tuple[int, int, int, int]]
    ) -> list[tuple[int, int, int]]:
        """Insert (guild, venue, member, value) votes; returns the (venue, member, value)
        really inserted (one already stored, maybe by a concurrent transaction, is not)."""
        if not rows:
            return []
        now = dt.datetime.now(dt.UTC)
        table = Vote.__table__  # Core, not the ORM's bulk machinery: this is the hot path
        stmt = (
            dialect_insert(self.session, table)
            .on_conflict_do_nothing(index_elements=["venue_id", "member_id", "value"])
            .returning(table.c.venue_id, table.c.member_id, table.c.value)
        )
        result = await self.session.execute(
            stmt,
            [
                {"guild_id": g, "venue_id": v, "member_id": m, "value": value, "created_at": now}
                for g, v, m, value in rows
            ],
        )
        return [(v, m, value) for v, m, value in result]

    async def remove_many(self, keys: Sequence[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """Delete (venue, member, value) votes in one statement; returns those really
        deleted."""
        if not keys:
            return []
        columns = tuple_(Vote.venue_id, Vote.member_id, Vote.value)
        result = await self.session.execute(
            delete(Vote)
            .where(columns.in_(list(keys)))
            .returning(Vote.venue_id, Vote.member_id, Vote.value)
        )
        return [(v, m, value) for v, m, value in result]

    async def shift_net(self, deltas: dict[int, int]) -> None:
        """Move each venue's net votes by its delta: one Core executemany."""
        rows = [{"venue": venue_id, "delta": d} for venue_id, d in deltas.items() if d]
        if not rows:
            return
        table = Venue.__table__
        stmt = (
            update(table)
            .where(table.c.id == bindparam("venue"))
            .values(net_votes=table.c.net_votes + bindparam("delta"))
        )
        await self.session.execute(stmt, rows)

    async def counts(self, venue_id: int) -> tuple[int, int]:
        rows = await self.session.execute(
            select(Vote.value, func.count()).where(Vote.venue_id == venue_id).group_by(Vote.value)
        )
        counts = {value: count for value, count in rows}
        return counts.get(1, 0), counts.get(-1, 0)

    async def counts_for(self, venue_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
        if not venue_ids:
            return {}
        rows = await self.session.execute(
            select(Vote.venue_id, Vote.value, func.count())
            .where(Vote.venue_id.in_(list(venue_ids)))
            .group_by(Vote.venue_id, Vote.value)
        )
        found: dict[int, list[int]] = {}
        for venue_id, value, count in rows:
            pair = found.setdefault(venue_id, [0, 0])
            pair[0 if value == 1 else 1] = count
        return {venue_id: (up, down) for venue_id, (up, down) in found.items()}


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


class GuildSettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, guild_id: int) -> GuildSettings | None:
        return await self.session.get(GuildSettings, guild_id)

    async def upsert(self, guild_id: int, **changes: Any) -> None:
        now = dt.datetime.now(dt.UTC)
        stmt = dialect_insert(self.session, GuildSettings).values(
            guild_id=guild_id, updated_at=now, **changes
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["guild_id"], set_={**changes, "updated_at": now}
        )
        await self.session.execute(stmt)


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
