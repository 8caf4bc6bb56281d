"""Routines: a weekly slot at a venue that members join, and their calendar file."""

from __future__ import annotations

import datetime as dt

from bot.domain.errors import Conflict, NotFound
from bot.domain.parsing import parse_time
from bot.domain.quotas import refuse_routine_over_limit
from bot.domain.routine_base import (
    DEFAULT_DURATION,
    TITLE_MAX,
    check_duration,
    check_weekday,
    clean_text,
    parse_routine_ref,
)
from bot.domain.routine_events import RoutineEvents
from bot.domain.routine_hosting import RoutineHosting
from bot.domain.text import clean_line, normalize_name
from bot.domain.venues import load_venue
from db.repositories import (
    GuildConfigRepository,
    RoutineRecord,
    RoutineRepository,
    VenueRepository,
)

ICS_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _matching(routines: list[RoutineRecord], key: str) -> list[RoutineRecord]:
    return [r for r in routines if not key or any(key in name for name in _names(r))]


def _names(routine: RoutineRecord) -> tuple[str, str]:
    return normalize_name(routine.title or ""), normalize_name(routine.venue_name)


class RoutineService(RoutineEvents, RoutineHosting):
    """The routine use cases: membership and the calendar here, occurrences and their
    events in `RoutineEvents`, the host's actions in `RoutineHosting`."""

    async def create(
        self,
        guild_id: int,
        venue_id: int,
        creator_id: int,
        *,
        weekday: int,
        time: str,
        title: str | None,
        duration: int = DEFAULT_DURATION,
        claim_event: bool = False,
        now: dt.datetime | None = None,
    ) -> RoutineRecord:
        """A new routine its creator is in. With `claim_event`, its first occurrence is
        claimed in the same transaction: the caller creates that event (after posting the
        card it links to), and the scheduler takes over only if the caller never does."""
        check_weekday(weekday)
        check_duration(duration)
        local_time = parse_time(time)
        clean_title = clean_text(title or "", "title", TITLE_MAX) or None
        now = now or await self.clock.now()
        async with self.db.write() as session:
            config = await GuildConfigRepository(session).get(guild_id)
            await refuse_routine_over_limit(session, config, creator_id, now)
            venue = await load_venue(session, guild_id, venue_id)
            routines = RoutineRepository(session)
            if await routines.find(venue.id, weekday, local_time) is not None:
                raise Conflict("error.routine_exists", name=venue.name, time=local_time)
            routine_id = await routines.create(
                guild_id=guild_id,
                venue_id=venue.id,
                weekday=weekday,
                local_time=local_time,
                title=clean_title,
                creator_id=creator_id,
                host_id=creator_id,
                duration_minutes=duration,
                created_at=now or await self.clock.now(),
            )
            await routines.join(guild_id, routine_id, creator_id, now or await self.clock.now())
            (record,) = await routines.find_all(guild_id, ids=[routine_id])
            if claim_event:
                moment = now or await self.clock.now()
                upcoming = await self._upcoming(session, record, moment)
                await routines.claim_event(
                    upcoming.occurrence.id,
                    moment,
                    lease=dt.timedelta(0),
                    max_attempts=None,
                    respect_backoff=False,
                )
        return record

    async def resolve(self, guild_id: int, text: str) -> RoutineRecord:
        """The routine a member chose, in this guild only: the autocomplete gives its id; a
        typed title (or venue name) finds it when exactly one routine matches it."""
        routine_id = parse_routine_ref(text)
        key = normalize_name(text)
        async with self.db.read() as session:
            routines = RoutineRepository(session)
            if routine_id is not None:
                found = await routines.find_all(guild_id, ids=[routine_id])
            elif key:
                found = _matching(await routines.find_all(guild_id), key)
                exact = [r for r in found if key in _names(r)]
                found = exact or found
            else:
                found = []
        if len(found) != 1:
            raise NotFound("error.routine_not_found", query=clean_line(text)[:TITLE_MAX])
        return found[0]

    async def join(
        self, guild_id: int, routine_id: int, member_id: int
    ) -> tuple[RoutineRecord, bool]:
        async with self.db.write() as session:
            routine = await self._get(session, guild_id, routine_id)
            routines = RoutineRepository(session)
            joined = await routines.join(guild_id, routine.id, member_id, await self.clock.now())
            (routine,) = await routines.find_all(guild_id, ids=[routine.id])
        return routine, joined

    async def leave(
        self, guild_id: int, routine_id: int, member_id: int
    ) -> tuple[RoutineRecord, bool]:
        async with self.db.write() as session:
            routine = await self._get(session, guild_id, routine_id)
            routines = RoutineRepository(session)
            left = await routines.leave(routine.id, member_id)
            await routines.forget_reminder(routine.id, member_id)
            (routine,) = await routines.find_all(guild_id, ids=[routine.id])
        return routine, left

    async def find_all(self, guild_id: int, member_id: int | None = None) -> list[RoutineRecord]:
        async with self.db.read() as session:
            return await RoutineRepository(session).find_all(guild_id, member_id=member_id)

    async def autocomplete(self, guild_id: int, text: str) -> list[RoutineRecord]:
        """Routines whose title or venue name contains the typed words, accents and
        punctuation aside ("petit dej" finds "Petit-déj")."""
        async with self.db.read() as session:
            routines = await RoutineRepository(session).find_all(guild_id)
        return _matching(routines, normalize_name(text))[:25]

    async def calendar(
        self, guild_id: int, member_id: int, *, now: dt.datetime | None = None
    ) -> bytes:
        """An iCalendar file: each routine the member joined as a weekly event in the
        guild's time zone, lasting as long as the routine, its skipped dates left out
        (EXDATE)."""
        now = now or await self.clock.now()
        async with self.db.read() as session:
            zone = (await GuildConfigRepository(session).get(guild_id)).zone
            routines = await RoutineRepository(session).find_all(guild_id, member_id=member_id)
            venues = await VenueRepository(session).many(guild_id, [r.venue_id for r in routines])
            repository = RoutineRepository(session)
            today = now.astimezone(zone).date()
            skipped = {
                r.id: await repository.cancelled_after(
                    r.id, dt.datetime.combine(today, dt.time(0), tzinfo=zone)
                )
                for r in routines
            }
        if not routines:
            raise NotFound("error.no_routines_joined")
        import icalendar  # only this export uses it: not loaded at start

        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//Bonnes Places//Routines//EN")
        calendar.add("version", "2.0")
        calendar.add("x-wr-timezone", zone.key)
        for routine in routines:
            venue = venues[routine.venue_id]
            first = today + dt.timedelta(days=(routine.weekday - today.weekday()) % 7)
            start = dt.datetime.combine(first, routine.local_time, tzinfo=zone)
            event = icalendar.Event()
            event.add("uid", f"routine-{routine.id}-{member_id}@bonnes-places")
            event.add("summary", routine.title or venue.name)
            event.add("dtstart", start)
            event.add("duration", dt.timedelta(minutes=routine.duration_minutes))
            event.add("rrule", {"freq": "weekly", "byday": ICS_DAYS[routine.weekday]})
            exdates = [
                o.starts_at.astimezone(zone)
                for o in skipped[routine.id]
                if o.starts_at.astimezone(zone).time() == routine.local_time
                and o.starts_at.astimezone(zone).weekday() == routine.weekday
            ]
            if exdates:
                event.add("exdate", exdates)
            event.add(
                "location", ", ".join(p for p in (venue.name, venue.address, venue.city) if p)
            )
            if venue.url:
                event.add("url", venue.url)
            event.add("dtstamp", now)
            calendar.add_component(event)
        calendar.add_missing_timezones()
        return bytes(calendar.to_ical())
