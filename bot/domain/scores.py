"""RIT scores read from the sums kept as ratings are written (db/repositories/rating_stats):
no command reads a guild's rating history. `GuildScores` recomputes everything from the
ratings themselves, for checks and rebuilds."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.ranking import (
    DOUBT,
    PRIOR_WEIGHT,
    TIME_COST,
    GuildPrior,
    RatingSample,
    Score,
    VenueSums,
    rank,
    score,
    score_sums,
)
from db.repositories import (
    RankOrder,
    RatingRow,
    RatingStatsRepository,
    RecentRating,
    VenueStatsRecord,
)


def _sums(record: VenueStatsRecord | None) -> VenueSums:
    if record is None:
        return VenueSums()
    return VenueSums(
        raters=record.raters,
        weight=record.weight,
        weight_value=record.weight_value,
        weight_log_hours=record.weight_log_hours,
    )


async def guild_prior(session: AsyncSession, guild_id: int) -> GuildPrior:
    sums = await RatingStatsRepository(session).prior(guild_id)
    return GuildPrior.of_sums(sums.count, sums.value_sum, sums.value_squares, sums.hours)


def rank_order(prior: GuildPrior) -> RankOrder:
    return RankOrder(
        pseudo=PRIOR_WEIGHT,
        worth=prior.worth,
        time=TIME_COST / math.log(2),
        log_hours=math.log(prior.hours),
        doubt=DOUBT * prior.spread,
    )


#: How far any venue's RIT may move, from the prior's drift since the snapshot, before a
#: new snapshot is taken (docs/ranking.md, "Kept as ratings are written").
SNAPSHOT_DRIFT = 0.05


def drift(snapshot: RankOrder, now: RankOrder) -> float:
    """The most any venue's RIT can differ between the two priors: the RIT moves with the
    prior's worth by at most 1 (C / (C + W)), with its log hours by at most the time
    factor, with its doubt by at most 1 / sqrt(C)."""
    return (
        abs(now.worth - snapshot.worth)
        + now.time * abs(now.log_hours - snapshot.log_hours)
        + abs(now.doubt - snapshot.doubt) / math.sqrt(now.pseudo)
    )


async def keep_snapshot(session: AsyncSession, guild_id: int, venue_ids: list[int]) -> None:
    """After the venues' sums changed: their snapshot RIT follows, or, when the prior has
    drifted too far, a new snapshot ranks every venue of the guild again."""
    stats = RatingStatsRepository(session)
    now = rank_order(await guild_prior(session, guild_id))
    snapshot = await stats.snapshot(guild_id)
    if snapshot is None or drift(snapshot, now) > SNAPSHOT_DRIFT:
        await stats.take_snapshot(guild_id, now)
    else:
        await stats.rank_venues(guild_id, venue_ids)


@dataclass(frozen=True, slots=True)
class Scorer:
    """The guild's prior, and scores of venues from their kept sums."""

    session: AsyncSession
    guild_id: int
    prior: GuildPrior

    @classmethod
    async def of(cls, session: AsyncSession, guild_id: int) -> Scorer:
        return cls(session, guild_id, await guild_prior(session, guild_id))

    async def score(self, venue_id: int) -> Score:
        return (await self.scores([venue_id]))[venue_id]

    async def scores(self, venue_ids: Sequence[int]) -> dict[int, Score]:
        found: dict[int, VenueStatsRecord] = {}
        ids = list(venue_ids)
        stats = RatingStatsRepository(self.session)
        for start in range(0, len(ids), 500):
            found.update(await stats.venues(ids[start : start + 500]))
        return {i: score_sums(i, _sums(found.get(i)), self.prior) for i in ids}

    async def best(
        self, *, city_key: str | None = None, kind: str | None = None, limit: int = 100
    ) -> list[Score]:
        """The rated active venues, best first. The snapshot index gives every venue that
        can be among them (its RIT moved by at most `drift` since); they are scored
        exactly and sorted by the same key as everywhere else. Without a snapshot, the
        database orders by the exact RIT."""
        stats = RatingStatsRepository(self.session)
        order = rank_order(self.prior)
        snapshot = await stats.snapshot(self.guild_id)
        if snapshot is None:
            records = await stats.best(
                self.guild_id, order, city_key=city_key, kind=kind, limit=limit
            )
        else:
            margin = 2 * drift(snapshot, order) + 1e-6
            records = await stats.best_by_snapshot(
                self.guild_id, margin=margin, city_key=city_key, kind=kind, limit=limit
            )
        scores = [score_sums(r.venue_id, _sums(r), self.prior) for r in records]
        return sorted(scores, key=Score.sort_key)[:limit]

    async def since(
        self,
        moment: dt.datetime,
        *,
        city_key: str | None = None,
        kind: str | None = None,
        limit: int = 100,
    ) -> list[Score]:
        """The active venues rated since `moment`, best first, scored from those ratings
        only (the period views) against the guild's all-time prior."""
        records = await RatingStatsRepository(self.session).period(
            self.guild_id, moment, rank_order(self.prior), city_key=city_key, kind=kind, limit=limit
        )
        scores = [score_sums(r.venue_id, _sums(r), self.prior) for r in records]
        return sorted(scores, key=Score.sort_key)

    async def recent(self, now: dt.datetime, *, limit: int = 100) -> list[Score]:
        """The weekly view: the active venues rated in the last RECENT_DAYS, best first,
        scored from those ratings with a half-life of HALF_LIFE_DAYS, against the guild's
        all-time prior. Only that window's ratings are read."""
        since = now - dt.timedelta(days=RECENT_DAYS)
        rows = await RatingStatsRepository(self.session).recent(self.guild_id, since)
        sums = recent_sums(rows, now)
        scores = [score_sums(venue_id, s, self.prior) for venue_id, s in sums.items()]
        return sorted(scores, key=Score.sort_key)[:limit]


#: The weekly view (the digest's best places): each rating's weight halves every
#: HALF_LIFE_DAYS; ratings older than RECENT_DAYS (a sixteenth of their weight) are not read.
HALF_LIFE_DAYS, RECENT_DAYS = 7.0, 28


def recent_sums(
    rows: Iterable[RecentRating], now: dt.datetime, half_life_days: float = HALF_LIFE_DAYS
) -> dict[int, VenueSums]:
    """Per venue, the sums of its recent ratings, each weight faded by its age."""
    weights: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    raters: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        age_days = max(0.0, (now - row.created_at).total_seconds() / 86400)
        weight = row.weight * 0.5 ** (age_days / half_life_days)
        sums = weights[row.venue_id]
        sums[0] += weight
        sums[1] += weight * row.value
        sums[2] += weight * row.log_hours
        raters[row.venue_id].add(row.member_id)
    return {
        venue_id: VenueSums(len(raters[venue_id]), w, wv, wl)
        for venue_id, (w, wv, wl) in weights.items()
    }


def samples_of(rows: Iterable[RatingRow]) -> dict[int, list[RatingSample]]:
    by_venue: dict[int, list[RatingSample]] = defaultdict(list)
    for row in rows:
        by_venue[row.venue_id].append(RatingSample(row.value, row.hours, weight=row.weight))
    return dict(by_venue)


@dataclass(frozen=True, slots=True)
class GuildScores:
    """Everything recomputed from the ratings themselves (all of a guild's, of active
    venues): what the kept sums must always equal."""

    prior: GuildPrior
    samples: dict[int, list[RatingSample]]
    raters: dict[int, int]

    @classmethod
    def of(cls, rows: Sequence[RatingRow]) -> GuildScores:
        raters: dict[int, set[int]] = defaultdict(set)
        for row in rows:
            raters[row.venue_id].add(row.member_id)
        return cls(
            prior=GuildPrior.of(RatingSample(r.value, r.hours) for r in rows if r.latest),
            samples=samples_of(rows),
            raters={venue_id: len(members) for venue_id, members in raters.items()},
        )

    def score(self, venue_id: int) -> Score:
        found = score(venue_id, self.samples.get(venue_id, []), self.prior)
        return Score(
            found.venue_id, found.rit, found.worth, found.hours, self.raters.get(venue_id, 0)
        )

    def rank(self) -> list[Score]:
        return sorted((self.score(v) for v in self.samples), key=Score.sort_key)


__all__ = ["GuildScores", "Scorer", "guild_prior", "rank", "rank_order", "samples_of"]
