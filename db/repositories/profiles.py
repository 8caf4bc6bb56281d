"""What members chose about their own profile."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

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
        return await self._among(guild_id, member_ids, MemberProfile.public.is_(True))

    async def set_public(self, guild_id: int, member_id: int, public: bool) -> None:
        await self._set(guild_id, member_id, dt.datetime.now(dt.UTC), public=public)

    async def set_summaries(
        self, guild_id: int, member_id: int, on: bool, now: dt.datetime
    ) -> None:
        """Whether the member gets the monthly summaries of what they host or proposed."""
        await self._set(guild_id, member_id, now, summaries=on)

    async def summaries_stopped(self, guild_id: int, member_ids: Iterable[int]) -> set[int]:
        """Which of these members stopped the monthly summaries in this guild."""
        return await self._among(guild_id, member_ids, MemberProfile.summaries.is_(False))

    async def _among(self, guild_id: int, member_ids: Iterable[int], condition: Any) -> set[int]:
        wanted = sorted(set(member_ids))
        if not wanted:
            return set()
        found = await self.session.scalars(
            select(MemberProfile.member_id).where(
                MemberProfile.guild_id == guild_id,
                MemberProfile.member_id.in_(wanted),
                condition,
            )
        )
        return set(found)

    async def _set(self, guild_id: int, member_id: int, now: dt.datetime, **values: bool) -> None:
        """One of the member's profile choices, the row created on first use."""
        await self.session.execute(
            dialect_insert(self.session, MemberProfile)
            .values(guild_id=guild_id, member_id=member_id, updated_at=now, **values)
            .on_conflict_do_update(
                index_elements=["guild_id", "member_id"],
                set_={**values, "updated_at": now},
            )
        )
