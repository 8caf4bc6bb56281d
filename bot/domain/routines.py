"""Routines: a weekly slot at a venue that members join, and their calendar file."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.errors import Conflict, InvalidInput, NotFound
from bot.domain.ranking import DEFAULT_HOURS
from bot.domain.text import clean_line, normalize_name
from bot.domain.venues import load_venue
from db.engine import Database
from db.repositories import (
    GuildConfigRepository,
    RatingRepository,
    RoutineRecord,
    RoutineRepository,
    VenueRepository,
)

TITLE_MAX = 100
_TIME = re.compile(r"^\s*(\d{1,2})\s*[:hH.]\s*(\d{2})\s*$")
ICS_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def parse_time(text: str) -> dt.time:
    """'18:30', '18h30', '9.05' -> a local time."""
    match = _TIME.match(text or "")
    if not match:
        raise InvalidInput("error.time_format")
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise InvalidInput("error.time_format")
    return dt.time(hour, minute)


def parse_routine_ref(value: str) -> int:
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:  # not '²'
        raise NotFound("error.routine_not_found", query=clean_line(value)[:100])
    return int(text)


class RoutineService:
    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    async def create(
        self,
        guild_id: int,
        venue_id: int,
        creator_id: int,
        *,
        weekday: int,
        time: str,
        title: str | None,
        now: dt.datetime | None = None,
    ) -> RoutineRecord:
        if not 0 <= weekday <= 6:
            raise InvalidInput("error.weekday_invalid")
        local_time = parse_time(time)
        clean_title = clean_line(title or "") or None
        if clean_title and len(clean_title) > TITLE_MAX:
            raise InvalidInput(
                "error.field_too_long", field="title", max=TITLE_MAX, length=len(clean_title)
            )
        async with self.db.write() as session:
            venue = await load_venue(session, guild_id, venue_id)
            routines = RoutineRepository(session)
            if await routines.find(venue.id, weekday, local_time) is not None:
                raise Conflict(
                    "error.routine_exists", name=venue.name, time=local_time.strftime("%H:%M")
                )
            routine_id = await routines.create(
                guild_id=guild_id,
                venue_id=venue.id,
                weekday=weekday,
                local_time=local_time,
                title=clean_title,
                creator_id=creator_id,
                created_at=now or await self.clock.now(),
            )
            await routines.join(guild_id, routine_id, creator_id, now or await self.clock.now())
            (record,) = await routines.find_all(guild_id, ids=[routine_id])
        return record

    async def resolve(self, guild_id: int, text: str) -> RoutineRecord:
        """The routine a member chose: autocomplete gives its id, in this guild only."""
        routine_id = parse_routine_ref(text)
        async with self.db.read() as session:
            found = await RoutineRepository(session).find_all(guild_id, ids=[routine_id])
        if not found:
            raise NotFound("error.routine_not_found", query=clean_line(text)[:TITLE_MAX])
        return found[0]

    async def _get(self, session: AsyncSession, guild_id: int, routine_id: int) -> RoutineRecord:
        found = await RoutineRepository(session).find_all(guild_id, ids=[routine_id])
        if not found:
            raise NotFound("error.routine_not_found", query=str(routine_id))
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
            (routine,) = await routines.find_all(guild_id, ids=[routine.id])
        return routine, left

    async def find_all(self, guild_id: int, member_id: int | None = None) -> list[RoutineRecord]:
        async with self.db.read() as session:
            return await RoutineRepository(session).find_all(guild_id, member_id=member_id)

    async def autocomplete(self, guild_id: int, text: str) -> list[RoutineRecord]:
        async with self.db.read() as session:
            return await RoutineRepository(session).find_all(
                guild_id, text=normalize_name(text) or None, limit=25
            )

    async def calendar(
        self, guild_id: int, member_id: int, *, now: dt.datetime | None = None
    ) -> bytes:
        """An iCalendar file: each routine the member joined as a weekly event in the
        guild's time zone, lasting the member's usual hours there (2 by default)."""
        now = now or await self.clock.now()
        async with self.db.read() as session:
            zone = (await GuildConfigRepository(session).get(guild_id)).zone
            routines = await RoutineRepository(session).find_all(guild_id, member_id=member_id)
            venues = await VenueRepository(session).many(guild_id, [r.venue_id for r in routines])
            ratings = RatingRepository(session)
            hours = {r.id: await ratings.hours_of(r.venue_id, member_id) for r in routines}
        if not routines:
            raise NotFound("error.no_routines_joined")
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//Bonnes Places//Routines//EN")
        calendar.add("version", "2.0")
        calendar.add("x-wr-timezone", zone.key)
        today = now.astimezone(zone).date()
        for routine in routines:
            venue = venues[routine.venue_id]
            first = today + dt.timedelta(days=(routine.weekday - today.weekday()) % 7)
            start = dt.datetime.combine(first, routine.local_time, tzinfo=zone)
            event = icalendar.Event()
            event.add("uid", f"routine-{routine.id}-{member_id}@bonnes-places")
            event.add("summary", routine.title or venue.name)
            event.add("dtstart", start)
            event.add("duration", dt.timedelta(hours=hours[routine.id] or DEFAULT_HOURS))
            event.add("rrule", {"freq": "weekly", "byday": ICS_DAYS[routine.weekday]})
            event.add(
                "location", ", ".join(p for p in (venue.name, venue.address, venue.city) if p)
            )
            if venue.url:
                event.add("url", venue.url)
            event.add("dtstamp", now)
            calendar.add_component(event)
        calendar.add_missing_timezones()
        return bytes(calendar.to_ical())
