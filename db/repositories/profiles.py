"""What members chose about their own profile."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import MemberProfile
from db.repositories.sql import dialect_insert


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

    async def public_among(self, guild_id: int, member_ids: Iterable[int]) -> set[int]:
        """Which of these members made their profile public in this guild."""
        wanted = sorted(set(member_ids))
        if not wanted:
            return set()
        found = await self.session.scalars(
            select(MemberProfile.member_id).where(
                MemberProfile.guild_id == guild_id,
                MemberProfile.member_id.in_(wanted),
                MemberProfile.public.is_(True),
            )
        )
        return set(found)

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

    async def set_summaries(
        self, guild_id: int, member_id: int, on: bool, now: dt.datetime
    ) -> None:
        """Whether the member gets the monthly summaries of what they host or proposed."""
        await self.session.execute(
            dialect_insert(self.session, MemberProfile)
            .values(guild_id=guild_id, member_id=member_id, summaries=on, updated_at=now)
            .on_conflict_do_update(
                index_elements=["guild_id", "member_id"],
                set_={"summaries": on, "updated_at": now},
            )
        )

    async def summaries_stopped(self, guild_id: int, member_ids: Iterable[int]) -> set[int]:
        """Which of these members stopped the monthly summaries in this guild."""
        wanted = sorted(set(member_ids))
        if not wanted:
            return set()
        found = await self.session.scalars(
            select(MemberProfile.member_id).where(
                MemberProfile.guild_id == guild_id,
                MemberProfile.member_id.in_(wanted),
                MemberProfile.summaries.is_(False),
            )
        )
        return set(found)
