"""Repositories: queries over one session, one module per aggregate. Callers own the
transaction; every repository returns frozen records, never ORM objects."""

from db.repositories.activity import ActivityRepository
from db.repositories.bot_state import BotStateRepository
from db.repositories.digest_runs import DigestRunRecord, DigestRunRepository, ScheduledDigest
from db.repositories.guild_config import GuildConfigRepository
from db.repositories.period_stats import RecentRating
from db.repositories.privacy import ANONYMOUS, PrivacyRepository
from db.repositories.profiles import ProfileRepository
from db.repositories.rank_order import RankOrder
from db.repositories.rating_stats import (
    PriorState,
    PriorSums,
    RatingStatsRepository,
    VenueStatsRecord,
)
from db.repositories.ratings import (
    RatingEntry,
    RatingRepository,
    RatingRow,
    RatingSummary,
    VenueCard,
)
from db.repositories.routine_occurrences import OccurrenceRecord
from db.repositories.routines import RoutineRecord, RoutineRepository
from db.repositories.stats import StatsRepository, VisitRow
from db.repositories.venues import VenueRecord, VenueRepository
from db.repositories.visits import VisitRepository
from db.repositories.votes import DigestListing, VoteMessageRecord, VoteRepository, VoteTarget

__all__ = [
    "ANONYMOUS",
    "ActivityRepository",
    "BotStateRepository",
    "DigestListing",
    "DigestRunRecord",
    "DigestRunRepository",
    "GuildConfigRepository",
    "OccurrenceRecord",
    "PriorState",
    "PriorSums",
    "PrivacyRepository",
    "ProfileRepository",
    "RankOrder",
    "RatingEntry",
    "RatingRepository",
    "RatingRow",
    "RatingStatsRepository",
    "RatingSummary",
    "RecentRating",
    "RoutineRecord",
    "RoutineRepository",
    "ScheduledDigest",
    "StatsRepository",
    "VenueCard",
    "VenueRecord",
    "VenueRepository",
    "VenueStatsRecord",
    "VisitRepository",
    "VisitRow",
    "VoteMessageRecord",
    "VoteRepository",
    "VoteTarget",
]
