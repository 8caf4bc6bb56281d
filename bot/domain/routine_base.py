"""What every routine use case shares: the limits, a routine's next start in its guild's
time zone, the `Upcoming` occurrence it shows, and how a routine and that occurrence are
read within a unit of work."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.errors import Forbidden, InvalidInput, NotFound
from bot.domain.text import clean_line
from bot.domain.venues import load_venue
from db.engine import Database
from db.repositories import (
    GuildConfigRepository,
    OccurrenceRecord,
    RoutineRecord,
    RoutineRepository,
    VenueRecord,
)

TITLE_MAX = 100
REASON_MAX = 200
#: How long an occurrence lasts unless its creator says otherwise, and the bounds.
DEFAULT_DURATION = 120
DURATION_MIN, DURATION_MAX = 15, 720
#: Tries to create one occurrence's Discord event before giving up and reporting it.
MAX_ATTEMPTS = 3
LEASE = dt.timedelta(minutes=10)
#: Occurrences in a row with nobody going after which a routine is paused.
LAPSE_AFTER = 3
MANUAL_LEASE = dt.timedelta(minutes=2)
#: The opt-in reminder is posted this long before an occurrence starts.
REMIND_BEFORE = dt.timedelta(hours=1)
#: A process that claimed a reminder and vanished lets another post it after this long
#: (within the five minutes Discord remembers a message's nonce, so never twice).
REMINDER_LEASE = dt.timedelta(minutes=2)


def parse_routine_ref(value: str) -> int | None:
    """The routine id the autocomplete sends, or None for a typed title."""
    text = value.strip()
    if text.isascii() and text.isdigit() and len(text) <= 18:  # not '²'
        return int(text)
    return None


def next_start(weekday: int, local_time: dt.time, zone: ZoneInfo, now: dt.datetime) -> dt.datetime:
    """The first start strictly after `now`, as a UTC instant: the wall-clock time in the
    guild's zone, so a routine at 18:30 stays at 18:30 across daylight-saving changes."""
    today = now.astimezone(zone).date()
    day = today + dt.timedelta(days=(weekday - today.weekday()) % 7)
    while True:
        start = dt.datetime.combine(day, local_time, tzinfo=zone).astimezone(dt.UTC)
        if start > now:
            return start
        day += dt.timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Upcoming:
    """A routine with its next occurrence, what the card and the Discord event show."""

    routine: RoutineRecord
    venue: VenueRecord
    occurrence: OccurrenceRecord
    going: int
    zone: ZoneInfo
    #: Dates still to come that were skipped (or whose event was deleted in Discord).
    skipped: tuple[OccurrenceRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class Reminder:
    """An occurrence whose reminder this process claimed, and who asked for it."""

    upcoming: Upcoming
    member_ids: tuple[int, ...]


def check_weekday(weekday: int) -> int:
    if not 0 <= weekday <= 6:
        raise InvalidInput("error.weekday_invalid")
    return weekday


def check_duration(duration: int) -> int:
    if not DURATION_MIN <= duration <= DURATION_MAX:
        raise InvalidInput("error.duration_invalid", min=DURATION_MIN, max=DURATION_MAX)
    return duration


def clean_text(text: str, field: str, limit: int) -> str:
    """The text on one line, refused when longer than `limit`."""
    clean = clean_line(text)
    if len(clean) > limit:
        raise InvalidInput("error.field_too_long", field=field, max=limit, length=len(clean))
    return clean


class RoutineBase:
    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    async def _get(
        self,
        session: AsyncSession,
        guild_id: int,
        routine_id: int,
        *,
        lock: Literal["share", "update"] | None = "share",
    ) -> RoutineRecord:
        """The routine, kept from being removed until the transaction ends (a scheduler's
        new occurrence, a member joining), unless `lock` is None (a read)."""
        found = await RoutineRepository(session).find_all(guild_id, ids=[routine_id], lock=lock)
        if not found:
            raise NotFound("error.routine_not_found", query=str(routine_id))
        return found[0]

    async def _upcoming(
        self, session: AsyncSession, routine: RoutineRecord, now: dt.datetime
    ) -> Upcoming:
        zone = (await GuildConfigRepository(session).get(routine.guild_id)).zone
        venue = await load_venue(session, routine.guild_id, routine.venue_id)
        routines = RoutineRepository(session)
        skipped = await routines.cancelled_after(routine.id, now)
        cancelled = {o.starts_at for o in skipped}
        starts_at = next_start(routine.weekday, routine.local_time, zone, now)
        while starts_at in cancelled:
            starts_at = next_start(routine.weekday, routine.local_time, zone, starts_at)
        ends_at = starts_at + dt.timedelta(minutes=routine.duration_minutes)
        occurrence = await routines.occurrence(routine.id, starts_at, ends_at, routine.guild_id)
        going = await routines.going_count(occurrence.id)
        return Upcoming(routine, venue, occurrence, going, zone, tuple(skipped))

    @staticmethod
    def _may_manage(routine: RoutineRecord, actor_id: int, moderator: bool) -> None:
        if not moderator and routine.host_id != actor_id:
            raise Forbidden("error.routine_not_host")
