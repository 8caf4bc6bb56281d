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
    DigestAnswer,
    MemberProfile,
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
from db.repositories.rating_stats import RatingStatsRepository
from db.repositories.sql import affected

#: Who a proposal or routine belongs to once its author asked to be forgotten.
ANONYMOUS = 0


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def _rows(objects: Any, columns: list[str]) -> list[dict[str, Any]]:
    return [{c: _plain(getattr(o, c)) for c in columns} for o in objects]


class PrivacyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def export(self, member_id: int) -> dict[str, list[dict[str, Any]]]:
        s = self.session
        return {
            "proposals": _rows(
                await s.scalars(select(Venue).where(Venue.proposer_id == member_id)),
                [
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
                ],
            ),
            "ratings": _rows(
                await s.scalars(select(Rating).where(Rating.member_id == member_id)),
                [
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
                    "tier",
                    "visit_id",
                    "occurrence_id",
                    "latest",
                    "created_at",
                    "updated_at",
                ],
            ),
            "votes": _rows(
                await s.scalars(select(Vote).where(Vote.member_id == member_id)),
                ["guild_id", "venue_id", "value", "created_at"],
            ),
            "visits": _rows(
                await s.scalars(select(Visit).where(Visit.member_id == member_id)),
                ["guild_id", "venue_id", "visited_on", "hours", "created_at"],
            ),
            "routines_created": _rows(
                await s.scalars(select(Routine).where(Routine.creator_id == member_id)),
                ["guild_id", "id", "venue_id", "weekday", "local_time", "title", "created_at"],
            ),
            "routine_memberships": _rows(
                await s.scalars(select(RoutineMember).where(RoutineMember.member_id == member_id)),
                ["guild_id", "routine_id", "joined_at"],
            ),
            "routine_reminders": _rows(
                await s.scalars(
                    select(RoutineReminder).where(RoutineReminder.member_id == member_id)
                ),
                ["guild_id", "routine_id", "created_at"],
            ),
            "digest_answers": _rows(
                await s.scalars(select(DigestAnswer).where(DigestAnswer.member_id == member_id)),
                ["guild_id", "iso_year", "iso_week", "text", "created_at", "consented_at"],
            ),
            "routines_hosted": _rows(
                await s.scalars(select(Routine).where(Routine.host_id == member_id)),
                ["guild_id", "id", "venue_id", "weekday", "local_time", "title"],
            ),
            "routine_answers": _rows(
                await s.scalars(select(RoutineRsvp).where(RoutineRsvp.member_id == member_id)),
                ["guild_id", "occurrence_id", "going", "source", "updated_at"],
            ),
            "checkback_answers": _rows(
                await s.scalars(select(CheckBackAsk).where(CheckBackAsk.member_id == member_id)),
                ["guild_id", "occurrence_id", "expires_at", "answer", "answered_at"],
            ),
            "commitments": _rows(
                await s.scalars(select(Commitment).where(Commitment.member_id == member_id)),
                ["guild_id", "iso_year", "iso_week", "occurrence_id", "created_at"],
            ),
            "profile": _rows(
                await s.scalars(select(MemberProfile).where(MemberProfile.member_id == member_id)),
                ["guild_id", "public", "updated_at"],
            ),
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
            ("commitments", Commitment),
            ("profile", MemberProfile),
        ):
            result = await s.execute(delete(model).where(model.member_id == member_id))
            counts[name] = affected(result)
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
