"""The monthly summaries to hosts and proposers: a plan per guild and month (once), one row
per (recipient, subject, month) under a unique key, claimed by one process, sent once; and
the month's check-back answers a summary counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    MonthlySummary,
    Rating,
    Routine,
    RoutineOccurrence,
    SummaryPlan,
    Venue,
)
from db.repositories.sql import affected, dialect_insert


@dataclass(frozen=True, slots=True)
class SummaryRecord:
    id: int
    guild_id: int
    recipient_id: int
    subject: str
    subject_id: int
    month: dt.date


@dataclass(frozen=True, slots=True)
class Respondent:
    """One check-back answer of the month: where, and by whom (never shown)."""

    venue_id: int
    routine_id: int
    member_id: int


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """What one check-back answer said, without who said it."""

    member_id: int
    worth: int
    got: int | None
    flags: int
    hopes: int | None


_COLUMNS = (
    MonthlySummary.id,
    MonthlySummary.guild_id,
    MonthlySummary.recipient_id,
    MonthlySummary.subject,
    MonthlySummary.subject_id,
    MonthlySummary.month,
)


def _answered(start: dt.datetime, end: dt.datetime) -> tuple[Any, ...]:
    """Check-back answers given between start and end."""
    return (
        Rating.tier == "attended",
        Rating.occurrence_id.is_not(None),
        Rating.created_at >= start,
        Rating.created_at < end,
    )


class SummaryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # -- planning: once per guild and month ---------------------------------------------

    async def answering_guilds(self, guild_ids: Sequence[int], since: dt.datetime) -> list[int]:
        """Which of these guilds had check-back answers since `since` (their covering
        index (guild, created_at) is read, nothing else)."""
        if not guild_ids:
            return []
        rows = await self.session.scalars(
            select(Rating.guild_id)
            .where(
                Rating.guild_id.in_(list(guild_ids)),
                Rating.created_at >= since,
                Rating.occurrence_id.is_not(None),
            )
            .distinct()
        )
        return sorted(rows)

    async def planned(self, guild_ids: Sequence[int], since: dt.date) -> set[tuple[int, dt.date]]:
        if not guild_ids:
            return set()
        rows = await self.session.execute(
            select(SummaryPlan.guild_id, SummaryPlan.month).where(
                SummaryPlan.guild_id.in_(list(guild_ids)), SummaryPlan.month >= since
            )
        )
        return {(guild_id, month) for guild_id, month in rows}

    async def plan(self, guild_id: int, month: dt.date, now: dt.datetime) -> bool:
        """Insert-or-nothing: True for the one process that plans this guild's month."""
        result = await self.session.execute(
            dialect_insert(self.session, SummaryPlan)
            .values(guild_id=guild_id, month=month, planned_at=now)
            .on_conflict_do_nothing(index_elements=["guild_id", "month"])
        )
        return affected(result) == 1

    async def respondents(
        self, guild_id: int, start: dt.datetime, end: dt.datetime
    ) -> list[Respondent]:
        rows = await self.session.execute(
            select(Rating.venue_id, RoutineOccurrence.routine_id, Rating.member_id)
            .join(RoutineOccurrence, RoutineOccurrence.id == Rating.occurrence_id)
            .where(Rating.guild_id == guild_id, *_answered(start, end))
        )
        return [Respondent(*row) for row in rows]

    async def hosts(self, routine_ids: Sequence[int]) -> dict[int, int]:
        """routine id -> its host, for the routines that have one."""
        if not routine_ids:
            return {}
        rows = await self.session.execute(
            select(Routine.id, Routine.host_id).where(
                Routine.id.in_(list(routine_ids)), Routine.host_id.is_not(None)
            )
        )
        return {routine_id: host_id for routine_id, host_id in rows if host_id is not None}

    async def proposers(self, venue_ids: Sequence[int], anonymous: int) -> dict[int, int]:
        """venue id -> its proposer, for the venues whose proposer is still known."""
        if not venue_ids:
            return {}
        rows = await self.session.execute(
            select(Venue.id, Venue.proposer_id).where(
                Venue.id.in_(list(venue_ids)), Venue.proposer_id != anonymous
            )
        )
        return {venue_id: proposer_id for venue_id, proposer_id in rows}

    async def add(
        self, guild_id: int, month: dt.date, rows: Sequence[tuple[int, str, int]]
    ) -> None:
        """One summary per (recipient, subject, subject id) for the month, once."""
        for recipient_id, subject, subject_id in rows:
            await self.session.execute(
                dialect_insert(self.session, MonthlySummary)
                .values(
                    guild_id=guild_id,
                    recipient_id=recipient_id,
                    subject=subject,
                    subject_id=subject_id,
                    month=month,
                )
                .on_conflict_do_nothing(
                    index_elements=["recipient_id", "subject", "subject_id", "month"]
                )
            )

    # -- sending: each row claimed by one process, sent once -------------------------------

    async def due(
        self, guild_ids: Sequence[int], now: dt.datetime, lease: dt.timedelta, limit: int
    ) -> list[SummaryRecord]:
        if not guild_ids:
            return []
        rows = await self.session.execute(
            select(*_COLUMNS)
            .where(
                MonthlySummary.sent_at.is_(None),
                MonthlySummary.guild_id.in_(list(guild_ids)),
                or_(
                    MonthlySummary.claimed_at.is_(None),
                    MonthlySummary.claimed_at <= now - lease,
                ),
            )
            .order_by(MonthlySummary.id)
            .limit(limit)
        )
        return [SummaryRecord(*row) for row in rows]

    async def claim(self, summary_id: int, now: dt.datetime, lease: dt.timedelta) -> bool:
        """One process wins: a conditional update of an unsent row whose claim is free."""
        result = await self.session.execute(
            update(MonthlySummary)
            .where(
                MonthlySummary.id == summary_id,
                MonthlySummary.sent_at.is_(None),
                or_(
                    MonthlySummary.claimed_at.is_(None),
                    MonthlySummary.claimed_at <= now - lease,
                ),
            )
            .values(claimed_at=now)
        )
        return affected(result) == 1

    async def get(self, summary_id: int) -> SummaryRecord | None:
        row = (
            await self.session.execute(select(*_COLUMNS).where(MonthlySummary.id == summary_id))
        ).first()
        return SummaryRecord(*row) if row else None

    async def done(self, summary_id: int, outcome: str, now: dt.datetime) -> None:
        await self.session.execute(
            update(MonthlySummary)
            .where(MonthlySummary.id == summary_id)
            .values(sent_at=now, outcome=outcome)
        )

    async def subject(self, subject: str, subject_id: int) -> tuple[str, int | None] | None:
        """(name, current host or proposer) of a routine (its title, else its venue's
        name) or a venue."""
        if subject == "routine":
            row = (
                await self.session.execute(
                    select(Routine.title, Venue.name, Routine.host_id)
                    .join(Venue, Venue.id == Routine.venue_id)
                    .where(Routine.id == subject_id)
                )
            ).first()
            return (row[0] or row[1], row[2]) if row else None
        found = (
            await self.session.execute(
                select(Venue.name, Venue.proposer_id).where(Venue.id == subject_id)
            )
        ).first()
        return (found[0], found[1]) if found else None

    async def answers(
        self, subject: str, subject_id: int, start: dt.datetime, end: dt.datetime
    ) -> list[AnswerRow]:
        """The check-back answers of the month about a routine or a venue."""
        stmt = select(Rating.member_id, Rating.worth, Rating.got, Rating.flags, Rating.hopes)
        if subject == "routine":
            stmt = stmt.join(RoutineOccurrence, RoutineOccurrence.id == Rating.occurrence_id).where(
                RoutineOccurrence.routine_id == subject_id
            )
        else:
            stmt = stmt.where(Rating.venue_id == subject_id)
        rows = await self.session.execute(stmt.where(*_answered(start, end)))
        return [AnswerRow(*row) for row in rows]


__all__ = ["AnswerRow", "Respondent", "SummaryRecord", "SummaryRepository"]
