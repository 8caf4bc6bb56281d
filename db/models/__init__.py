"""Typed tables. Every guild-owned row carries `guild_id`; Discord ids are 64-bit.

One module per aggregate; everything is importable from `db.models`."""

from db.models.base import Base, Id, UTCDateTime, utcnow
from db.models.checkbacks import (
    CheckBack,
    CheckBackAsk,
    ContactFollowUp,
    MonthlySummary,
    SummaryPlan,
)
from db.models.digests import DigestAnswer, DigestRun
from db.models.guilds import BotState, GuildConfigRow, MemberProfile
from db.models.ratings import (
    GuildRatingHours,
    GuildRatingPrior,
    Rating,
    VenueHopeStats,
    VenuePeriodStats,
    VenueRatingStats,
)
from db.models.routines import (
    Commitment,
    Routine,
    RoutineMember,
    RoutineOccurrence,
    RoutineReminder,
    RoutineRsvp,
)
from db.models.venues import Venue, VenueTag, Visit
from db.models.votes import Vote, VoteReaction

__all__ = [
    "Base",
    "BotState",
    "CheckBack",
    "CheckBackAsk",
    "Commitment",
    "ContactFollowUp",
    "DigestAnswer",
    "DigestRun",
    "GuildConfigRow",
    "GuildRatingHours",
    "GuildRatingPrior",
    "Id",
    "MemberProfile",
    "MonthlySummary",
    "Rating",
    "Routine",
    "RoutineMember",
    "RoutineOccurrence",
    "RoutineReminder",
    "RoutineRsvp",
    "SummaryPlan",
    "UTCDateTime",
    "Venue",
    "VenueHopeStats",
    "VenuePeriodStats",
    "VenueRatingStats",
    "VenueTag",
    "Visit",
    "Vote",
    "VoteReaction",
    "utcnow",
]
