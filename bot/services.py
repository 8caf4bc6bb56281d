"""The services the bot runs on, built once in `main()` and handed to the Bot."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.guilds import GuildService
from bot.domain.state import BotStateService
from bot.domain.venues import VenueService
from db.engine import Database


@dataclass(frozen=True, slots=True)
class Services:
    db: Database
    venues: VenueService
    guilds: GuildService
    state: BotStateService

    @classmethod
    def build(cls, db: Database) -> Services:
        return cls(
            db=db,
            venues=VenueService(db),
            guilds=GuildService(db),
            state=BotStateService(db),
        )
