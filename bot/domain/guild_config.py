"""A guild's configuration as the rest of the bot reads it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.domain.limits import (
    DEFAULT_PROPOSALS_PER_DAY,
    DEFAULT_ROUTINES_PER_WEEK,
    DEFAULT_VISIT_DAYS_BACK,
)
from bot.i18n import language_of


@dataclass(frozen=True, slots=True)
class GuildConfig:
    """What /settings and /digest setup chose; a guild that chose nothing gets the
    defaults (no channel, UTC, the guild's own language)."""

    guild_id: int
    language: str | None = None
    timezone: str = "UTC"
    venue_channel_id: int | None = None
    digest_channel_id: int | None = None
    digest_weekday: int | None = None
    digest_hour: int | None = None
    digest_since: dt.datetime | None = None
    moderation: bool = False
    moderator_role_id: int | None = None
    proposals_per_day: int = DEFAULT_PROPOSALS_PER_DAY
    routines_per_week: int = DEFAULT_ROUTINES_PER_WEEK
    visit_days_back: int = DEFAULT_VISIT_DAYS_BACK

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def digest_scheduled(self) -> bool:
        return (
            self.digest_channel_id is not None
            and self.digest_weekday is not None
            and self.digest_hour is not None
        )

    def post_language(self, guild_locale: object) -> str:
        """Guild posts use the configured language, else the guild's Discord locale."""
        return self.language or language_of(guild_locale)
