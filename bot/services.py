"""The services the bot runs on, built once in `main()` and handed to the Bot."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.digest import DigestService
from bot.domain.guilds import GuildService
from bot.domain.privacy import PrivacyService
from bot.domain.profiles import ProfileService
from bot.domain.ratings import RatingService
from bot.domain.routines import RoutineService
from bot.domain.search import SearchService
from bot.domain.state import BotStateService
from bot.domain.venues import VenueService
from bot.domain.visits import VisitService
from bot.domain.votes import VoteService
from db.engine import Database


@dataclass(frozen=True, slots=True)
class Services:
    venues: VenueService
    guilds: GuildService
    state: BotStateService
    ratings: RatingService
    search: SearchService
    visits: VisitService
    digest: DigestService
    routines: RoutineService
    profiles: ProfileService
    votes: VoteService
    privacy: PrivacyService

    @classmethod
    def build(cls, db: Database) -> Services:
        return cls(
            venues=VenueService(db),
            guilds=GuildService(db),
            state=BotStateService(db),
            ratings=RatingService(db),
            search=SearchService(db),
            visits=VisitService(db),
            digest=DigestService(db),
            routines=RoutineService(db),
            profiles=ProfileService(db),
            votes=VoteService(db),
            privacy=PrivacyService(db),
        )
