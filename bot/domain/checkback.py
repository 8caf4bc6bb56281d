"""The check-back: after an occurrence ends, ask the members who were going whether they
went; "I went" records a visit and a rating tied to that occurrence, which counts fully in
the RIT score (docs/ranking.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.errors import Forbidden, NotFound
from bot.domain.marks import is_proposer
from bot.domain.rating_history import Presence, RatingInput, record_rating
from bot.domain.ratings import RateOutcome
from bot.domain.venues import load_venue
from db.engine import Database
from db.repositories import (
    GuildConfigRepository,
    RatingEntry,
    RatingRepository,
    RoutineRepository,
    VenueRecord,
    VisitRepository,
)
from db.repositories.checkbacks import CheckBackRepository, DueCheckBack
from db.repositories.hopes import HopeRepository

#: How long members may answer after the occurrence ended; then the ask expires quietly.
ANSWER_WINDOW = dt.timedelta(days=3)
#: Occurrences that ended longer ago than this are not asked about after downtime.
CATCH_UP = dt.timedelta(days=2)
#: A claim not followed by a post within this time may be taken over by another process.
LEASE = dt.timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Ask:
    """What to post for one occurrence: the members newly asked, where, in which language."""

    occurrence_id: int
    guild_id: int
    venue: VenueRecord
    title: str | None
    member_ids: tuple[int, ...]
    thread_id: int | None
    card_channel_id: int | None
    language: str | None


@dataclass(frozen=True, slots=True)
class OpenAsk:
    """What the form needs: the venue, the member's last rating of it (to pre-fill) and
    what they hoped to get when they said they were going (to remind them)."""

    venue: VenueRecord
    last: RatingEntry | None
    hopes: int | None


class CheckBackService:
    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK, marker_key: bytes = b"") -> None:
        self.db = db
        self.clock = clock
        self.marker_key = marker_key

    async def due(self, guild_ids: list[int], now: dt.datetime) -> list[DueCheckBack]:
        async with self.db.read() as session:
            return await CheckBackRepository(session).due(guild_ids, now, now - CATCH_UP, LEASE)

    async def claim(self, guild_id: int, occurrence_id: int, now: dt.datetime) -> Ask | None:
        """Claim the occurrence's check-back and ask its going members, once each; None when
        another process has it. With nobody going, it is done at once."""
        async with self.db.write() as session:
            checkbacks = CheckBackRepository(session)
            if not await checkbacks.claim(guild_id, occurrence_id, now, LEASE):
                return None
            occurrence = await RoutineRepository(session).get_occurrence(occurrence_id)
            assert occurrence is not None
            going = await checkbacks.going(occurrence_id)
            asked = await checkbacks.add_asks(
                guild_id, occurrence_id, going, occurrence.ends_at + ANSWER_WINDOW
            )
            venue_id, routine_id, thread_id, card_channel_id = await checkbacks.routine_of(
                occurrence_id
            )
            if not asked:
                await checkbacks.posted(occurrence_id, 0, 0, now)
            venue = await load_venue(session, guild_id, venue_id, statuses=("active", "removed"))
            found = await RoutineRepository(session).find_all(guild_id, ids=[routine_id])
            config = await GuildConfigRepository(session).get(guild_id)
        return Ask(
            occurrence_id=occurrence_id,
            guild_id=guild_id,
            venue=venue,
            title=found[0].title if found else None,
            member_ids=tuple(asked),
            thread_id=thread_id,
            card_channel_id=card_channel_id,
            language=config.language,
        )

    async def posted(self, occurrence_id: int, channel_id: int, message_id: int) -> None:
        async with self.db.write() as session:
            await CheckBackRepository(session).posted(
                occurrence_id, channel_id, message_id, await self.clock.now()
            )

    async def open_ask(self, guild_id: int, occurrence_id: int, member_id: int) -> OpenAsk:
        """The venue of an ask the member may still answer, their last rating of it and
        their hopes; refused when they were not asked, already answered, or it expired."""
        now = await self.clock.now()
        async with self.db.read() as session:
            ask = await CheckBackRepository(session).ask(occurrence_id, member_id)
            if ask is None or ask.guild_id != guild_id:
                raise Forbidden("error.checkback_not_asked")
            if ask.answer is not None:
                raise Forbidden("error.checkback_answered")
            if ask.expires_at <= now:
                raise Forbidden("error.checkback_expired")
            venue_id, *_ = await CheckBackRepository(session).routine_of(occurrence_id)
            venue = await load_venue(session, guild_id, venue_id)
            if is_proposer(venue, member_id, self.marker_key):
                raise Forbidden("error.rate_own_venue")
            last = await RatingRepository(session).last(venue.id, member_id)
            hopes = await HopeRepository(session).of(occurrence_id, member_id)
        return OpenAsk(venue, last, hopes)

    async def went(
        self, guild_id: int, occurrence_id: int, member_id: int, answer: RatingInput
    ) -> RateOutcome:
        """One answer: a visit on the occurrence's day and a rating tied to the occurrence,
        carrying what the member hoped to get when they said they were going."""
        now = await self.clock.now()
        async with self.db.write() as session:
            checkbacks = CheckBackRepository(session)
            venue_id, *_ = await checkbacks.routine_of(occurrence_id)
            venue = await load_venue(session, guild_id, venue_id)
            if is_proposer(venue, member_id, self.marker_key):
                raise Forbidden("error.rate_own_venue")
            if not await checkbacks.answer(occurrence_id, member_id, "went", now):
                raise Forbidden("error.checkback_closed")
            occurrence = await RoutineRepository(session).get_occurrence(occurrence_id)
            assert occurrence is not None
            zone = (await GuildConfigRepository(session).get(guild_id)).zone
            day = occurrence.starts_at.astimezone(zone).date()
            visits = VisitRepository(session)
            await visits.upsert(
                guild_id=guild_id,
                venue_id=venue.id,
                member_id=member_id,
                visited_on=day,
                hours=answer.hours,
                now=now,
            )
            visit_id = await visits.id_of(venue.id, member_id, day)
            hopes = await HopeRepository(session).of(occurrence_id, member_id)
            recorded = await record_rating(
                session,
                venue,
                member_id,
                replace(answer, hopes=hopes),
                Presence("attended", visit_id=visit_id, occurrence_id=occurrence_id),
                now,
            )
        return RateOutcome(venue=venue, created=recorded.created, score=recorded.score)

    async def missed(self, guild_id: int, occurrence_id: int, member_id: int) -> None:
        now = await self.clock.now()
        async with self.db.write() as session:
            checkbacks = CheckBackRepository(session)
            ask = await checkbacks.ask(occurrence_id, member_id)
            if ask is None or ask.guild_id != guild_id:
                raise Forbidden("error.checkback_not_asked")
            if not await checkbacks.answer(occurrence_id, member_id, "missed", now):
                raise Forbidden("error.checkback_closed")


__all__ = ["ANSWER_WINDOW", "Ask", "CheckBackService", "DueCheckBack", "NotFound", "OpenAsk"]
