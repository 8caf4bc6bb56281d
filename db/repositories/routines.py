"""Routines and the members who joined them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Routine,
    RoutineMember,
    Venue,
)
from db.repositories.routine_occurrences import OccurrenceQueries
from db.repositories.sql import affected, dialect_insert, escape_like


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
    duration_minutes: int = 120
    host_id: int | None = None
    paused_at: dt.datetime | None = None
    card_channel_id: int | None = None
    card_message_id: int | None = None
    thread_id: int | None = None

    @classmethod
    def of(cls, routine: Routine, venue_name: str, members: tuple[int, ...] = ()) -> RoutineRecord:
        return cls(
            id=routine.id,
            guild_id=routine.guild_id,
            venue_id=routine.venue_id,
            venue_name=venue_name,
            weekday=routine.weekday,
            local_time=routine.local_time,
            title=routine.title,
            creator_id=routine.creator_id,
            members=members,
            duration_minutes=routine.duration_minutes,
            host_id=routine.host_id,
            paused_at=routine.paused_at,
            card_channel_id=routine.card_channel_id,
            card_message_id=routine.card_message_id,
            thread_id=routine.thread_id,
        )


class RoutineRepository(OccurrenceQueries):
    """Routines and their members; their occurrences through `OccurrenceQueries`."""

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

    async def find_all(
        self,
        guild_id: int | Sequence[int],
        *,
        ids: Sequence[int] | None = None,
        member_id: int | None = None,
        text: str | None = None,
        limit: int = 200,
        lock: Literal["share", "update"] | None = None,
    ) -> list[RoutineRecord]:
        """Routines at active venues, by weekday and time, with their members. `lock`
        (PostgreSQL; SQLite's writers take turns): "share" keeps the routines from being
        removed until the transaction ends (what is written about them meanwhile would
        refer to nothing); "update" waits for every such writer first."""
        stmt = (
            select(Routine, Venue.name)
            .join(Venue, Venue.id == Routine.venue_id)
            .where(Venue.status == "active")
        )
        if lock == "share":  # FOR KEY SHARE: edits of the routine's columns still go through
            stmt = stmt.with_for_update(of=Routine, read=True, key_share=True)
        elif lock == "update":
            stmt = stmt.with_for_update(of=Routine)
        if isinstance(guild_id, int):
            stmt = stmt.where(Routine.guild_id == guild_id)
        else:
            stmt = stmt.where(Routine.guild_id.in_(list(guild_id)))
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
            RoutineRecord.of(routine, name, members.get(routine.id, ())) for routine, name in rows
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
        return bool(affected(result))

    async def leave(self, routine_id: int, member_id: int) -> bool:
        result = await self.session.execute(
            delete(RoutineMember).where(
                RoutineMember.routine_id == routine_id, RoutineMember.member_id == member_id
            )
        )
        return bool(affected(result))

    async def joined_since(self, guild_id: int, since: dt.datetime) -> list[tuple[int, int]]:
        """(routine id, member id) of the members who joined a routine since `since`."""
        rows = await self.session.execute(
            select(RoutineMember.routine_id, RoutineMember.member_id).where(
                RoutineMember.guild_id == guild_id, RoutineMember.joined_at >= since
            )
        )
        return [(routine_id, member_id) for routine_id, member_id in rows]

    async def lock(self, routine_id: int) -> None:
        """Hold the routine's row until the transaction ends (PostgreSQL; SQLite already
        runs one writer at a time), so an edit and a claim of its event never interleave."""
        await self.session.execute(
            select(Routine.id).where(Routine.id == routine_id).with_for_update(key_share=True)
        )

    async def update(self, routine_id: int, **values: Any) -> None:
        await self.session.execute(update(Routine).where(Routine.id == routine_id).values(**values))

    async def pause(self, routine_id: int, now: dt.datetime) -> bool:
        """Pause the routine; one UPDATE decides, so only one process pauses it."""
        result = await self.session.execute(
            update(Routine)
            .where(Routine.id == routine_id, Routine.paused_at.is_(None))
            .values(paused_at=now)
        )
        return bool(affected(result))

    async def resume(self, routine_id: int, host_id: int, now: dt.datetime) -> bool:
        result = await self.session.execute(
            update(Routine)
            .where(Routine.id == routine_id, Routine.paused_at.is_not(None))
            .values(paused_at=None, resumed_at=now, host_id=host_id)
        )
        return bool(affected(result))

    async def remove(self, routine_id: int) -> None:
        await self.session.execute(delete(Routine).where(Routine.id == routine_id))
