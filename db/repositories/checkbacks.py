"""The check-back of occurrences: claims, asks and answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import CheckBack, CheckBackAsk, Routine, RoutineOccurrence, RoutineRsvp
from db.repositories.sql import affected, chunks, dialect_insert


@dataclass(frozen=True, slots=True)
class DueCheckBack:
    occurrence_id: int
    guild_id: int
    routine_id: int
    event_id: int | None


@dataclass(frozen=True, slots=True)
class AskRecord:
    occurrence_id: int
    member_id: int
    guild_id: int
    expires_at: dt.datetime
    answer: str | None


class CheckBackRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def due(
        self, guild_ids: Sequence[int], now: dt.datetime, since: dt.datetime, lease: dt.timedelta
    ) -> list[DueCheckBack]:
        """Occurrences that took place and ended between `since` and `now`, whose
        check-back nobody posted (never claimed, or claimed longer than `lease` ago)."""
        found: list[DueCheckBack] = []
        for chunk in chunks(guild_ids):
            found.extend(await self._due(chunk, now, since, lease))
        return found

    async def _due(
        self, guild_ids: list[int], now: dt.datetime, since: dt.datetime, lease: dt.timedelta
    ) -> list[DueCheckBack]:
        stmt = (
            select(
                RoutineOccurrence.id,
                RoutineOccurrence.guild_id,
                RoutineOccurrence.routine_id,
                RoutineOccurrence.event_id,
            )
            .outerjoin(CheckBack, CheckBack.occurrence_id == RoutineOccurrence.id)
            .where(
                RoutineOccurrence.guild_id.in_(guild_ids),
                RoutineOccurrence.status == "scheduled",
                RoutineOccurrence.ends_at <= now,
                RoutineOccurrence.ends_at > since,
                or_(
                    CheckBack.occurrence_id.is_(None),
                    and_(CheckBack.posted_at.is_(None), CheckBack.claimed_at <= now - lease),
                ),
            )
            .order_by(RoutineOccurrence.ends_at)
        )
        return [DueCheckBack(*row) for row in await self.session.execute(stmt)]

    async def claim(
        self, guild_id: int, occurrence_id: int, now: dt.datetime, lease: dt.timedelta
    ) -> bool:
        """Insert-or-nothing, then take over a claim whose lease ran out: one process wins."""
        inserted = await self.session.execute(
            dialect_insert(self.session, CheckBack)
            .values(occurrence_id=occurrence_id, guild_id=guild_id, claimed_at=now)
            .on_conflict_do_nothing(index_elements=["occurrence_id"])
        )
        if affected(inserted):
            return True
        retaken = await self.session.execute(
            update(CheckBack)
            .where(
                CheckBack.occurrence_id == occurrence_id,
                CheckBack.posted_at.is_(None),
                CheckBack.claimed_at <= now - lease,
            )
            .values(claimed_at=now)
        )
        return affected(retaken) == 1

    async def going(self, occurrence_id: int) -> list[int]:
        rows = await self.session.scalars(
            select(RoutineRsvp.member_id).where(
                RoutineRsvp.occurrence_id == occurrence_id, RoutineRsvp.going.is_(True)
            )
        )
        return sorted(rows)

    async def add_asks(
        self, guild_id: int, occurrence_id: int, member_ids: Sequence[int], expires_at: dt.datetime
    ) -> list[int]:
        """Ask each member once: those already asked are not asked again. The members
        newly asked."""
        asked = []
        for member_id in member_ids:
            result = await self.session.execute(
                dialect_insert(self.session, CheckBackAsk)
                .values(
                    occurrence_id=occurrence_id,
                    member_id=member_id,
                    guild_id=guild_id,
                    expires_at=expires_at,
                )
                .on_conflict_do_nothing(index_elements=["occurrence_id", "member_id"])
            )
            if affected(result):
                asked.append(member_id)
        return asked

    async def posted(
        self, occurrence_id: int, channel_id: int, message_id: int, now: dt.datetime
    ) -> None:
        await self.session.execute(
            update(CheckBack)
            .where(CheckBack.occurrence_id == occurrence_id)
            .values(posted_at=now, channel_id=channel_id, message_id=message_id)
        )

    async def ask(self, occurrence_id: int, member_id: int) -> AskRecord | None:
        row = (
            await self.session.execute(
                select(
                    CheckBackAsk.occurrence_id,
                    CheckBackAsk.member_id,
                    CheckBackAsk.guild_id,
                    CheckBackAsk.expires_at,
                    CheckBackAsk.answer,
                ).where(
                    CheckBackAsk.occurrence_id == occurrence_id,
                    CheckBackAsk.member_id == member_id,
                )
            )
        ).first()
        return AskRecord(*row) if row else None

    async def answer(
        self, occurrence_id: int, member_id: int, answer: str, now: dt.datetime
    ) -> bool:
        """Record the answer once, while the ask is open; True when this call did."""
        result = await self.session.execute(
            update(CheckBackAsk)
            .where(
                CheckBackAsk.occurrence_id == occurrence_id,
                CheckBackAsk.member_id == member_id,
                CheckBackAsk.answer.is_(None),
                CheckBackAsk.expires_at > now,
            )
            .values(answer=answer, answered_at=now)
        )
        return affected(result) == 1

    async def routine_of(self, occurrence_id: int) -> tuple[int, int, int | None, int | None]:
        """(venue id, routine id, thread id, card channel id) of the occurrence's routine."""
        row = (
            await self.session.execute(
                select(Routine.venue_id, Routine.id, Routine.thread_id, Routine.card_channel_id)
                .join(RoutineOccurrence, RoutineOccurrence.routine_id == Routine.id)
                .where(RoutineOccurrence.id == occurrence_id)
            )
        ).one()
        return (row[0], row[1], row[2], row[3])
