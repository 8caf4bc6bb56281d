"""Follow-ups of new contacts on SQLite and PostgreSQL: scheduled by a rating with the
"new contact" box, claimed by exactly one of two processes, taken over only once a claim's
lease ran out, never claimed again once asked, answered once by their member only."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.domain.errors import Forbidden
from bot.domain.followups import LEASE, FollowUpService
from bot.domain.ranking import GOT_CONTACT, GOT_SUBSTANCE
from bot.domain.rating_history import FOLLOW_UP_AFTER, Presence, RatingInput, record_rating
from bot.domain.venues import VenueService, load_venue, validate_proposal
from db.engine import Database

GUILD = 111_111_111_111_111_111
ALICE, BOB = 10_000_000_000_000_001, 10_000_000_000_000_002
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


async def _rated(db: Database, got: int) -> int:
    created = await VenueService(db).propose(
        GUILD, ALICE, validate_proposal(name="Café des Devs", kind="meetup", city="Paris")
    )
    async with db.write() as session:
        venue = await load_venue(session, GUILD, created.id)
        answer = RatingInput(worth=4, hours=2.0, got=got, flags=0)
        await record_rating(session, venue, BOB, answer, Presence("none"), NOW)
        await record_rating(session, venue, BOB, answer, Presence("none"), NOW)
    return created.id


async def test_a_follow_up_is_claimed_once_across_processes(
    db: Database, database_url: str
) -> None:
    await _rated(db, GOT_SUBSTANCE | GOT_CONTACT)
    first, other = FollowUpService(db), FollowUpService(Database(database_url))
    try:
        due_at = NOW + FOLLOW_UP_AFTER
        assert await first.due([GUILD], due_at - dt.timedelta(minutes=1)) == []
        (item,) = await first.due([GUILD], due_at)  # rated twice: one follow-up waiting
        claims = await asyncio.gather(first.claim(item.id, due_at), other.claim(item.id, due_at))
        assert sum(claim is not None for claim in claims) == 1
        assert await other.due([GUILD], due_at + LEASE / 2) == []
        # The winner died before asking: after the lease, another process takes it.
        later = due_at + LEASE
        assert await other.claim(item.id, later) is not None
        await other.asked(item.id)
        assert await first.due([GUILD], later + 2 * LEASE) == []
        assert await first.claim(item.id, later + 2 * LEASE) is None

        with pytest.raises(Forbidden):
            await first.answer(item.id, ALICE, "client")
        await first.answer(item.id, BOB, "client")
        with pytest.raises(Forbidden):
            await first.answer(item.id, BOB, "call")
    finally:
        await other.db.dispose()


async def test_no_follow_up_without_the_new_contact_box(db: Database) -> None:
    await _rated(db, GOT_SUBSTANCE)
    assert await FollowUpService(db).due([GUILD], NOW + 2 * FOLLOW_UP_AFTER) == []
