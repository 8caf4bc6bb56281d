"""What the digest reports of the gatherings that took place: how many went, and what the
check-back answers said of them. Every read is bounded by the guild's week of occurrences
(their guild/start index) and the keys that lead with the occurrence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import CheckBackAsk, Rating, Routine, RoutineOccurrence, RoutineRsvp, Venue


@dataclass(frozen=True, slots=True)
class PastGathering:
    occurrence_id: int
    routine_id: int
    starts_at: dt.datetime
    venue: str
    title: str | None
    #: How many said they were going; answers to the check-back, and "I went" ones.
    going: int = 0
    answered: int = 0
    went: int = 0


@dataclass(frozen=True, slots=True)
class GatheringAnswer:
    """One "I went" answer of the check-back: what the member got and what went wrong
    (bit masks of bot.domain.ranking)."""

    occurrence_id: int
    got: int
    flags: int


class GatheringRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def took_place(
        self, guild_id: int, start: dt.datetime, end: dt.datetime, limit: int
    ) -> list[PastGathering]:
        """The guild's occurrences that started in [start, end) and ended by `end`, not
        cancelled, earliest first, with how many said they were going and how many
        answered the check-back (and said "I went"), in one statement: the counts are
        read by the keys that lead with the occurrence."""
        occurrence = RoutineOccurrence.id
        going = (
            select(func.count())
            .where(RoutineRsvp.occurrence_id == occurrence, RoutineRsvp.going.is_(True))
            .scalar_subquery()
        )
        answered = select(func.count()).where(
            CheckBackAsk.occurrence_id == occurrence, CheckBackAsk.answer.is_not(None)
        )
        went = select(func.count()).where(
            CheckBackAsk.occurrence_id == occurrence, CheckBackAsk.answer == "went"
        )
        rows = await self.session.execute(
            select(
                RoutineOccurrence.id,
                RoutineOccurrence.routine_id,
                RoutineOccurrence.starts_at,
                Venue.name,
                Routine.title,
                going,
                answered.scalar_subquery(),
                went.scalar_subquery(),
            )
            .join(Routine, Routine.id == RoutineOccurrence.routine_id)
            .join(Venue, Venue.id == Routine.venue_id)
            .where(
                RoutineOccurrence.guild_id == guild_id,
                RoutineOccurrence.starts_at >= start,
                RoutineOccurrence.starts_at < end,
                RoutineOccurrence.ends_at <= end,
                RoutineOccurrence.status != "cancelled",
            )
            .order_by(RoutineOccurrence.starts_at, RoutineOccurrence.id)
            .limit(limit)
        )
        return [PastGathering(*row) for row in rows]

    async def answers(
        self, guild_id: int, occurrence_ids: Sequence[int], since: dt.datetime
    ) -> list[GatheringAnswer]:
        """The ratings given through the check-back of these occurrences: all were given
        after `since` (the first one's start), so only that window of the guild's ratings
        is read (the guild/created index)."""
        rows = await self.session.execute(
            select(Rating.occurrence_id, Rating.got, Rating.flags).where(
                Rating.guild_id == guild_id,
                Rating.created_at >= since,
                Rating.occurrence_id.in_(list(occurrence_ids)),
            )
        )
        return [
            GatheringAnswer(occurrence_id, got or 0, flags or 0)
            for occurrence_id, got, flags in rows
            if occurrence_id is not None
        ]


__all__ = ["GatheringAnswer", "GatheringRepository", "PastGathering"]
