"""Writing a rating into a member's history of a venue, and keeping the ranking's sums
(per venue, and the guild prior) exact in the same transaction."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.hopes import hope_delta
from bot.domain.ranking import GOT_CONTACT, Score, history_weights, rating_value
from bot.domain.rating_sums import NewRating, add_rating
from db.repositories import RatingEntry, RatingRepository, VenueRecord
from db.repositories.followups import FollowUpRepository
from db.repositories.hopes import HopeRepository

#: When a member who met a valuable new contact is asked whether it led somewhere.
FOLLOW_UP_AFTER = dt.timedelta(days=30)


@dataclass(frozen=True, slots=True)
class RatingInput:
    """A member's answers; None is "not answered" (kept from their last rating when the
    form says so)."""

    worth: int
    hours: float
    substance: int | None = None
    experience: int | None = None
    connections: int | None = None
    comment: str | None = None
    got: int | None = None
    flags: int | None = None
    #: What the member hoped to get (check-back only; never kept from a last rating).
    hopes: int | None = None

    def keeping(self, last: RatingEntry | None) -> RatingInput:
        """These answers, with what is not answered taken from the last rating."""
        if last is None:
            return self
        return replace(
            self,
            substance=self.substance if self.substance is not None else last.substance,
            experience=self.experience if self.experience is not None else last.experience,
            connections=self.connections if self.connections is not None else last.connections,
            comment=self.comment if self.comment is not None else last.comment,
            got=self.got if self.got is not None else last.got,
            flags=self.flags if self.flags is not None else last.flags,
        )


@dataclass(frozen=True, slots=True)
class Presence:
    """How the member's presence is known: "attended" (check-back of an occurrence),
    "visit" (a visit they logged) or "none"."""

    tier: str = "none"
    visit_id: int | None = None
    occurrence_id: int | None = None


@dataclass(frozen=True, slots=True)
class Recorded:
    """A rating written: whether it is the member's first of the venue, and the venue's
    score after it."""

    created: bool
    score: Score


async def record_rating(
    session: AsyncSession,
    venue: VenueRecord,
    member_id: int,
    answer: RatingInput,
    presence: Presence,
    now: dt.datetime,
    history: list[RatingEntry] | None = None,
) -> Recorded:
    """Add a rating to the member's `history` of the venue (read when not given).

    The older ratings' weights fade (bot.domain.ranking.history_weights); the venue's sums
    change by exactly the difference, and the guild prior trades the member's previous
    latest rating for this one when the venue is active (bot.domain.rating_sums)."""
    ratings = RatingRepository(session)
    if history is None:
        history = await ratings.history(venue.id, member_id)
    flags = answer.flags or 0
    criteria = (answer.substance, answer.experience, answer.connections)
    weights = history_weights([presence.tier, *(entry.tier for entry in history)])
    new = NewRating(
        weights[0],
        rating_value(answer.worth, criteria, answer.got, flags),
        math.log(answer.hours),
        answer.hours,
    )
    await ratings.insert(
        guild_id=venue.guild_id,
        venue_id=venue.id,
        member_id=member_id,
        now=now,
        worth=answer.worth,
        hours=answer.hours,
        substance=answer.substance,
        experience=answer.experience,
        connections=answer.connections,
        comment=answer.comment,
        got=answer.got,
        flags=flags,
        hopes=answer.hopes or None,
        tier=presence.tier,
        visit_id=presence.visit_id,
        occurrence_id=presence.occurrence_id,
        weight=new.weight,
        value=new.value,
        log_hours=new.log_hours,
    )
    reweighed = [
        (entry, weight)
        for entry, weight in zip(history, weights[1:], strict=True)
        if weight != entry.weight or entry.latest
    ]
    await ratings.reweigh([(entry.id, weight) for entry, weight in reweighed])
    score = await add_rating(session, venue, history, reweighed, new, now)
    await _count_hopes(session, venue, answer, history)
    if answer.got and answer.got & GOT_CONTACT:
        await FollowUpRepository(session).schedule(
            venue.guild_id, venue.id, member_id, now + FOLLOW_UP_AFTER
        )
    return Recorded(not history, score)


async def _count_hopes(
    session: AsyncSession, venue: VenueRecord, answer: RatingInput, history: list[RatingEntry]
) -> None:
    """The venue's hopes-against-reality counts, over each member's latest answer with
    hopes: this answer replaces the member's previous one there, if any."""
    previous = next((entry for entry in history if entry.hopes), None)
    delta = hope_delta(
        answer.hopes, answer.got, (previous.hopes or 0, previous.got) if previous else None
    )
    if delta is not None:
        await HopeRepository(session).count(venue.guild_id, venue.id, *delta)
