"""Each guild's configuration, read as a `GuildConfig` record."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.guild_config import GuildConfig
from db.models import GuildConfigRow
from db.repositories.sql import dialect_insert


def config_of(row: GuildConfigRow) -> GuildConfig:
    return GuildConfig(
        guild_id=row.guild_id,
        language=row.language,
        timezone=row.timezone,
        venue_channel_id=row.venue_channel_id,
        digest_channel_id=row.digest_channel_id,
        digest_weekday=row.digest_weekday,
        digest_hour=row.digest_hour,
        digest_since=row.digest_since,
        moderation=row.moderation,
        moderator_role_id=row.moderator_role_id,
        proposals_per_day=row.proposals_per_day,
        routines_per_week=row.routines_per_week,
        visit_days_back=row.visit_days_back,
    )


#: A GuildConfig's columns, in its fields' order: the read builds the record from the row,
#: no ORM object on the way.
_CONFIG_COLUMNS = tuple(getattr(GuildConfigRow, field.name) for field in fields(GuildConfig))


class GuildConfigRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, guild_id: int) -> GuildConfig:
        """The guild's configuration; the defaults for a guild that configured nothing."""
        row = (
            await self.session.execute(
                select(*_CONFIG_COLUMNS).where(GuildConfigRow.guild_id == guild_id)
            )
        ).first()
        return GuildConfig(*row) if row is not None else GuildConfig(guild_id=guild_id)

    async def upsert(self, guild_id: int, **changes: Any) -> None:
        now = dt.datetime.now(dt.UTC)
        stmt = dialect_insert(self.session, GuildConfigRow).values(
            guild_id=guild_id, updated_at=now, **changes
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["guild_id"], set_={**changes, "updated_at": now}
        )
        await self.session.execute(stmt)
