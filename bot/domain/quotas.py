"""The caps per member (bot/domain/limits.py) checked inside the write they guard, so
that two commands at once cannot both pass on SQLite (one writer at a time)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.guild_config import GuildConfig
from bot.domain.limits import PROPOSAL_WINDOW, ROUTINE_WINDOW, refuse_over_limit
from db.repositories import ActivityRepository


async def refuse_proposal_over_limit(
    session: AsyncSession, config: GuildConfig, member_id: int, now: dt.datetime
) -> None:
    limit = config.proposals_per_day
    activity = ActivityRepository(session)
    await activity.lock_member(config.guild_id, member_id)
    recent = await activity.proposals_since(
        config.guild_id, member_id, now - PROPOSAL_WINDOW, limit
    )
    refuse_over_limit("error.limit_proposals", recent, limit, PROPOSAL_WINDOW)


async def refuse_routine_over_limit(
    session: AsyncSession, config: GuildConfig, member_id: int, now: dt.datetime
) -> None:
    limit = config.routines_per_week
    activity = ActivityRepository(session)
    await activity.lock_member(config.guild_id, member_id)
    recent = await activity.routines_since(config.guild_id, member_id, now - ROUTINE_WINDOW, limit)
    refuse_over_limit("error.limit_routines", recent, limit, ROUTINE_WINDOW)
