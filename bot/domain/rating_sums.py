"""The ranking's sums changed by exactly one new rating, in its write: the guild prior, the
venue's all-time sums and its period sums (week, month), each ranked against the guild's
snapshot as it is written. The period sums' start moves forward here too, once it lags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.ranking import Score, score_sums
from bot.domain.scores import keep_snapshot, venue_sums
from db.repositories import RatingEntry, RatingStatsRepository, VenueRecord, VenueStatsRecord
from db.repositories.period_stats import PeriodStatsRepository, PeriodSums
from db.repositories.rating_stats import PriorState
from db.repositories.rating_write import add_venue_sums

#: How far a period's kept sums may lag behind the last `days` days before a rating's write
#: moves their start forward (the reads correct that lag: a few ratings).
ADVANCE_AFTER = dt.timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class NewRating:
    """The terms of the rating just written (its weight, value, log of hours, hours)."""

    weight: float
    value: float
    log_hours: float
    hours: float


#: An older rating of the member's history and its new weight.
Reweighed = tuple[RatingEntry, float]


def period_changes(
    venue_id: int,
    now: dt.datetime,
    new: NewRating,
    history: Sequence[RatingEntry],
    reweighed: Sequence[Reweighed],
    since: dict[int, dt.datetime | None],
) -> list[PeriodSums]:
    """What the rating given `now` and the fading of the older ones change in each period's
    sums, which hold the ratings given since `since[days]`."""
    changes = []
    for days, start in since.items():
        if start is None:
            continue
        change = PeriodSums(venue_id, days)
        if now >= start:
            counted = any(entry.created_at >= start for entry in history)
            terms = (new.weight, new.weight * new.value, new.weight * new.log_hours)
            change = change.plus(PeriodSums(venue_id, days, 0 if counted else 1, *terms))
        for entry, weight in reweighed:
            if entry.created_at >= start:
                d = weight - entry.weight
                terms = (d, d * entry.value, d * entry.log_hours)
                change = change.plus(PeriodSums(venue_id, days, 0, *terms))
        if change != PeriodSums(venue_id, days):
            changes.append(change)
    return changes


async def add_rating(
    session: AsyncSession,
    venue: VenueRecord,
    history: Sequence[RatingEntry],
    reweighed: Sequence[Reweighed],
    new: NewRating,
    now: dt.datetime,
) -> Score:
    """Change every sum by the new rating and the fading of the member's older ones; the
    venue's score after it."""
    stats = RatingStatsRepository(session)
    active = venue.status == "active"
    leaving = [(history[0].value, history[0].hours)] if active and history else []
    joining = [(new.value, new.hours)] if active else []
    # The guild's prior first: every write of a guild's sums takes its row before any
    # venue's, so concurrent writers on PostgreSQL queue instead of deadlocking.
    state = await stats.add_prior(venue.guild_id, joining, leaving, now=now, read_hours=False)
    deltas = [(weight - entry.weight, entry) for entry, weight in reweighed]
    terms = VenueStatsRecord(
        venue.id,
        raters=0 if history else 1,
        ratings=1,
        weight=new.weight + sum(d for d, _ in deltas),
        weight_value=new.weight * new.value + sum(d * e.value for d, e in deltas),
        weight_log_hours=new.weight * new.log_hours + sum(d * e.log_hours for d, e in deltas),
    )
    changes = period_changes(venue.id, now, new, history, reweighed, state.since)
    # The guild's counts per quarter hour come back with the venue's sums: no read of their own.
    sums, hours = await add_venue_sums(session, venue.guild_id, terms, changes, state.snapshot)
    state = replace(state, sums=replace(state.sums, hours=hours))
    periods = PeriodStatsRepository(session)
    await advance_periods(periods, venue.guild_id, state, now)
    prior = await keep_snapshot(session, venue.guild_id, state)
    return score_sums(venue.id, venue_sums(sums), prior)


async def advance_periods(
    periods: PeriodStatsRepository, guild_id: int, state: PriorState, now: dt.datetime
) -> None:
    """Move each period's start to `now` minus its length once it lags by ADVANCE_AFTER."""
    for days, start in state.since.items():
        end = now - dt.timedelta(days=days)
        if start is not None and end - start > ADVANCE_AFTER:
            await periods.advance(guild_id, days, start, end, state.snapshot)
