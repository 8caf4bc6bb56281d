"""Routines: a weekly slot at a venue that members join, and their calendar file."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from bot.domain.parsing import parse_date, parse_time
from bot.domain.quotas import refuse_routine_over_limit
from bot.domain.text import clean_line, normalize_name
from bot.domain.venues import load_venue
from db.engine import Database
from db.repositories import (
    GuildConfigRepository,
    OccurrenceRecord,
    RoutineRecord,
    RoutineRepository,
    VenueRecord,
    VenueRepository,
)
from db.repositories.routines import UNCLAIMED as UNCLAIMED_AT

log = logging.getLogger(__name__)

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
ICS_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _matching(routines: list[RoutineRecord], key: str) -> list[RoutineRecord]:
    return [r for r in routines if not key or any(key in name for name in _names(r))]


def _names(routine: RoutineRecord) -> tuple[str, str]:
    return normalize_name(routine.title or ""), normalize_name(routine.venue_name)


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
        duration: int = DEFAULT_DURATION,
        claim_event: bool = False,
        now: dt.datetime | None = None,
    ) -> RoutineRecord:
        """A new routine its creator is in. With `claim_event`, its first occurrence is
        claimed in the same transaction: the caller creates that event (after posting the
        card it links to), and the scheduler takes over only if the caller never does."""
        if not 0 <= weekday <= 6:
            raise InvalidInput("error.weekday_invalid")
        if not DURATION_MIN <= duration <= DURATION_MAX:
            raise InvalidInput("error.duration_invalid", min=DURATION_MIN, max=DURATION_MAX)
        local_time = parse_time(time)
        clean_title = clean_line(title or "") or None
        if clean_title and len(clean_title) > TITLE_MAX:
            raise InvalidInput(
                "error.field_too_long", field="title", max=TITLE_MAX, length=len(clean_title)
            )
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

    # -- occurrences and their Discord events ----------------------------------------------

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
        async with self.db.read() as session:
            routines = await RoutineRepository(session).find_all(guild_ids, limit=100_000)
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
            routine = await self._get(session, guild_id, routine_id)
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
            routine = await self._get(session, guild_id, routine_id)
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

    @staticmethod
    def _may_manage(routine: RoutineRecord, actor_id: int, moderator: bool) -> None:
        if not moderator and routine.host_id != actor_id:
            raise Forbidden("error.routine_not_host")

    async def dates(self, guild_id: int, routine_id: int, count: int = 8) -> list[dt.date]:
        """The routine's next `count` dates, in the guild's time zone."""
        now = await self.clock.now()
        async with self.db.read() as session:
            routine = await self._get(session, guild_id, routine_id)
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
        clean_reason = clean_line(reason or "") or None
        if clean_reason and len(clean_reason) > REASON_MAX:
            raise InvalidInput(
                "error.field_too_long", field="reason", max=REASON_MAX, length=len(clean_reason)
            )
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

    async def event_gone(self, guild_id: int, routine_id: int, occurrence_id: int) -> Upcoming:
        """The occurrence's event was deleted or cancelled in Discord: the date is
        cancelled, and its event is not made again."""
        now = await self.clock.now()
        async with self.db.write() as session:
            routine = await self._get(session, guild_id, routine_id)
            await RoutineRepository(session).update_occurrence(occurrence_id, status="cancelled")
            log.info("the event of routine %s was removed in Discord", routine_id)
            return await self._upcoming(session, routine, now)

    async def end(
        self, guild_id: int, routine_id: int, actor_id: int, *, moderator: bool
    ) -> tuple[RoutineRecord, list[OccurrenceRecord]]:
        """Stop the routine for good; returns it and its upcoming occurrences that have a
        Discord event (to be cancelled)."""
        now = await self.clock.now()
        async with self.db.write() as session:
            routine = await self._get(session, guild_id, routine_id)
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
        changes: dict[str, object] = {}
        if weekday is not None:
            if not 0 <= weekday <= 6:
                raise InvalidInput("error.weekday_invalid")
            changes["weekday"] = weekday
        if time is not None:
            changes["local_time"] = parse_time(time)
        if duration is not None:
            if not DURATION_MIN <= duration <= DURATION_MAX:
                raise InvalidInput("error.duration_invalid", min=DURATION_MIN, max=DURATION_MAX)
            changes["duration_minutes"] = duration
        if title is not None:
            clean_title = clean_line(title)
            if len(clean_title) > TITLE_MAX:
                raise InvalidInput(
                    "error.field_too_long", field="title", max=TITLE_MAX, length=len(clean_title)
                )
            if clean_title:
                changes["title"] = clean_title
        if venue_id is not None:
            changes["venue_id"] = venue_id
        now = await self.clock.now()
        async with self.db.write() as session:
            await RoutineRepository(session).lock(routine_id)
            routine = await self._get(session, guild_id, routine_id)
            self._may_manage(routine, actor_id, moderator)
            current = {
                "weekday": routine.weekday,
                "local_time": routine.local_time,
                "duration_minutes": routine.duration_minutes,
                "title": routine.title,
                "venue_id": routine.venue_id,
            }
            changes = {key: value for key, value in changes.items() if current[key] != value}
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
            if "weekday" in changes or "local_time" in changes:
                await routines.forget_cancelled_after(routine.id, now)
            await routines.update(routine.id, **changes)
            routine = await self._get(session, guild_id, routine_id)
            old = before.occurrence
            starts_at = (
                next_start(routine.weekday, routine.local_time, before.zone, now)
                if "weekday" in changes or "local_time" in changes
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
