"""Per-guild configuration: what /settings changes and the rest of the bot reads."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.domain.errors import InvalidInput
from bot.domain.guild_config import GuildConfig
from bot.domain.limits import PROPOSALS_PER_DAY_MAX, ROUTINES_PER_WEEK_MAX, VISIT_DAYS_BACK_MAX
from bot.domain.vocabulary import LANGUAGES
from db.engine import Database
from db.repositories import GuildConfigRepository

__all__ = ["GuildConfig", "GuildService", "suggest_timezones", "validate_timezone"]


@cache
def timezone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def validate_timezone(name: str) -> str:
    """An IANA zone name, spelled as the database spells it ('europe/paris' is accepted)."""
    wanted = name.strip()
    by_lower = {zone.lower(): zone for zone in timezone_names()}
    canonical = by_lower.get(wanted.lower())
    if canonical is None:
        raise InvalidInput("error.timezone_invalid", timezone=wanted[:64])
    try:
        ZoneInfo(canonical)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput("error.timezone_invalid", timezone=wanted[:64]) from None
    return canonical


def suggest_timezones(text: str, limit: int = 25) -> list[str]:
    needle = text.strip().lower().replace(" ", "_")
    names = timezone_names()
    starts = [z for z in names if z.lower().startswith(needle)]
    contains = [z for z in names if needle in z.lower() and z not in starts]
    return (starts + contains)[:limit]


class GuildService:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def config(self, guild_id: int) -> GuildConfig:
        async with self.db.read() as session:
            return await GuildConfigRepository(session).get(guild_id)

    async def update(
        self,
        guild_id: int,
        *,
        venue_channel_id: int | None = None,
        language: str | None = None,
        timezone: str | None = None,
        moderation: bool | None = None,
        moderator_role_id: int | None = None,
        proposals_per_day: int | None = None,
        routines_per_week: int | None = None,
        visit_days_back: int | None = None,
    ) -> GuildConfig:
        """Change the settings given; `language="auto"` follows the guild's locale again."""
        changes: dict[str, object] = {}
        if venue_channel_id is not None:
            changes["venue_channel_id"] = venue_channel_id
        if language is not None:
            if language not in (*LANGUAGES, "auto"):
                raise InvalidInput("error.language_invalid")
            changes["language"] = None if language == "auto" else language
        if timezone is not None:
            changes["timezone"] = validate_timezone(timezone)
        if moderation is not None:
            changes["moderation"] = moderation
        if moderator_role_id is not None:
            changes["moderator_role_id"] = moderator_role_id
        for name, value, low, high in (
            ("proposals_per_day", proposals_per_day, 1, PROPOSALS_PER_DAY_MAX),
            ("routines_per_week", routines_per_week, 1, ROUTINES_PER_WEEK_MAX),
            ("visit_days_back", visit_days_back, 0, VISIT_DAYS_BACK_MAX),
        ):
            if value is None:
                continue
            if not low <= value <= high:
                raise InvalidInput("error.limit_invalid", setting=name, min=low, max=high)
            changes[name] = value
        if not changes:
            return await self.config(guild_id)
        async with self.db.write() as session:
            configs = GuildConfigRepository(session)
            await configs.upsert(guild_id, **changes)
            return await configs.get(guild_id)
