"""A routine's occurrences: their Discord events, who goes, the opt-in reminder before
each, and the pause when nobody goes (any member resumes it)."""

from __future__ import annotations

import datetime as dt
import logging

from bot.domain.errors import Conflict
from bot.domain.routine_base import (
    LAPSE_AFTER,
    LEASE,
    MANUAL_LEASE,
    MAX_ATTEMPTS,
    REMIND_BEFORE,
    REMINDER_LEASE,
    Reminder,
    RoutineBase,
    Upcoming,
    next_start,
)
from db.repositories import (
    GuildConfigRepository,
    OccurrenceRecord,
    RoutineRecord,
    RoutineRepository,
)
from db.repositories.routine_occurrences import UNCLAIMED as UNCLAIMED_AT
from db.repositories.sql import chunks

log = logging.getLogger(__name__)


class RoutineEvents(RoutineBase):
    async def upcoming(
        self, guild_id: int, routine_id: int, now: dt.datetime | None = None
    ) -> Upcoming:
        """The routine's next occurrence (recorded on first sight), and who goes."""
        now = now or await self.clock.now()
        async with self.db.write() as session:
            return await self._upcoming(
                session, await self._get(session, guild_id, routine_id), now
            )

    async def scheduled(self, guild_ids: list[int]) -> list[RoutineRecord]:
        """The routines of these guilds whose occurrences get Discord events (not paused)."""
        if not guild_ids:
            return []
        routines: list[RoutineRecord] = []
        async with self.db.read() as session:
            repository = RoutineRepository(session)
            for chunk in chunks(guild_ids):
                routines.extend(await repository.find_all(chunk, limit=100_000))
        return [r for r in routines if r.paused_at is None]

    async def claim_event(
        self, guild_id: int, routine_id: int, now: dt.datetime, *, manual: bool = False
    ) -> Upcoming | None:
        """Take the right to create the Discord event of the routine's next occurrence,
        or None: it has one, another process holds it, or it is backing off / given up.
        Asked by a member (`manual`), a shorter lease and no back-off."""
        async with self.db.write() as session:
            await RoutineRepository(session).lock(routine_id)
            routine = await self._get(session, guild_id, routine_id)
            if routine.paused_at is not None:
                return None
            upcoming = await self._upcoming(session, routine, now)
            claimed = await RoutineRepository(session).claim_event(
                upcoming.occurrence.id,
                now,
                lease=MANUAL_LEASE if manual else LEASE,
                max_attempts=None if manual else MAX_ATTEMPTS,
                respect_backoff=not manual,
            )
            if not claimed:
                return None
            occurrence = await RoutineRepository(session).get_occurrence(upcoming.occurrence.id)
            assert occurrence is not None
        return Upcoming(
            routine, upcoming.venue, occurrence, upcoming.going, upcoming.zone, upcoming.skipped
        )

    async def event_created(self, occurrence_id: int, event_id: int) -> None:
        async with self.db.write() as session:
            await RoutineRepository(session).update_occurrence(
                occurrence_id, event_id=event_id, last_error=None, next_attempt_at=None
            )

    async def event_failed(
        self,
        occurrence: OccurrenceRecord,
        detail: str,
        now: dt.datetime,
        *,
        retry_after: dt.timedelta,
    ) -> bool:
        """Record a failed creation; True when it was the last try (then it is reported)."""
        exhausted = occurrence.attempts >= MAX_ATTEMPTS
        async with self.db.write() as session:
            await RoutineRepository(session).update_occurrence(
                occurrence.id,
                last_error=detail[:300],
                next_attempt_at=None if exhausted else now + retry_after * occurrence.attempts,
                claimed_at=UNCLAIMED_AT,
            )
        if exhausted:
            log.error(
                "the Discord event of routine %s on %s failed %d times, giving up: %s",
                occurrence.routine_id,
                occurrence.starts_at.isoformat(),
                occurrence.attempts,
                detail,
            )
        else:
            log.warning(
                "the Discord event of routine %s on %s failed (attempt %d): %s",
                occurrence.routine_id,
                occurrence.starts_at.isoformat(),
                occurrence.attempts,
                detail,
            )
        return exhausted

    async def set_card(self, routine_id: int, channel_id: int, message_id: int) -> None:
        async with self.db.write() as session:
            await RoutineRepository(session).update(
                routine_id, card_channel_id=channel_id, card_message_id=message_id
            )

    async def answer(self, guild_id: int, routine_id: int, member_id: int, going: bool) -> Upcoming:
        """A member goes, or not, to the next occurrence (the card's buttons)."""
        now = await self.clock.now()
        async with self.db.write() as session:
            routine = await self._get(session, guild_id, routine_id)
            upcoming = await self._upcoming(session, routine, now)
            await RoutineRepository(session).answer(
                upcoming.occurrence.id, guild_id, member_id, going, "button", now
            )
            return await self._upcoming(session, routine, now)

    async def sync_interested(
        self, guild_id: int, routine_id: int, occurrence_id: int, member_ids: list[int]
    ) -> Upcoming:
        """Record who marked the occurrence's Discord event "Interested" (they count as
        going, unless they answered otherwise on the card)."""
        now = await self.clock.now()
        async with self.db.write() as session:
            routine = await self._get(session, guild_id, routine_id)
            await RoutineRepository(session).sync_interested(
                occurrence_id, guild_id, sorted(set(member_ids)), now
            )
            return await self._upcoming(session, routine, now)

    # -- the reminder an hour before, for the members who asked --------------------------

    async def toggle_reminder(
        self, guild_id: int, routine_id: int, member_id: int
    ) -> tuple[RoutineRecord, bool]:
        """The member asks to be reminded before each date, or stops; True when now on."""
        now = await self.clock.now()
        async with self.db.write() as session:
            routine = await self._get(session, guild_id, routine_id)
            asked = await RoutineRepository(session).toggle_reminder(
                guild_id, routine.id, member_id, now
            )
        return routine, asked

    async def claim_reminder(
        self, guild_id: int, routine_id: int, now: dt.datetime
    ) -> Reminder | None:
        """Within REMIND_BEFORE of the routine's next date (scheduled, the routine not
        paused), take the right to post its reminder, once across processes and restarts.
        None when it is not time, another process has it, or nobody asked (then it is
        marked as done)."""
        async with self.db.read() as session:
            routine = await self._get(session, guild_id, routine_id, lock=None)
            zone = (await GuildConfigRepository(session).get(guild_id)).zone
        if routine.paused_at is not None:
            return None
        if next_start(routine.weekday, routine.local_time, zone, now) - REMIND_BEFORE > now:
            return None  # the usual case, decided without a write
        async with self.db.write() as session:
            routines = RoutineRepository(session)
            routine = await self._get(session, guild_id, routine_id)
            if routine.paused_at is not None:
                return None
            upcoming = await self._upcoming(session, routine, now)
            occurrence = upcoming.occurrence
            if occurrence.starts_at - REMIND_BEFORE > now:
                return None  # that date was skipped: the next one is further away
            if not await routines.claim_reminder(occurrence.id, now, REMINDER_LEASE):
                return None
            members = await routines.reminded_members(routine.id)
            if not members:
                await routines.update_occurrence(occurrence.id, reminded_at=now)
                return None
        return Reminder(upcoming, tuple(members))

    async def reminder_sent(self, occurrence_id: int, now: dt.datetime) -> None:
        async with self.db.write() as session:
            await RoutineRepository(session).update_occurrence(occurrence_id, reminded_at=now)

    async def set_thread(self, routine_id: int, thread_id: int | None) -> None:
        async with self.db.write() as session:
            await RoutineRepository(session).update(routine_id, thread_id=thread_id)

    # -- lapse: paused when nobody goes, resumed by any member -------------------------------

    async def lapse_candidates(
        self, guild_id: int, routine_id: int, now: dt.datetime
    ) -> list[OccurrenceRecord]:
        """The last LAPSE_AFTER occurrences that took place, when none had anyone going as
        far as the bot knows (their "Interested" lists are to be read once more before
        `pause` decides); otherwise none."""
        async with self.db.read() as session:
            routine = await self._get(session, guild_id, routine_id, lock=None)
            if routine.paused_at is not None:
                return []
            ended = await RoutineRepository(session).ended_since_resumed(
                routine.id, now, LAPSE_AFTER
            )
        if len(ended) < LAPSE_AFTER or any(going for _, going in ended):
            return []
        return [occurrence for occurrence, _ in ended]

    async def pause(
        self, guild_id: int, routine_id: int, now: dt.datetime
    ) -> tuple[Upcoming, list[OccurrenceRecord]] | None:
        """Pause the routine if nobody went to its last LAPSE_AFTER occurrences; one
        conditional UPDATE decides, so with several processes exactly one pauses it. Returns
        the routine as paused and its upcoming occurrences that had a Discord event (to be
        cancelled; they are free to be claimed again on resume), or None."""
        async with self.db.write() as session:
            routine = await self._get(session, guild_id, routine_id)
            routines = RoutineRepository(session)
            ended = await routines.ended_since_resumed(routine.id, now, LAPSE_AFTER)
            if len(ended) < LAPSE_AFTER or any(going for _, going in ended):
                return None
            if not await routines.pause(routine.id, now):
                return None
            with_events = await routines.with_events_after(routine.id, now)
            for occurrence in with_events:
                await routines.update_occurrence(
                    occurrence.id,
                    event_id=None,
                    attempts=0,
                    claimed_at=UNCLAIMED_AT,
                    last_error=None,
                    next_attempt_at=None,
                )
            routine = await self._get(session, guild_id, routine_id)
            log.info("routine %s is paused: nobody went %d times running", routine.id, LAPSE_AFTER)
            return await self._upcoming(session, routine, now), with_events

    async def resume(self, guild_id: int, routine_id: int, member_id: int) -> Upcoming:
        """A paused routine starts again, hosted by the member who resumed it."""
        now = await self.clock.now()
        async with self.db.write() as session:
            routine = await self._get(session, guild_id, routine_id)
            routines = RoutineRepository(session)
            if not await routines.resume(routine.id, member_id, now):
                raise Conflict("error.routine_not_paused")
            await routines.join(guild_id, routine.id, member_id, now)
            routine = await self._get(session, guild_id, routine_id)
            return await self._upcoming(session, routine, now)

    # -- host actions ----------------------------------------------------------------------
    async def event_gone(self, guild_id: int, routine_id: int, occurrence_id: int) -> Upcoming:
        """The occurrence's event was deleted or cancelled in Discord: the date is
        cancelled, and its event is not made again."""
        now = await self.clock.now()
        async with self.db.write() as session:
            routine = await self._get(session, guild_id, routine_id)
            await RoutineRepository(session).update_occurrence(occurrence_id, status="cancelled")
            log.info("the event of routine %s was removed in Discord", routine_id)
            return await self._upcoming(session, routine, now)
