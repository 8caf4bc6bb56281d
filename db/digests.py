"""Repositories for the weekly digest, routines, visits statistics and member profiles."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    DigestRun,
    GuildSettings,
    MemberProfile,
    Rating,
    Routine,
    RoutineMember,
    Venue,
    Visit,
)
from db.repositories import dialect_insert, escape_like


@dataclass(frozen=True, slots=True)
class DigestRunRecord:
    id: int
    guild_id: int
    iso_year: int
    iso_week: int
    claimed_at: dt.datetime
    posted_at: dt.datetime | None
    message_id: int | None
    channel_id: int | None
    venue_ids: tuple[int, ...]
    attempts: int
    last_error: str | None
    next_attempt_at: dt.datetime | None

    @classmethod
    def of(cls, row: DigestRun) -> DigestRunRecord:
        return cls(
            id=row.id,
            guild_id=row.guild_id,
            iso_year=row.iso_year,
            iso_week=row.iso_week,
            claimed_at=row.claimed_at,
            posted_at=row.posted_at,
            message_id=row.message_id,
            channel_id=row.channel_id,
            venue_ids=tuple(json.loads(row.venue_ids or "[]")),
            attempts=row.attempts,
            last_error=row.last_error,
            next_attempt_at=row.next_attempt_at,
        )

    @property
    def jump_url(self) -> str | None:
        if self.message_id is None or self.channel_id is None:
            return None
        return f"https://discord.com/channels/{self.guild_id}/{self.channel_id}/{self.message_id}"


class DigestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def scheduled(self, guild_ids: Sequence[int]) -> list[GuildSettings]:
        """Settings of these guilds that have a digest configured."""
        if not guild_ids:
            return []
        rows = await self.session.scalars(
            select(GuildSettings).where(
                GuildSettings.guild_id.in_(list(guild_ids)),
                GuildSettings.digest_channel_id.is_not(None),
                GuildSettings.digest_weekday.is_not(None),
                GuildSettings.digest_hour.is_not(None),
            )
        )
        return list(rows)

    async def get(self, guild_id: int, week: tuple[int, int]) -> DigestRunRecord | None:
        row = await self.session.scalar(
            select(DigestRun).where(
                DigestRun.guild_id == guild_id,
                DigestRun.iso_year == week[0],
                DigestRun.iso_week == week[1],
            )
        )
        return DigestRunRecord.of(row) if row else None

    async def latest(self, guild_id: int) -> DigestRunRecord | None:
        row = await self.session.scalar(
            select(DigestRun)
            .where(DigestRun.guild_id == guild_id)
            .order_by(DigestRun.iso_year.desc(), DigestRun.iso_week.desc())
            .limit(1)
        )
        return DigestRunRecord.of(row) if row else None

    async def by_messages(self, message_ids: Sequence[int]) -> dict[int, DigestRunRecord]:
        if not message_ids:
            return {}
        rows = await self.session.scalars(
            select(DigestRun).where(DigestRun.message_id.in_(list(message_ids)))
        )
        return {row.message_id: DigestRunRecord.of(row) for row in rows}  # type: ignore[misc]

    async def claim(
        self,
        guild_id: int,
        week: tuple[int, int],
        now: dt.datetime,
        *,
        lease: dt.timedelta,
        max_attempts: int | None,
        respect_backoff: bool = True,
    ) -> DigestRunRecord | None:
        """Take the right to post this guild's digest for `week`, or None.

        The first claim inserts the row (unique guild + ISO week: only one process can).
        A later claim succeeds only while nothing was posted, the previous attempt's lease
        has expired, attempts remain and (for the scheduler) its back-off has passed."""
        inserted = await self.session.execute(
            dialect_insert(self.session, DigestRun)
            .values(
                guild_id=guild_id,
                iso_year=week[0],
                iso_week=week[1],
                claimed_at=now,
                attempts=1,
                venue_ids="[]",
            )
            .on_conflict_do_nothing(index_elements=["guild_id", "iso_year", "iso_week"])
        )
        if not inserted.rowcount:
            conditions: list[Any] = [
                DigestRun.guild_id == guild_id,
                DigestRun.iso_year == week[0],
                DigestRun.iso_week == week[1],
                DigestRun.posted_at.is_(None),
                DigestRun.claimed_at <= now - lease,
            ]
            if max_attempts is not None:
                conditions.append(DigestRun.attempts < max_attempts)
            if respect_backoff:
                conditions.append(
                    or_(DigestRun.next_attempt_at.is_(None), DigestRun.next_attempt_at <= now)
                )
            retried = await self.session.execute(
                update(DigestRun)
                .where(and_(*conditions))
                .values(claimed_at=now, attempts=DigestRun.attempts + 1)
            )
            if not retried.rowcount:
                return None
        return await self.get(guild_id, week)

    async def mark_posted(
        self,
        run_id: int,
        *,
        channel_id: int,
        message_id: int,
        venue_ids: Sequence[int],
        now: dt.datetime,
    ) -> None:
        await self.session.execute(
            update(DigestRun)
            .where(DigestRun.id == run_id)
            .values(
                posted_at=now,
                channel_id=channel_id,
                message_id=message_id,
                venue_ids=json.dumps(list(venue_ids)),
                last_error=None,
                next_attempt_at=None,
            )
        )

    async def mark_failed(
        self,
        run_id: int,
        error: str,
        *,
        next_attempt_at: dt.datetime | None,
        release: bool,
    ) -> None:
        values: dict[str, Any] = {"last_error": error[:300], "next_attempt_at": next_attempt_at}
        if release:  # let the next attempt claim it without waiting for the lease
            values["claimed_at"] = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
        await self.session.execute(update(DigestRun).where(DigestRun.id == run_id).values(**values))


@dataclass(frozen=True, slots=True)
class RoutineRecord:
    id: int
    guild_id: int
    venue_id: int
    venue_name: str
    weekday: int
    local_time: dt.time
    title: str | None
    creator_id: int
    members: tuple[int, ...] = ()


class RoutineRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, **fields: Any) -> int:
        routine = Routine(**fields)
        self.session.add(routine)
        await self.session.flush()
        return routine.id

    async def find(self, venue_id: int, weekday: int, local_time: dt.time) -> int | None:
        return await self.session.scalar(
            select(Routine.id).where(
                Routine.venue_id == venue_id,
                Routine.weekday == weekday,
                Routine.local_time == local_time,
            )
        )

    async def list(
        self,
        guild_id: int,
        *,
        ids: Sequence[int] | None = None,
        member_id: int | None = None,
        text: str | None = None,
        limit: int = 200,
    ) -> list[RoutineRecord]:
        """Routines at active venues, by weekday and time, with their members."""
        stmt = (
            select(Routine, Venue.name)
            .join(Venue, Venue.id == Routine.venue_id)
            .where(Routine.guild_id == guild_id, Venue.status == "active")
        )
        if ids is not None:
            stmt = stmt.where(Routine.id.in_(list(ids)))
        if member_id is not None:
            stmt = stmt.where(
                Routine.id.in_(
                    select(RoutineMember.routine_id).where(RoutineMember.member_id == member_id)
                )
            )
        if text:
            pattern = f"%{escape_like(text)}%"
            stmt = stmt.where(
                or_(
                    Venue.normalized_name.like(pattern, escape="\\"),
                    Routine.title.ilike(pattern, escape="\\"),
                )
            )
        rows = (
            await self.session.execute(
                stmt.order_by(Routine.weekday, Routine.local_time, Routine.id).limit(limit)
            )
        ).all()
        members = await self.members([routine.id for routine, _ in rows])
        return [
            RoutineRecord(
                id=routine.id,
                guild_id=routine.guild_id,
                venue_id=routine.venue_id,
                venue_name=name,
                weekday=routine.weekday,
                local_time=routine.local_time,
                title=routine.title,
                creator_id=routine.creator_id,
                members=members.get(routine.id, ()),
            )
            for routine, name in rows
        ]

    async def members(self, routine_ids: Sequence[int]) -> dict[int, tuple[int, ...]]:
        if not routine_ids:
            return {}
        rows = await self.session.execute(
            select(RoutineMember.routine_id, RoutineMember.member_id)
            .where(RoutineMember.routine_id.in_(list(routine_ids)))
            .order_by(RoutineMember.joined_at, RoutineMember.member_id)
        )
        found: dict[int, list[int]] = {}
        for routine_id, member_id in rows:
            found.setdefault(routine_id, []).append(member_id)
        return {key: tuple(value) for key, value in found.items()}

    async def join(self, guild_id: int, routine_id: int, member_id: int, now: dt.datetime) -> bool:
        result = await self.session.execute(
            dialect_insert(self.session, RoutineMember)
            .values(routine_id=routine_id, member_id=member_id, guild_id=guild_id, joined_at=now)
            .on_conflict_do_nothing(index_elements=["routine_id", "member_id"])
        )
        return bool(result.rowcount)

    async def leave(self, routine_id: int, member_id: int) -> bool:
        result = await self.session.execute(
            delete(RoutineMember).where(
                RoutineMember.routine_id == routine_id, RoutineMember.member_id == member_id
            )
        )
        return bool(result.rowcount)

    async def joined_since(self, guild_id: int, since: dt.datetime) -> list[tuple[int, int]]:
        """(routine id, member id) of the members who joined a routine since `since`."""
        rows = await self.session.execute(
            select(RoutineMember.routine_id, RoutineMember.member_id).where(
                RoutineMember.guild_id == guild_id, RoutineMember.joined_at >= since
            )
        )
        return [(routine_id, member_id) for routine_id, member_id in rows]


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

    async def new_venues(self, guild_id: int, since: dt.datetime, limit: int) -> list[Venue]:
        rows = await self.session.scalars(
            select(Venue)
            .where(Venue.guild_id == guild_id, Venue.status == "active", Venue.created_at >= since)
            .order_by(Venue.created_at.desc(), Venue.id.desc())
            .limit(limit)
        )
        return list(rows)

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


class ProfileRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def is_public(self, guild_id: int, member_id: int) -> bool:
        value = await self.session.scalar(
            select(MemberProfile.public).where(
                MemberProfile.guild_id == guild_id, MemberProfile.member_id == member_id
            )
        )
        return bool(value)

    async def set_public(self, guild_id: int, member_id: int, public: bool) -> None:
        now = dt.datetime.now(dt.UTC)
        await self.session.execute(
            dialect_insert(self.session, MemberProfile)
            .values(guild_id=guild_id, member_id=member_id, public=public, updated_at=now)
            .on_conflict_do_update(
                index_elements=["guild_id", "member_id"],
                set_={"public": public, "updated_at": now},
            )
        )
