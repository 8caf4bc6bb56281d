"""Follow-ups of valuable new contacts: rows with due times, claimed once, answered once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ContactFollowUp
from db.repositories.sql import affected, chunks

#: The answers, in the order the buttons show them; all but "nothing" led somewhere.
FOLLOWUP_ANSWERS = ("call", "client", "collaboration", "nothing")
LED_SOMEWHERE = FOLLOWUP_ANSWERS[:3]


@dataclass(frozen=True, slots=True)
class FollowUpRecord:
    id: int
    guild_id: int
    venue_id: int
    member_id: int
    due_at: dt.datetime
    asked_at: dt.datetime | None
    answer: str | None


_COLUMNS = (
    ContactFollowUp.id,
    ContactFollowUp.guild_id,
    ContactFollowUp.venue_id,
    ContactFollowUp.member_id,
    ContactFollowUp.due_at,
    ContactFollowUp.asked_at,
    ContactFollowUp.answer,
)


class FollowUpRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def schedule(
        self, guild_id: int, venue_id: int, member_id: int, due_at: dt.datetime
    ) -> bool:
        """A follow-up, unless one for this member and venue is still waiting to be asked."""
        waiting = await self.session.scalar(
            select(func.count()).where(
                ContactFollowUp.venue_id == venue_id,
                ContactFollowUp.member_id == member_id,
                ContactFollowUp.asked_at.is_(None),
            )
        )
        if waiting:
            return False
        await self.session.execute(
            insert(ContactFollowUp).values(
                guild_id=guild_id, venue_id=venue_id, member_id=member_id, due_at=due_at
            )
        )
        return True

    async def due(
        self, guild_ids: Sequence[int], now: dt.datetime, lease: dt.timedelta, limit: int
    ) -> list[FollowUpRecord]:
        """Follow-ups of these guilds due and not asked, unclaimed or whose claim's lease
        ran out."""
        found: list[FollowUpRecord] = []
        for chunk in chunks(guild_ids):
            rows = await self.session.execute(
                select(*_COLUMNS)
                .where(
                    ContactFollowUp.guild_id.in_(chunk),
                    ContactFollowUp.asked_at.is_(None),
                    ContactFollowUp.due_at <= now,
                    or_(
                        ContactFollowUp.claimed_at.is_(None),
                        ContactFollowUp.claimed_at <= now - lease,
                    ),
                )
                .order_by(ContactFollowUp.due_at, ContactFollowUp.id)
                .limit(limit - len(found))
            )
            found.extend(FollowUpRecord(*row) for row in rows)
            if len(found) >= limit:
                break
        return found

    async def claim(self, followup_id: int, now: dt.datetime, lease: dt.timedelta) -> bool:
        """One process wins: a conditional update of an unasked row whose claim is free."""
        result = await self.session.execute(
            update(ContactFollowUp)
            .where(
                ContactFollowUp.id == followup_id,
                ContactFollowUp.asked_at.is_(None),
                or_(
                    ContactFollowUp.claimed_at.is_(None),
                    ContactFollowUp.claimed_at <= now - lease,
                ),
            )
            .values(claimed_at=now)
        )
        return affected(result) == 1

    async def asked(self, followup_id: int, now: dt.datetime) -> None:
        await self.session.execute(
            update(ContactFollowUp).where(ContactFollowUp.id == followup_id).values(asked_at=now)
        )

    async def get(self, followup_id: int) -> FollowUpRecord | None:
        row = (
            await self.session.execute(select(*_COLUMNS).where(ContactFollowUp.id == followup_id))
        ).first()
        return FollowUpRecord(*row) if row else None

    async def answer(self, followup_id: int, member_id: int, answer: str, now: dt.datetime) -> bool:
        """Record the member's answer once, after they were asked; True when this call did."""
        result = await self.session.execute(
            update(ContactFollowUp)
            .where(
                ContactFollowUp.id == followup_id,
                ContactFollowUp.member_id == member_id,
                ContactFollowUp.asked_at.is_not(None),
                ContactFollowUp.answer.is_(None),
            )
            .values(answer=answer, answered_at=now)
        )
        return affected(result) == 1


__all__ = ["FOLLOWUP_ANSWERS", "LED_SOMEWHERE", "FollowUpRecord", "FollowUpRepository"]
