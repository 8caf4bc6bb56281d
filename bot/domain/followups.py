"""Thirty days after a member said they met a valuable new contact at a venue, one private
question: did it lead to a call, a client, a collaboration, or nothing yet? The venue card
counts the connections that led somewhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.errors import Forbidden, InvalidInput
from db.engine import Database
from db.repositories import GuildConfigRepository, VenueRepository
from db.repositories.followups import FOLLOWUP_ANSWERS, FollowUpRecord, FollowUpRepository

#: A claim not followed by the question within this time may be taken by another process.
LEASE = dt.timedelta(minutes=5)
#: Follow-ups read per round of the scheduler.
BATCH = 50


@dataclass(frozen=True, slots=True)
class FollowUpAsk:
    """What to send one member: the venue's name, in the guild's language."""

    followup_id: int
    member_id: int
    venue_name: str
    language: str | None


class FollowUpService:
    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    async def due(self, guild_ids: list[int], now: dt.datetime) -> list[FollowUpRecord]:
        async with self.db.read() as session:
            return await FollowUpRepository(session).due(guild_ids, now, LEASE, BATCH)

    async def claim(self, followup_id: int, now: dt.datetime) -> FollowUpAsk | None:
        """Claim a due follow-up; None when another process has it or it was asked."""
        async with self.db.write() as session:
            followups = FollowUpRepository(session)
            if not await followups.claim(followup_id, now, LEASE):
                return None
            found = await followups.get(followup_id)
            assert found is not None
            venue = await VenueRepository(session).get(found.guild_id, found.venue_id)
            config = await GuildConfigRepository(session).get(found.guild_id)
        return FollowUpAsk(
            followup_id=followup_id,
            member_id=found.member_id,
            venue_name=venue.name if venue else "",
            language=config.language,
        )

    async def asked(self, followup_id: int) -> None:
        """The question was sent (or cannot be: the member's DMs are closed): never again."""
        async with self.db.write() as session:
            await FollowUpRepository(session).asked(followup_id, await self.clock.now())

    async def answer(self, followup_id: int, member_id: int, answer: str) -> None:
        if answer not in FOLLOWUP_ANSWERS:
            raise InvalidInput("error.followup_answer")
        async with self.db.write() as session:
            followups = FollowUpRepository(session)
            if not await followups.answer(followup_id, member_id, answer, await self.clock.now()):
                raise Forbidden("error.followup_closed")
