"""A routine's dated occurrences: their Discord events, who answered, and the reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Routine,
    RoutineOccurrence,
    RoutineReminder,
    RoutineRsvp,
)
from db.repositories.sql import affected, dialect_insert

#: Rows per INSERT statement (SQLite allows 32,766 bound values in one).
INSERT_CHUNK = 1000
#: When an occurrence row made for its RSVPs was "claimed": long ago, so free to claim.
UNCLAIMED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class OccurrenceRecord:
    id: int
    routine_id: int
    guild_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    reason: str | None
    event_id: int | None
    attempts: int
    last_error: str | None
    next_attempt_at: dt.datetime | None

    @classmethod
    def of(cls, row: RoutineOccurrence) -> OccurrenceRecord:
        return cls(
            id=row.id,
            routine_id=row.routine_id,
            guild_id=row.guild_id,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            status=row.status,
            reason=row.reason,
            event_id=row.event_id,
            attempts=row.attempts,
            last_error=row.last_error,
            next_attempt_at=row.next_attempt_at,
        )


class OccurrenceQueries:
    """The occurrence half of `RoutineRepository`."""

    session: AsyncSession

    async def occurrence(
        self, routine_id: int, starts_at: dt.datetime, ends_at: dt.datetime, guild_id: int
    ) -> OccurrenceRecord:
        """The occurrence of `routine_id` starting at `starts_at`, made if it is new."""
        await self.session.execute(
            dialect_insert(self.session, RoutineOccurrence)
            .values(
                routine_id=routine_id,
                guild_id=guild_id,
                starts_at=starts_at,
                ends_at=ends_at,
                status="scheduled",
                claimed_at=UNCLAIMED,
                attempts=0,
            )
            .on_conflict_do_nothing(index_elements=["routine_id", "starts_at"])
        )
        row = await self.session.scalar(
            select(RoutineOccurrence).where(
                RoutineOccurrence.routine_id == routine_id,
                RoutineOccurrence.starts_at == starts_at,
            )
        )
        assert row is not None
        return OccurrenceRecord.of(row)

    async def claim_event(
        self,
        occurrence_id: int,
        now: dt.datetime,
        *,
        lease: dt.timedelta,
        max_attempts: int | None,
        respect_backoff: bool,
    ) -> bool:
        """Take the right to create this occurrence's Discord event. One UPDATE decides:
        only while it has no event, is scheduled, no other attempt holds a live lease,
        attempts remain and (for the scheduler) its back-off has passed."""
        conditions: list[Any] = [
            RoutineOccurrence.id == occurrence_id,
            RoutineOccurrence.event_id.is_(None),
            RoutineOccurrence.status == "scheduled",
            RoutineOccurrence.claimed_at <= now - lease,
        ]
        if max_attempts is not None:
            conditions.append(RoutineOccurrence.attempts < max_attempts)
        if respect_backoff:
            conditions.append(
                or_(
                    RoutineOccurrence.next_attempt_at.is_(None),
                    RoutineOccurrence.next_attempt_at <= now,
                )
            )
        result = await self.session.execute(
            update(RoutineOccurrence)
            .where(and_(*conditions))
            .values(claimed_at=now, attempts=RoutineOccurrence.attempts + 1)
        )
        return bool(affected(result))

    async def get_occurrence(self, occurrence_id: int) -> OccurrenceRecord | None:
        row = await self.session.get(RoutineOccurrence, occurrence_id)
        return OccurrenceRecord.of(row) if row else None

    async def occurrence_of_event(self, event_id: int) -> OccurrenceRecord | None:
        row = await self.session.scalar(
            select(RoutineOccurrence).where(RoutineOccurrence.event_id == event_id)
        )
        return OccurrenceRecord.of(row) if row else None

    async def update_occurrence(self, occurrence_id: int, **values: Any) -> None:
        await self.session.execute(
            update(RoutineOccurrence).where(RoutineOccurrence.id == occurrence_id).values(**values)
        )

    # -- RSVPs ------------------------------------------------------------------------------

    async def answer(
        self,
        occurrence_id: int,
        guild_id: int,
        member_id: int,
        going: bool,
        source: str,
        now: dt.datetime,
        *,
        keep_own: bool = False,
    ) -> None:
        """The member's answer for the occurrence. With `keep_own`, a "Going" the member
        gave on the card stays theirs: only "Not going" or Discord's "Interested" is
        replaced."""
        await self.session.execute(
            dialect_insert(self.session, RoutineRsvp)
            .values(
                occurrence_id=occurrence_id,
                guild_id=guild_id,
                member_id=member_id,
                going=going,
                source=source,
                updated_at=now,
            )
            .on_conflict_do_update(
                index_elements=["occurrence_id", "member_id"],
                set_={"going": going, "source": source, "updated_at": now},
                where=(
                    or_(RoutineRsvp.going.is_(False), RoutineRsvp.source == "interested")
                    if keep_own
                    else None
                ),
            )
        )

    async def answers(self, occurrence_id: int) -> dict[int, bool]:
        """member id -> going, as the card's buttons recorded it."""
        rows = await self.session.execute(
            select(RoutineRsvp.member_id, RoutineRsvp.going).where(
                RoutineRsvp.occurrence_id == occurrence_id
            )
        )
        return {member_id: going for member_id, going in rows}

    async def going_count(self, occurrence_id: int) -> int:
        return (
            await self.session.scalar(
                select(func.count()).where(
                    RoutineRsvp.occurrence_id == occurrence_id, RoutineRsvp.going.is_(True)
                )
            )
            or 0
        )

    async def sync_interested(
        self, occurrence_id: int, guild_id: int, member_ids: Sequence[int], now: dt.datetime
    ) -> None:
        """Discord's "Interested" list becomes the occurrence's `interested` answers; an
        answer given on the card stays as the member gave it."""
        stale = delete(RoutineRsvp).where(
            RoutineRsvp.occurrence_id == occurrence_id, RoutineRsvp.source == "interested"
        )
        if member_ids:
            stale = stale.where(RoutineRsvp.member_id.not_in(list(member_ids)))
        await self.session.execute(stale)
        for start in range(0, len(member_ids), INSERT_CHUNK):
            await self.session.execute(
                dialect_insert(self.session, RoutineRsvp)
                .values(
                    [
                        {
                            "occurrence_id": occurrence_id,
                            "guild_id": guild_id,
                            "member_id": member_id,
                            "going": True,
                            "source": "interested",
                            "updated_at": now,
                        }
                        for member_id in member_ids[start : start + INSERT_CHUNK]
                    ]
                )
                .on_conflict_do_nothing(index_elements=["occurrence_id", "member_id"])
            )

    async def cancelled_after(self, routine_id: int, after: dt.datetime) -> list[OccurrenceRecord]:
        """The routine's cancelled occurrences starting after `after`, soonest first."""
        rows = await self.session.scalars(
            select(RoutineOccurrence)
            .where(
                RoutineOccurrence.routine_id == routine_id,
                RoutineOccurrence.status == "cancelled",
                RoutineOccurrence.starts_at > after,
            )
            .order_by(RoutineOccurrence.starts_at)
        )
        return [OccurrenceRecord.of(row) for row in rows]

    async def with_events_after(
        self, routine_id: int, after: dt.datetime
    ) -> list[OccurrenceRecord]:
        """The routine's scheduled occurrences, still to come, that have a Discord event."""
        rows = await self.session.scalars(
            select(RoutineOccurrence).where(
                RoutineOccurrence.routine_id == routine_id,
                RoutineOccurrence.status == "scheduled",
                RoutineOccurrence.event_id.is_not(None),
                RoutineOccurrence.ends_at > after,
            )
        )
        return [OccurrenceRecord.of(row) for row in rows]

    async def ended_since_resumed(
        self, routine_id: int, now: dt.datetime, count: int
    ) -> list[tuple[OccurrenceRecord, int]]:
        """The routine's last `count` occurrences that took place (not cancelled) and have
        ended since it was created or last resumed, latest first, each with its number
        going."""
        routine = await self.session.get(Routine, routine_id)
        if routine is None:
            return []
        since = max(
            (moment for moment in (routine.created_at, routine.resumed_at) if moment is not None),
            default=UNCLAIMED,
        )
        rows = await self.session.scalars(
            select(RoutineOccurrence)
            .where(
                RoutineOccurrence.routine_id == routine_id,
                RoutineOccurrence.status == "scheduled",
                RoutineOccurrence.starts_at >= since,
                RoutineOccurrence.ends_at <= now,
            )
            .order_by(RoutineOccurrence.starts_at.desc())
            .limit(count)
        )
        found = [OccurrenceRecord.of(row) for row in rows]
        return [(occurrence, await self.going_count(occurrence.id)) for occurrence in found]

    async def forget_cancelled_after(self, routine_id: int, after: dt.datetime) -> None:
        """Drop the routine's cancelled dates still to come (its schedule changed)."""
        await self.session.execute(
            delete(RoutineOccurrence).where(
                RoutineOccurrence.routine_id == routine_id,
                RoutineOccurrence.status == "cancelled",
                RoutineOccurrence.starts_at > after,
            )
        )

    async def move_occurrence(
        self, occurrence_id: int, starts_at: dt.datetime, ends_at: dt.datetime
    ) -> None:
        """Give the occurrence a new time, with its event and answers; a row already at
        that start (seen before the change) gives way to it."""
        row = await self.session.get(RoutineOccurrence, occurrence_id)
        assert row is not None
        await self.session.execute(
            delete(RoutineOccurrence).where(
                RoutineOccurrence.routine_id == row.routine_id,
                RoutineOccurrence.starts_at == starts_at,
                RoutineOccurrence.id != occurrence_id,
            )
        )
        await self.update_occurrence(occurrence_id, starts_at=starts_at, ends_at=ends_at)

    async def occurrences_between(
        self, guild_id: int, start: dt.datetime, end: dt.datetime
    ) -> dict[tuple[int, dt.datetime], tuple[str, int]]:
        """(routine id, start) -> (status, number going) of the guild's occurrences
        starting in [start, end), in one query."""
        going = func.count(RoutineRsvp.member_id).filter(RoutineRsvp.going.is_(True))
        rows = await self.session.execute(
            select(
                RoutineOccurrence.routine_id,
                RoutineOccurrence.starts_at,
                RoutineOccurrence.status,
                going,
            )
            .outerjoin(RoutineRsvp, RoutineRsvp.occurrence_id == RoutineOccurrence.id)
            .where(
                RoutineOccurrence.guild_id == guild_id,
                RoutineOccurrence.starts_at >= start,
                RoutineOccurrence.starts_at < end,
            )
            .group_by(
                RoutineOccurrence.id,
                RoutineOccurrence.routine_id,
                RoutineOccurrence.starts_at,
                RoutineOccurrence.status,
            )
        )
        return {
            (routine_id, starts_at): (status, count)
            for routine_id, starts_at, status, count in rows
        }

    # -- reminders --------------------------------------------------------------------------

    async def toggle_reminder(
        self, guild_id: int, routine_id: int, member_id: int, now: dt.datetime
    ) -> bool:
        """Ask for the reminder, or stop it when already asked; True when now asked."""
        result = await self.session.execute(
            delete(RoutineReminder).where(
                RoutineReminder.routine_id == routine_id, RoutineReminder.member_id == member_id
            )
        )
        if affected(result):
            return False
        await self.session.execute(
            dialect_insert(self.session, RoutineReminder)
            .values(routine_id=routine_id, member_id=member_id, guild_id=guild_id, created_at=now)
            .on_conflict_do_nothing(index_elements=["routine_id", "member_id"])
        )
        return True

    async def forget_reminder(self, routine_id: int, member_id: int) -> None:
        await self.session.execute(
            delete(RoutineReminder).where(
                RoutineReminder.routine_id == routine_id, RoutineReminder.member_id == member_id
            )
        )

    async def reminded_members(self, routine_id: int) -> list[int]:
        """Who asked for the routine's reminder, in the order they asked."""
        rows = await self.session.scalars(
            select(RoutineReminder.member_id)
            .where(RoutineReminder.routine_id == routine_id)
            .order_by(RoutineReminder.created_at, RoutineReminder.member_id)
        )
        return list(rows)

    async def claim_reminder(
        self, occurrence_id: int, now: dt.datetime, lease: dt.timedelta
    ) -> bool:
        """Take the right to post the occurrence's reminder. One UPDATE decides: only while
        it is scheduled, not reminded yet, and no other attempt holds a live lease."""
        result = await self.session.execute(
            update(RoutineOccurrence)
            .where(
                RoutineOccurrence.id == occurrence_id,
                RoutineOccurrence.status == "scheduled",
                RoutineOccurrence.reminded_at.is_(None),
                or_(
                    RoutineOccurrence.reminder_claimed_at.is_(None),
                    RoutineOccurrence.reminder_claimed_at <= now - lease,
                ),
            )
            .values(reminder_claimed_at=now)
        )
        return bool(affected(result))
