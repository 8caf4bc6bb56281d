"""Writing a rating into a member's history of a venue, and keeping the ranking's sums
(per venue, and the guild prior) exact in the same transaction."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.hopes import hope_delta
from bot.domain.ranking import GOT_CONTACT, history_weights, rating_value
from bot.domain.scores import keep_snapshot
from db.repositories import RatingEntry, RatingRepository, RatingStatsRepository, VenueRecord
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


async def record_rating(
    session: AsyncSession,
    venue: VenueRecord,
    member_id: int,
    answer: RatingInput,
    presence: Presence,
    now: dt.datetime,
) -> bool:
    """Add a rating to the member's history of the venue; True when it is their first.

    The older ratings' weights fade (bot.domain.ranking.history_weights); the venue's sums
    change by exactly the difference, and the guild prior trades the member's previous
    latest rating for this one when the venue is active."""
    ratings = RatingRepository(session)
    history = await ratings.history(venue.id, member_id)
    flags = answer.flags or 0
    value = rating_value(
        answer.worth, (answer.substance, answer.experience, answer.connections), answer.got, flags
    )
    log_hours = math.log(answer.hours)
    weights = history_weights([presence.tier, *(entry.tier for entry in history)])
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
        weight=weights[0],
        value=value,
        log_hours=log_hours,
    )
    await _shift_sums(session, venue, history, weights, value, answer.hours)
    await _count_hopes(session, venue, answer, history)
    if answer.got and answer.got & GOT_CONTACT:
        await FollowUpRepository(session).schedule(
            venue.guild_id, venue.id, member_id, now + FOLLOW_UP_AFTER
        )
    return not history


async def _shift_sums(
    session: AsyncSession,
    venue: VenueRecord,
    history: list[RatingEntry],
    weights: list[float],
    value: float,
    hours: float,
) -> None:
    """The older ratings fade to their new weights, and the venue's sums and the guild
    prior change by exactly the difference."""
    ratings = RatingRepository(session)
    log_hours = math.log(hours)
    changes = [
        (entry, new)
        for entry, new in zip(history, weights[1:], strict=True)
        if new != entry.weight or entry.latest
    ]
    await ratings.reweigh([(entry.id, new) for entry, new in changes])
    delta = [(new - entry.weight, entry) for entry, new in changes]
    stats = RatingStatsRepository(session)
    # The guild's prior first: every write of a guild's sums takes its row before any
    # venue's, so concurrent writers on PostgreSQL queue instead of deadlocking.
    if venue.status == "active":
        if history:
            await stats.add_prior(venue.guild_id, [(history[0].value, history[0].hours)], -1)
        await stats.add_prior(venue.guild_id, [(value, hours)])
    await stats.add_venue(
        venue.guild_id,
        venue.id,
        raters=0 if history else 1,
        ratings=1,
        weight=weights[0] + sum(d for d, _ in delta),
        weight_value=weights[0] * value + sum(d * e.value for d, e in delta),
        weight_log_hours=weights[0] * log_hours + sum(d * e.log_hours for d, e in delta),
    )
    await keep_snapshot(session, venue.guild_id, [venue.id])


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
