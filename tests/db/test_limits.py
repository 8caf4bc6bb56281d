"""The cap on proposals holds for proposals at the same instant from several processes
(each with its own engine), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from bot.domain.errors import Forbidden
from bot.domain.guilds import GuildService
from bot.domain.venues import VenueService, validate_proposal
from db.engine import Database

GUILD, ALICE = 1, 10
PROCESSES = 8


async def test_concurrent_proposals_stop_at_the_cap(database_url: str) -> None:
    dbs = [Database(database_url) for _ in range(PROCESSES)]
    try:
        await GuildService(dbs[0]).update(GUILD, proposals_per_day=3)
        drafts = [
            validate_proposal(name="Meetup", kind="meetup", city=f"Ville {i}")
            for i in range(PROCESSES)
        ]
        outcomes = await asyncio.gather(
            *(
                VenueService(db).propose(GUILD, ALICE, draft)
                for db, draft in zip(dbs, drafts, strict=True)
            ),
            return_exceptions=True,
        )
    finally:
        for db in dbs:
            await db.dispose()
    refused = [o for o in outcomes if isinstance(o, Forbidden)]
    stored = [o for o in outcomes if not isinstance(o, BaseException)]
    assert len(stored) == 3, outcomes
    assert len(refused) == PROCESSES - 3
    assert {o.key for o in refused} == {"error.limit_proposals"}
