"""What a routine's host (or a moderator) does: skip a date, change it, hand it over,
end it."""

from __future__ import annotations

import datetime as dt
import logging

from bot.domain.errors import Conflict, InvalidInput
from bot.domain.parsing import parse_date, parse_time
from bot.domain.routine_base import (
    REASON_MAX,
    TITLE_MAX,
    RoutineBase,
    Upcoming,
    check_duration,
    check_weekday,
    clean_text,
    next_start,
)
from bot.domain.venues import load_venue
from db.repositories import (
    GuildConfigRepository,
    OccurrenceRecord,
    RoutineRecord,
    RoutineRepository,
)

log = logging.getLogger(__name__)


class RoutineHosting(RoutineBase):
    async def dates(self, guild_id: int, routine_id: int, count: int = 8) -> list[dt.date]:
        """The routine's next `count` dates, in the guild's time zone."""
        now = await self.clock.now()
        async with self.db.read() as session:
            routine = await self._get(session, guild_id, routine_id, lock=None)
            zone = (await GuildConfigRepository(session).get(guild_id)).zone
        found = []
        start = now
        for _ in range(count):
            start = next_start(routine.weekday, routine.local_time, zone, start)
            found.append(start.astimezone(zone).date())
        return found

    async def skip(
        self,
        guild_id: int,
        routine_id: int,
        actor_id: int,
        *,
        moderator: bool,
        date: str,
        reason: str | None,
    ) -> tuple[OccurrenceRecord, Upcoming]:
        """Cancel one date of the routine, with the reason shown on the card; returns that
        occurrence (its Discord event, if any, is to be cancelled) and what comes next."""
        clean_reason = clean_text(reason or "", "reason", REASON_MAX) or None
        now = await self.clock.now()
        try:
            day = parse_date(date, now.date(), prefer="future")
        except InvalidInput:
            raise InvalidInput("error.skip_date") from None
        async with self.db.write() as session:
            routine = await self._get(session, guild_id, routine_id)
            self._may_manage(routine, actor_id, moderator)
            zone = (await GuildConfigRepository(session).get(guild_id)).zone
            starts_at = dt.datetime.combine(day, routine.local_time, tzinfo=zone).astimezone(dt.UTC)
            if day.weekday() != routine.weekday or starts_at <= now:
                raise InvalidInput("error.skip_date")
            routines = RoutineRepository(session)
            ends_at = starts_at + dt.timedelta(minutes=routine.duration_minutes)
            occurrence = await routines.occurrence(routine.id, starts_at, ends_at, guild_id)
            if occurrence.status == "cancelled":
                raise Conflict("error.already_skipped")
            await routines.update_occurrence(occurrence.id, status="cancelled", reason=clean_reason)
            cancelled = await routines.get_occurrence(occurrence.id)
            assert cancelled is not None
            return cancelled, await self._upcoming(session, routine, now)

    async def end(
        self, guild_id: int, routine_id: int, actor_id: int, *, moderator: bool
    ) -> tuple[RoutineRecord, list[OccurrenceRecord]]:
        """Stop the routine for good; returns it and its upcoming occurrences that have a
        Discord event (to be cancelled)."""
        now = await self.clock.now()
        async with self.db.write() as session:
            routine = await self._get(session, guild_id, routine_id, lock="update")
            self._may_manage(routine, actor_id, moderator)
            routines = RoutineRepository(session)
            upcoming = await routines.with_events_after(routine.id, now)
            await routines.remove(routine.id)
        return routine, upcoming

    async def edit(
        self,
        guild_id: int,
        routine_id: int,
        actor_id: int,
        *,
        moderator: bool,
        weekday: int | None = None,
        time: str | None = None,
        duration: int | None = None,
        venue_id: int | None = None,
        title: str | None = None,
    ) -> Upcoming:
        """Change what the host asked; the upcoming occurrence moves with it, keeping its
        Discord event (to be modified to follow) and its answers."""
        asked = _asked_changes(weekday, time, duration, venue_id, title)
        now = await self.clock.now()
        async with self.db.write() as session:
            await RoutineRepository(session).lock(routine_id)
            routine = await self._get(session, guild_id, routine_id)
            self._may_manage(routine, actor_id, moderator)
            changes = {
                key: value for key, value in asked.items() if _current(routine)[key] != value
            }
            if not changes:
                raise InvalidInput("error.edit_nothing")
            new_venue = changes.get("venue_id", routine.venue_id)
            new_weekday = changes.get("weekday", routine.weekday)
            new_time = changes.get("local_time", routine.local_time)
            assert isinstance(new_venue, int) and isinstance(new_weekday, int)
            assert isinstance(new_time, dt.time)
            venue = await load_venue(session, guild_id, new_venue)
            routines = RoutineRepository(session)
            found = await routines.find(venue.id, new_weekday, new_time)
            if found is not None and found != routine.id:
                raise Conflict("error.routine_exists", name=venue.name, time=new_time)
            before = await self._upcoming(session, routine, now)
            rescheduled = "weekday" in changes or "local_time" in changes
            if rescheduled:
                await routines.forget_cancelled_after(routine.id, now)
            await routines.update(routine.id, **changes)
            routine = await self._get(session, guild_id, routine_id)
            old = before.occurrence
            starts_at = (
                next_start(routine.weekday, routine.local_time, before.zone, now)
                if rescheduled
                else old.starts_at
            )
            ends_at = starts_at + dt.timedelta(minutes=routine.duration_minutes)
            if old.status == "scheduled" and (old.starts_at, old.ends_at) != (starts_at, ends_at):
                await routines.move_occurrence(old.id, starts_at, ends_at)
            log.info("routine %s changed: %s", routine.id, ", ".join(sorted(changes)))
            return await self._upcoming(session, routine, now)

    async def hand_over(
        self, guild_id: int, routine_id: int, actor_id: int, *, moderator: bool, host_id: int
    ) -> Upcoming:
        now = await self.clock.now()
        async with self.db.write() as session:
            routine = await self._get(session, guild_id, routine_id)
            self._may_manage(routine, actor_id, moderator)
            routines = RoutineRepository(session)
            await routines.update(routine.id, host_id=host_id)
            await routines.join(guild_id, routine.id, host_id, now)
            routine = await self._get(session, guild_id, routine_id)
            return await self._upcoming(session, routine, now)


def _asked_changes(
    weekday: int | None,
    time: str | None,
    duration: int | None,
    venue_id: int | None,
    title: str | None,
) -> dict[str, object]:
    """The fields an edit asks for, checked (an empty title keeps the current one)."""
    changes: dict[str, object] = {}
    if weekday is not None:
        changes["weekday"] = check_weekday(weekday)
    if time is not None:
        changes["local_time"] = parse_time(time)
    if duration is not None:
        changes["duration_minutes"] = check_duration(duration)
    if title is not None and (clean_title := clean_text(title, "title", TITLE_MAX)):
        changes["title"] = clean_title
    if venue_id is not None:
        changes["venue_id"] = venue_id
    return changes


def _current(routine: RoutineRecord) -> dict[str, object]:
    return {
        "weekday": routine.weekday,
        "local_time": routine.local_time,
        "duration_minutes": routine.duration_minutes,
        "title": routine.title,
        "venue_id": routine.venue_id,
    }
