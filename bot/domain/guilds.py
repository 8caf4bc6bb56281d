"""Per-guild configuration as the rest of the bot reads it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import language_of
from db.engine import Database
from db.repositories import GuildSettingsRepository


@dataclass(frozen=True, slots=True)
class GuildConfig:
    guild_id: int
    language: str | None = None
    timezone: str = "UTC"
    venue_channel_id: int | None = None
    digest_channel_id: int | None = None
    moderation: bool = False
    moderator_role_id: int | None = None

    def post_language(self, guild_locale: object) -> str:
        """Guild posts use the configured language, else the guild's Discord locale."""
        return self.language or language_of(guild_locale)


class GuildService:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def config(self, guild_id: int) -> GuildConfig:
        async with self.db.read() as session:
            row = await GuildSettingsRepository(session).get(guild_id)
        if row is None:
            return GuildConfig(guild_id=guild_id)
        return GuildConfig(
            guild_id=guild_id,
            language=row.language,
            timezone=row.timezone,
            venue_channel_id=row.venue_channel_id,
            digest_channel_id=row.digest_channel_id,
            moderation=row.moderation,
            moderator_role_id=row.moderator_role_id,
        )
