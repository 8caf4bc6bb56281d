"""Answers to the digest's question, and their authors' consent to be quoted."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import DigestAnswer


class DigestAnswerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self, guild_id: int, week: tuple[int, int], member_id: int, text: str, now: dt.datetime
    ) -> int:
        answer = DigestAnswer(
            guild_id=guild_id,
            iso_year=week[0],
            iso_week=week[1],
            member_id=member_id,
            text=text,
            created_at=now,
        )
        self.session.add(answer)
        await self.session.flush()
        return answer.id

    async def author(self, guild_id: int, answer_id: int) -> tuple[int, bool] | None:
        """The answer's author and whether they agreed to be quoted."""
        row = (
            await self.session.execute(
                select(DigestAnswer.member_id, DigestAnswer.consented_at).where(
                    DigestAnswer.id == answer_id, DigestAnswer.guild_id == guild_id
                )
            )
        ).first()
        return None if row is None else (row[0], row[1] is not None)

    async def set_consent(self, answer_id: int, consented_at: dt.datetime | None) -> None:
        await self.session.execute(
            update(DigestAnswer)
            .where(DigestAnswer.id == answer_id)
            .values(consented_at=consented_at)
        )

    async def consented(
        self, guild_id: int, week: tuple[int, int], limit: int
    ) -> list[tuple[int, str]]:
        """(member id, text) of the week's answers whose authors agreed, first agreed first."""
        rows = await self.session.execute(
            select(DigestAnswer.member_id, DigestAnswer.text)
            .where(
                DigestAnswer.guild_id == guild_id,
                DigestAnswer.iso_year == week[0],
                DigestAnswer.iso_week == week[1],
                DigestAnswer.consented_at.is_not(None),
            )
            .order_by(DigestAnswer.consented_at, DigestAnswer.id)
            .limit(limit)
        )
        return [(member_id, text) for member_id, text in rows]
