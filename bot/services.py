"""The services the bot runs on, built once in `main()` and handed to the Bot."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.checkback import CheckBackService
from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.commitments import CommitmentService
from bot.domain.digest import DigestService
from bot.domain.digest_answers import DigestAnswerService
from bot.domain.followups import FollowUpService
from bot.domain.guilds import GuildService
from bot.domain.hopes import HopeService
from bot.domain.privacy import PrivacyService
from bot.domain.profiles import ProfileService
from bot.domain.ratings import RatingService
from bot.domain.routines import RoutineService
from bot.domain.search import SearchService
from bot.domain.state import BotStateService
from bot.domain.summaries import SummaryService
from bot.domain.venues import VenueService
from bot.domain.visits import VisitService
from bot.domain.votes import VoteService
from db.engine import Database


@dataclass(frozen=True, slots=True)
class Services:
    clock: Clock
    venues: VenueService
    guilds: GuildService
    state: BotStateService
    ratings: RatingService
    search: SearchService
    visits: VisitService
    digest: DigestService
    digest_answers: DigestAnswerService
    routines: RoutineService
    profiles: ProfileService
    votes: VoteService
    privacy: PrivacyService
    checkbacks: CheckBackService
    followups: FollowUpService
    commitments: CommitmentService
    hopes: HopeService
    summaries: SummaryService

    @classmethod
    def build(cls, db: Database, clock: Clock = SYSTEM_CLOCK, marker_key: bytes = b"") -> Services:
        return cls(
            clock=clock,
            venues=VenueService(db, clock),
            guilds=GuildService(db),
            state=BotStateService(db),
            ratings=RatingService(db, clock, marker_key),
            search=SearchService(db, clock),
            visits=VisitService(db, clock),
            digest=DigestService(db, clock),
            digest_answers=DigestAnswerService(db, clock),
            routines=RoutineService(db, clock),
            profiles=ProfileService(db, clock),
            votes=VoteService(db, marker_key),
            privacy=PrivacyService(db, clock, marker_key),
            checkbacks=CheckBackService(db, clock, marker_key),
            followups=FollowUpService(db, clock),
            commitments=CommitmentService(db, clock),
            hopes=HopeService(db, clock),
            summaries=SummaryService(db, clock),
        )
