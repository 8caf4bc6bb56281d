"""Proposals of the same venue at the same moment: one is stored, the others hear
"already here" (a unique index decides, on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from bot.domain.errors import Conflict
from bot.domain.venues import VenueService, validate_proposal
from db.engine import Database
from db.models import Venue
from tests.e2e.harness import Harness
from tests.e2e.helpers import count

PROPOSERS = 8


async def test_concurrent_proposals_of_one_venue_store_one(running: Harness) -> None:
    h = running
    members = [h.fake.add_member(h.guild, f"proposer{i}").user for i in range(PROPOSERS)]
    interactions = await asyncio.gather(
        *(
            h.fake.slash(
                "venue propose",
                guild=h.guild,
                user=member,
                name="Café des Devs",
                kind="meetup",
                city="Paris",
            )
            for member in members
        )
    )
    replies = [(await interaction.reply(timeout=20)).content for interaction in interactions]
    assert await count(h, Venue) == 1
    refused = [r for r in replies if "is already here" in r]
    assert len(refused) == PROPOSERS - 1, replies
    await h.fake.wait_for_message(h.general, 1)
    await asyncio.sleep(0.3)
    assert len(h.fake.channel_messages(h.general)) == 1


async def test_the_loser_of_a_race_hears_already_here(database_url: str) -> None:
    """Straight through the service: every proposal passes the check before any inserts."""
    dbs = [Database(database_url) for _ in range(PROPOSERS)]
    draft = validate_proposal(name="Café des Devs", kind="meetup", city="Paris")
    try:
        for db in dbs:  # connected before the race: it is between the proposals' transactions
            async with db.write() as session:
                await session.execute(text("SELECT 1"))
        outcomes = await asyncio.gather(
            *(VenueService(db).propose(1, 100 + i, draft) for i, db in enumerate(dbs)),
            return_exceptions=True,
        )
    finally:
        for db in dbs:
            await db.dispose()
    stored = [o for o in outcomes if not isinstance(o, BaseException)]
    assert len(stored) == 1, outcomes
    assert all(isinstance(o, Conflict) for o in outcomes if o not in stored), [
        repr(o) for o in outcomes if not isinstance(o, Conflict)
    ]
