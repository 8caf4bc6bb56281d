"""Members' commitments to one gathering a week, and which of them were kept."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import CheckBackAsk, Commitment, Routine, RoutineOccurrence, Venue
from db.repositories.sql import dialect_insert


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
    ) -> None:
        """The member's commitment of that week: to this occurrence (a new choice replaces
        the former)."""
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
