"""Answers to the digest's question, their authors' consent to be quoted, and which a
digest quoted already."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Executable, Integer, and_, bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import DigestAnswer


@dataclass(frozen=True, slots=True)
class PendingQuote:
    answer_id: int
    member_id: int
    text: str


@cache
def _pending_quotes() -> Executable:
    """Answers of the weeks from (first_year, first_week) until before (year, week), agreed
    to be quoted and quoted by no other digest than that week's: built once, bound per
    guild."""
    year, week = bindparam("year", type_=Integer), bindparam("week", type_=Integer)
    first_year = bindparam("first_year", type_=Integer)
    first_week = bindparam("first_week", type_=Integer)
    return (
        select(DigestAnswer.id, DigestAnswer.member_id, DigestAnswer.text)
        .where(
            DigestAnswer.guild_id == bindparam("guild_id"),
            or_(
                DigestAnswer.iso_year > first_year,
                and_(DigestAnswer.iso_year == first_year, DigestAnswer.iso_week >= first_week),
            ),
            or_(
                DigestAnswer.iso_year < year,
                and_(DigestAnswer.iso_year == year, DigestAnswer.iso_week < week),
            ),
            DigestAnswer.consented_at.is_not(None),
            or_(
                DigestAnswer.quoted_year.is_(None),
                and_(DigestAnswer.quoted_year == year, DigestAnswer.quoted_week == week),
            ),
        )
        .order_by(DigestAnswer.consented_at, DigestAnswer.id)
        .limit(bindparam("limit"))
    )


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

    async def pending_quotes(
        self, guild_id: int, first_week: tuple[int, int], week: tuple[int, int], limit: int
    ) -> list[PendingQuote]:
        """Answers to the questions of the weeks from `first_week` until before `week`
        whose authors agreed to be quoted and that no other digest than `week`'s quoted,
        first agreed first (so `week`'s digest reads the same after it was posted)."""
        rows = await self.session.execute(
            _pending_quotes(),
            {
                "guild_id": guild_id,
                "first_year": first_week[0],
                "first_week": first_week[1],
                "year": week[0],
                "week": week[1],
                "limit": limit,
            },
        )
        return [PendingQuote(*row) for row in rows]

    async def mark_quoted(self, answer_ids: Sequence[int], week: tuple[int, int]) -> None:
        """The answers `week`'s posted digest quoted: no other digest quotes them."""
        if not answer_ids:
            return
        await self.session.execute(
            update(DigestAnswer)
            .where(DigestAnswer.id.in_(list(answer_ids)), DigestAnswer.quoted_year.is_(None))
            .values(quoted_year=week[0], quoted_week=week[1])
        )
