"""A routine's lapse is decided once, even by two processes at the same moment."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.domain.routines import RoutineService
from bot.domain.venues import VenueService, validate_proposal
from db.engine import Database

GUILD = 111_111_111_111_111_111
ALICE, BOB = 10_000_000_000_000_001, 10_000_000_000_000_002
TUESDAY = dt.datetime(2027, 3, 16, 10, 0, tzinfo=dt.UTC)
WEEK = dt.timedelta(days=7)


async def test_two_processes_pause_a_lapsed_routine_once(database_url: str) -> None:
    first, second = Database(database_url), Database(database_url)
    try:
        venue = await VenueService(first).propose(
            GUILD, ALICE, validate_proposal(name="Café", kind="meetup", city="Paris")
        )
        service = RoutineService(first)
        routine = await service.create(
            GUILD, venue.id, ALICE, weekday=0, time="18:30", title=None, now=TUESDAY
        )
        for week in range(3):
            await service.upcoming(GUILD, routine.id, TUESDAY + week * WEEK)
        before = TUESDAY + 2 * WEEK
        assert await service.lapse_candidates(GUILD, routine.id, before) == []
        now = TUESDAY + 3 * WEEK
        assert len(await service.lapse_candidates(GUILD, routine.id, now)) == 3
        results = await asyncio.gather(
            RoutineService(first).pause(GUILD, routine.id, now),
            RoutineService(second).pause(GUILD, routine.id, now),
        )
        assert sum(result is not None for result in results) == 1
        assert await service.lapse_candidates(GUILD, routine.id, now) == []
        assert await service.scheduled([GUILD]) == []
    finally:
        await first.dispose()
        await second.dispose()


async def test_one_member_going_keeps_the_routine(database_url: str) -> None:
    db = Database(database_url)
    try:
        venue = await VenueService(db).propose(
            GUILD, ALICE, validate_proposal(name="Café", kind="meetup", city="Paris")
        )
        service = RoutineService(db)
        routine = await service.create(
            GUILD, venue.id, ALICE, weekday=0, time="18:30", title=None, now=TUESDAY
        )
        for week in range(3):
            upcoming = await service.upcoming(GUILD, routine.id, TUESDAY + week * WEEK)
            if week == 1:
                await service.sync_interested(GUILD, routine.id, upcoming.occurrence.id, [BOB])
        now = TUESDAY + 3 * WEEK
        assert await service.lapse_candidates(GUILD, routine.id, now) == []
        assert await service.pause(GUILD, routine.id, now) is None
    finally:
        await db.dispose()


async def test_a_routine_ended_while_its_next_date_is_recorded_waits_for_it(
    database_url: str,
) -> None:
    """The scheduler records a routine's next date while its host ends it: the end waits
    for that write (PostgreSQL: a row lock on the routine; SQLite: writers take turns), so
    the date is never written for a routine that is gone, and the end then removes it."""
    first, second = Database(database_url), Database(database_url)
    try:
        venue = await VenueService(first).propose(
            GUILD, ALICE, validate_proposal(name="Café", kind="meetup", city="Paris")
        )
        scheduler, host = RoutineService(first), RoutineService(second)
        routine = await scheduler.create(
            GUILD, venue.id, ALICE, weekday=0, time="18:30", title=None, now=TUESDAY
        )
        async with first.write() as session:
            found = await scheduler._get(session, GUILD, routine.id)
            ending = asyncio.create_task(host.end(GUILD, routine.id, ALICE, moderator=False))
            await asyncio.sleep(0.5)
            assert not ending.done(), "the routine was ended under a write about it"
            upcoming = await scheduler._upcoming(session, found, TUESDAY)
        ended, events = await asyncio.wait_for(ending, 10)
        assert ended.id == routine.id and events == []
        assert upcoming.occurrence.routine_id == routine.id
        assert await scheduler.scheduled([GUILD]) == []
    finally:
        await first.dispose()
        await second.dispose()
