"""Members' commitments to one gathering a week, and which of them were kept."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import CheckBackAsk, Commitment, Routine, RoutineOccurrence, RoutineRsvp, Venue
from db.repositories.sql import affected, dialect_insert


@dataclass(frozen=True, slots=True)
class UpcomingGathering:
    occurrence_id: int
    starts_at: dt.datetime
    venue: str
    title: str | None
    routine_id: int


class CommitmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def upcoming(
        self, guild_id: int, start: dt.datetime, end: dt.datetime, limit: int
    ) -> list[UpcomingGathering]:
        """The guild's scheduled occurrences starting in [start, end), earliest first."""
        rows = await self.session.execute(
            select(
                RoutineOccurrence.id,
                RoutineOccurrence.starts_at,
                Venue.name,
                Routine.title,
                Routine.id,
            )
            .join(Routine, Routine.id == RoutineOccurrence.routine_id)
            .join(Venue, Venue.id == Routine.venue_id)
            .where(
                RoutineOccurrence.guild_id == guild_id,
                RoutineOccurrence.starts_at >= start,
                RoutineOccurrence.starts_at < end,
                RoutineOccurrence.status == "scheduled",
                Routine.paused_at.is_(None),
            )
            .order_by(RoutineOccurrence.starts_at, RoutineOccurrence.id)
            .limit(limit)
        )
        return [UpcomingGathering(*row) for row in rows]

    async def commit(
        self,
        guild_id: int,
        member_id: int,
        week: tuple[int, int],
        occurrence_id: int,
        now: dt.datetime,
    ) -> int | None:
        """The member's commitment of that week: to this occurrence (a new choice replaces
        the former). Returns the former occurrence when the member switched."""
        key = (
            Commitment.guild_id == guild_id,
            Commitment.member_id == member_id,
            Commitment.iso_year == week[0],
            Commitment.iso_week == week[1],
        )
        former = await self.session.scalar(select(Commitment.occurrence_id).where(*key))
        values = {"occurrence_id": occurrence_id, "created_at": now}
        await self.session.execute(
            dialect_insert(self.session, Commitment)
            .values(
                guild_id=guild_id, member_id=member_id, iso_year=week[0], iso_week=week[1], **values
            )
            .on_conflict_do_update(
                index_elements=["guild_id", "member_id", "iso_year", "iso_week"], set_=values
            )
        )
        return former if former != occurrence_id else None

    async def release(self, occurrence_id: int, member_id: int) -> int | None:
        """The member no longer goes to a gathering only their former commitment had them
        going to; returns its routine when there was such a going to withdraw."""
        withdrawn = await self.session.execute(
            delete(RoutineRsvp).where(
                RoutineRsvp.occurrence_id == occurrence_id,
                RoutineRsvp.member_id == member_id,
                RoutineRsvp.source == "commitment",
            )
        )
        if not affected(withdrawn):
            return None
        return await self.session.scalar(
            select(RoutineOccurrence.routine_id).where(RoutineOccurrence.id == occurrence_id)
        )

    async def kept_weeks(
        self, guild_id: int, member_ids: Iterable[int] | None = None, *, since: tuple[int, int]
    ) -> dict[int, set[tuple[int, int]]]:
        """Per member, the weeks (from `since` on) whose commitment was kept: they answered
        "I went" to that occurrence's check-back."""
        stmt = (
            select(Commitment.member_id, Commitment.iso_year, Commitment.iso_week)
            .join(
                CheckBackAsk,
                and_(
                    CheckBackAsk.occurrence_id == Commitment.occurrence_id,
                    CheckBackAsk.member_id == Commitment.member_id,
                ),
            )
            .where(
                Commitment.guild_id == guild_id,
                CheckBackAsk.answer == "went",
                or_(
                    Commitment.iso_year > since[0],
                    and_(Commitment.iso_year == since[0], Commitment.iso_week >= since[1]),
                ),
            )
        )
        if member_ids is not None:
            stmt = stmt.where(Commitment.member_id.in_(list(member_ids)))
        weeks: dict[int, set[tuple[int, int]]] = defaultdict(set)
        for member_id, year, week in await self.session.execute(stmt):
            weeks[member_id].add((year, week))
        return dict(weeks)


__all__ = ["CommitmentRepository", "UpcomingGathering"]
