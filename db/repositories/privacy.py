"""Everything stored about one member, to export or erase (all guilds)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    CheckBackAsk,
    Commitment,
    ContactFollowUp,
    DigestAnswer,
    MemberProfile,
    MonthlySummary,
    Rating,
    Routine,
    RoutineMember,
    RoutineReminder,
    RoutineRsvp,
    Venue,
    Visit,
    Vote,
    VoteReaction,
)
from db.repositories.hopes import HopeRepository
from db.repositories.rating_stats import RatingStatsRepository
from db.repositories.sql import affected

#: Who a proposal or routine belongs to once its author asked to be forgotten.
ANONYMOUS = 0


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def _rows(objects: Any, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{c: _plain(getattr(o, c)) for c in columns} for o in objects]


#: The columns of a routine in an export, as its creator or as its host.
_ROUTINE = ("guild_id", "id", "venue_id", "weekday", "local_time", "title")
#: What a member's export holds: per section, the rows naming the member and their columns.
_EXPORT: tuple[tuple[str, type[Any], Any, tuple[str, ...]], ...] = (
    (
        "proposals",
        Venue,
        Venue.proposer_id,
        (
            "guild_id",
            "id",
            "name",
            "kind",
            "city",
            "address",
            "url",
            "description",
            "status",
            "created_at",
        ),
    ),
    (
        "ratings",
        Rating,
        Rating.member_id,
        (
            "guild_id",
            "venue_id",
            "worth",
            "substance",
            "experience",
            "connections",
            "hours",
            "comment",
            "got",
            "flags",
            "hopes",
            "tier",
            "visit_id",
            "occurrence_id",
            "latest",
            "created_at",
            "updated_at",
        ),
    ),
    ("votes", Vote, Vote.member_id, ("guild_id", "venue_id", "value", "created_at")),
    (
        "visits",
        Visit,
        Visit.member_id,
        ("guild_id", "venue_id", "visited_on", "hours", "created_at"),
    ),
    ("routines_created", Routine, Routine.creator_id, (*_ROUTINE, "created_at")),
    (
        "routine_memberships",
        RoutineMember,
        RoutineMember.member_id,
        ("guild_id", "routine_id", "joined_at"),
    ),
    (
        "routine_reminders",
        RoutineReminder,
        RoutineReminder.member_id,
        ("guild_id", "routine_id", "created_at"),
    ),
    (
        "digest_answers",
        DigestAnswer,
        DigestAnswer.member_id,
        ("guild_id", "iso_year", "iso_week", "text", "created_at", "consented_at"),
    ),
    ("routines_hosted", Routine, Routine.host_id, _ROUTINE),
    (
        "routine_answers",
        RoutineRsvp,
        RoutineRsvp.member_id,
        ("guild_id", "occurrence_id", "going", "source", "hopes", "updated_at"),
    ),
    (
        "checkback_answers",
        CheckBackAsk,
        CheckBackAsk.member_id,
        ("guild_id", "occurrence_id", "expires_at", "answer", "answered_at"),
    ),
    (
        "contact_followups",
        ContactFollowUp,
        ContactFollowUp.member_id,
        ("guild_id", "venue_id", "due_at", "asked_at", "answer", "answered_at"),
    ),
    (
        "commitments",
        Commitment,
        Commitment.member_id,
        ("guild_id", "iso_year", "iso_week", "occurrence_id", "created_at"),
    ),
    (
        "monthly_summaries",
        MonthlySummary,
        MonthlySummary.recipient_id,
        ("guild_id", "subject", "subject_id", "month", "sent_at", "outcome"),
    ),
    (
        "profile",
        MemberProfile,
        MemberProfile.member_id,
        ("guild_id", "public", "summaries", "updated_at"),
    ),
)


class PrivacyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def export(self, member_id: int) -> dict[str, list[dict[str, Any]]]:
        return {
            section: _rows(
                await self.session.scalars(select(model).where(column == member_id)), columns
            )
            for section, model, column, columns in _EXPORT
        }

    async def erase(self, member_id: int, mark: Callable[[int], str]) -> dict[str, int]:
        """Delete the member's ratings, votes, visits, memberships and profile; keep their
        proposals and routines for the community, without their name."""
        s = self.session
        voted = list(
            await s.scalars(select(Vote.venue_id).where(Vote.member_id == member_id).distinct())
        )
        await s.execute(delete(VoteReaction).where(VoteReaction.member_id == member_id))
        await RatingStatsRepository(s).forget_member(member_id)
        await HopeRepository(s).forget_member(member_id)
        counts = {}
        for name, model in (
            ("ratings", Rating),
            ("votes", Vote),
            ("visits", Visit),
            ("routine_memberships", RoutineMember),
            ("routine_answers", RoutineRsvp),
            ("routine_reminders", RoutineReminder),
            ("digest_answers", DigestAnswer),
            ("checkback_answers", CheckBackAsk),
            ("contact_followups", ContactFollowUp),
            ("commitments", Commitment),
            ("profile", MemberProfile),
        ):
            result = await s.execute(delete(model).where(model.member_id == member_id))
            counts[name] = affected(result)
        result = await s.execute(
            delete(MonthlySummary).where(MonthlySummary.recipient_id == member_id)
        )
        counts["monthly_summaries"] = affected(result)
        if voted:
            net = (
                select(func.coalesce(func.sum(Vote.value), 0))
                .where(Vote.venue_id == Venue.id)
                .scalar_subquery()
            )
            await s.execute(update(Venue).where(Venue.id.in_(voted)).values(net_votes=net))
        guilds = await s.scalars(
            select(Venue.guild_id).where(Venue.proposer_id == member_id).distinct()
        )
        counts["proposals_anonymized"] = 0
        for guild_id in list(guilds):
            result = await s.execute(
                update(Venue)
                .where(Venue.proposer_id == member_id, Venue.guild_id == guild_id)
                .values(proposer_id=ANONYMOUS, proposer_mark=mark(guild_id))
            )
            counts["proposals_anonymized"] += affected(result)
        result = await s.execute(
            update(Routine).where(Routine.creator_id == member_id).values(creator_id=ANONYMOUS)
        )
        counts["routines_anonymized"] = affected(result)
        result = await s.execute(
            update(Routine).where(Routine.host_id == member_id).values(host_id=None)
        )
        counts["routines_unhosted"] = affected(result)
        return counts
