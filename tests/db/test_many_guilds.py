"""The schedulers of a process serving 50,000 guilds: every clock-driven read (digests due,
routines to renew, check-backs to ask, follow-ups to send) takes the guild ids a thousand at
a time, so no statement outgrows the database's parameter limit (PostgreSQL refuses more
than 32,767) and the one guild with something due among them is found."""

from __future__ import annotations

import datetime as dt

from bot.domain.checkback import CheckBackService
from bot.domain.digest import DigestService
from bot.domain.followups import FollowUpService
from bot.domain.ranking import GOT_CONTACT
from bot.domain.rating_history import FOLLOW_UP_AFTER, Presence, RatingInput, record_rating
from bot.domain.routines import RoutineService
from bot.domain.venues import VenueService, load_venue, validate_proposal
from db.engine import Database

GUILD = 111_111_111_111_111_111
ALICE, BOB = 10_000_000_000_000_001, 10_000_000_000_000_002
TUESDAY = dt.datetime(2027, 3, 16, 10, 0, tzinfo=dt.UTC)
#: 50,000 guilds of one process, the guild with data among them.
GUILDS = [GUILD - 25_000 + i for i in range(50_000)]


async def test_every_scheduler_reads_fifty_thousand_guilds(db: Database) -> None:
    assert GUILD in GUILDS
    venue = await VenueService(db).propose(
        GUILD, ALICE, validate_proposal(name="Café des Devs", kind="meetup", city="Paris")
    )
    digests = DigestService(db)
    await digests.configure(GUILD, channel_id=5, weekday=1, hour=9, now=TUESDAY)
    next_tuesday = TUESDAY + dt.timedelta(days=7)
    assert [guild for guild, _ in await digests.due(GUILDS, next_tuesday)] == [GUILD]

    routines = RoutineService(db)
    routine = await routines.create(
        GUILD, venue.id, ALICE, weekday=0, time="18:30", title=None, now=TUESDAY
    )
    assert [r.id for r in await routines.scheduled(GUILDS)] == [routine.id]
    upcoming = await routines.upcoming(GUILD, routine.id, TUESDAY)
    ended = upcoming.occurrence.ends_at + dt.timedelta(minutes=5)
    (due,) = await CheckBackService(db).due(GUILDS, ended)
    assert (due.guild_id, due.routine_id) == (GUILD, routine.id)

    async with db.write() as session:
        record = await load_venue(session, GUILD, venue.id)
        answer = RatingInput(worth=4, hours=2.0, got=GOT_CONTACT, flags=0)
        await record_rating(session, record, BOB, answer, Presence("none"), TUESDAY)
    (followup,) = await FollowUpService(db).due(GUILDS, TUESDAY + FOLLOW_UP_AFTER)
    assert (followup.guild_id, followup.member_id) == (GUILD, BOB)
