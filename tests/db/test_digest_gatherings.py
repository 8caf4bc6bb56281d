"""The digest's gatherings: this week's occurrences by number going, a skipped date left
out, a routine paused since the last digest told once, apart from this week's."""

from __future__ import annotations

import datetime as dt

from bot.domain.digest import DigestService
from bot.domain.routines import RoutineService
from bot.domain.venues import VenueService, validate_proposal
from db.engine import Database
from db.repositories import RoutineRepository

GUILD = 111_111_111_111_111_111
ALICE, BOB, CAROL = 10_000_000_000_000_001, 10_000_000_000_000_002, 10_000_000_000_000_003
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)  # a Wednesday; the guild is in UTC


class FixedClock:
    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    async def now(self) -> dt.datetime:
        return self.moment


async def test_this_weeks_occurrences_by_number_going_and_pauses_once(db: Database) -> None:
    venues = VenueService(db)
    routines = RoutineService(db, FixedClock(NOW))
    made = {}
    for name, weekday, time in [
        ("Lundi", 0, "18:30"),
        ("Vendredi", 4, "19:00"),
        ("Jeudi", 3, "08:00"),
        ("Samedi", 5, "10:00"),
        ("Mardi", 1, "12:00"),
    ]:
        venue = await venues.propose(
            GUILD, ALICE, validate_proposal(name=f"Chez {name}", kind="meetup", city="Paris")
        )
        made[name] = await routines.create(
            GUILD, venue.id, ALICE, weekday=weekday, time=time, title=name, now=NOW
        )
    for member in (BOB, CAROL):
        await routines.answer(GUILD, made["Vendredi"].id, member, True)
    await routines.answer(GUILD, made["Lundi"].id, BOB, True)
    await routines.answer(GUILD, made["Jeudi"].id, CAROL, False)
    await routines.skip(
        GUILD, made["Samedi"].id, ALICE, moderator=False, date="2026-11-28", reason=None
    )
    async with db.write() as session:
        await RoutineRepository(session).pause(made["Mardi"].id, NOW - dt.timedelta(days=2))

    data = await DigestService(db).gather(GUILD, NOW)
    assert [(r.title, r.going) for r in data.routines] == [
        ("Vendredi", 2),
        ("Lundi", 1),
        ("Jeudi", 0),
    ]
    assert data.routines[0].starts_at == dt.datetime(2026, 11, 27, 19, 0, tzinfo=dt.UTC)
    # The pause is last week's news, not one of this week's gatherings.
    assert [(r.title, r.paused, r.starts_at) for r in data.paused] == [("Mardi", True, None)]

    # A week later: the pause was told, the skipped Saturday is back, nobody answered yet.
    later = await DigestService(db).gather(GUILD, NOW + dt.timedelta(days=7))
    assert [r.title for r in later.routines] == ["Jeudi", "Vendredi", "Samedi", "Lundi"]
    assert later.paused == []
