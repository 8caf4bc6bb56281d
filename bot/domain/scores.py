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
    PriorSums,
    RankOrder,
    RatingRow,
    RatingStatsRepository,
    RecentRating,
    VenueStatsRecord,
    match_stats,
)
from db.repositories.match_stats import MatchStatsRepository
from db.repositories.period_stats import PeriodStatsRepository, PeriodSums, edge_sums
from db.repositories.rating_stats import PriorState
from db.search import EVERY_VENUE, VenueFilter


def venue_sums(record: VenueStatsRecord | PeriodSums | None) -> VenueSums:
    if record is None:
        return VenueSums()
    return VenueSums(
        raters=record.raters,
        weight=record.weight,
        weight_value=record.weight_value,
        weight_log_hours=record.weight_log_hours,
    )


def prior_of(sums: PriorSums) -> GuildPrior:
    return GuildPrior.of_sums(sums.count, sums.value_sum, sums.value_squares, sums.hours)


async def guild_prior(session: AsyncSession, guild_id: int) -> GuildPrior:
    return prior_of(await RatingStatsRepository(session).prior(guild_id))


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
#: Filters that may match few venues (a tag, a city): below this many matches the best are
#: ordered exactly among them rather than found by walking the snapshot index. Words always
#: are: full-text search lists their venues in one pass, which the walk would take twice.
FEW_MATCHES = 2000
#: A period view reads at most this many ratings between its kept sums' start and its own
#: start; beyond (a guild where nobody rated for a long while), it sums the period.
EDGE_MAX = 2000


def drift(snapshot: RankOrder, now: RankOrder) -> float:
    """The most any venue's RIT can differ between the two priors: the RIT moves with the
    prior's worth by at most 1 (C / (C + W)), with its log hours by at most the time
    factor, with its doubt by at most 1 / sqrt(C)."""
    return (
        abs(now.worth - snapshot.worth)
        + now.time * abs(now.log_hours - snapshot.log_hours)
        + abs(now.doubt - snapshot.doubt) / math.sqrt(now.pseudo)
    )


async def keep_snapshot(session: AsyncSession, guild_id: int, state: PriorState) -> GuildPrior:
    """After a write that ranked the venues it changed against `state`'s snapshot: when the
    prior has drifted too far from it (or there is none), a new snapshot ranks every venue
    of the guild again. Returns the guild's prior."""
    prior = prior_of(state.sums)
    now = rank_order(prior)
    if state.snapshot is None or drift(state.snapshot, now) > SNAPSHOT_DRIFT:
        await RatingStatsRepository(session).take_snapshot(guild_id, now)
    return prior


async def rebuild_rankings(session: AsyncSession, now: dt.datetime | None = None) -> None:
    """Every kept sum recomputed from the ratings (after a bulk load that bypassed them),
    and each guild's snapshot taken, as a guild that has been rating all along has one:
    without it a guild's reads order every venue exactly, and its next rating ranks all of
    them."""
    for guild_id in await RatingStatsRepository(session).rebuild(now):
        await keep_snapshot(session, guild_id, await RatingStatsRepository(session).state(guild_id))


@dataclass(frozen=True, slots=True)
class Scorer:
    """The guild's prior, and scores of venues from their kept sums."""

    session: AsyncSession
    guild_id: int
    prior: GuildPrior
    state: PriorState

    @classmethod
    async def of(cls, session: AsyncSession, guild_id: int) -> Scorer:
        state = await RatingStatsRepository(session).state(guild_id)
        return cls(session, guild_id, prior_of(state.sums), state)

    async def score(self, venue_id: int) -> Score:
        return (await self.scores([venue_id]))[venue_id]

    async def scores(self, venue_ids: Sequence[int]) -> dict[int, Score]:
        found: dict[int, VenueStatsRecord] = {}
        ids = list(venue_ids)
        stats = RatingStatsRepository(self.session)
        for start in range(0, len(ids), 500):
            found.update(await stats.venues(ids[start : start + 500]))
        return {i: score_sums(i, venue_sums(found.get(i)), self.prior) for i in ids}

    def _margin(self, snapshot: RankOrder) -> float:
        return 2 * drift(snapshot, rank_order(self.prior)) + 1e-6

    async def _matching(self, where: VenueFilter) -> int | None:
        """How many venues narrow filters (a city, a tag) match, up to FEW_MATCHES."""
        if not where.narrow or where.words:
            return None
        stats = RatingStatsRepository(self.session)
        return await stats.matching(self.guild_id, where, max(1, FEW_MATCHES))

    async def best(
        self, *, where: VenueFilter = EVERY_VENUE, limit: int = 100, matching: int | None = -1
    ) -> list[Score]:
        """The rated active venues matching `where`, best first. The snapshot index gives
        every venue that can be among them (its RIT moved by at most `drift` since); they
        are scored exactly and sorted by the same key as everywhere else. Without a
        snapshot, with words, or when narrow filters match few venues (`matching`, counted
        here unless given), the database orders them by the exact RIT."""
        if matching == -1:
            matching = await self._matching(where)
        if matching == 0:
            return []
        stats = RatingStatsRepository(self.session)
        snapshot = self.state.snapshot
        if snapshot is None or self._exact(where, matching):
            records = await stats.best(
                self.guild_id, rank_order(self.prior), where=where, limit=limit
            )
        else:
            records = await stats.best_by_snapshot(
                self.guild_id, margin=self._margin(snapshot), where=where, limit=limit
            )
        return self._sorted(records, limit)

    @staticmethod
    def _exact(where: VenueFilter, matching: int | None) -> bool:
        """Whether the database orders the matches by the exact RIT rather than the
        snapshot index finding them: with words, or when narrow filters match few."""
        return bool(where.words) or (matching is not None and matching < FEW_MATCHES)

    def _sorted(self, records: Iterable[VenueStatsRecord], limit: int) -> list[Score]:
        scores = [score_sums(r.venue_id, r, self.prior) for r in records]
        return sorted(scores, key=Score.sort_key)[:limit]

    async def ranked(self, *, where: VenueFilter = EVERY_VENUE, limit: int = 100) -> list[Score]:
        """Every active venue matching `where`, best first, unrated ones included (each
        scores the guild's prior; the oldest first among them). When the database orders
        the matches itself, one statement finds the best rated and the first unrated ones,
        evaluating the filters once."""
        matching = await self._matching(where)
        if matching == 0:
            return []
        unrated = score_sums(0, VenueSums(), self.prior)
        snapshot = self.state.snapshot
        if snapshot is None or self._exact(where, matching):
            matches = MatchStatsRepository(self.session)
            order = rank_order(self.prior)
            margin = None if snapshot is None else self._margin(snapshot)
            if self.state.sums.count < match_stats.WALK_FROM:
                margin = None  # too few rated venues for a walk to serve: no count either
            found = await matches.ranked(
                self.guild_id, order, where=where, limit=limit, margin=margin
            )
            best = self._sorted(found.rated, limit)
            if len(best) >= limit and best[-1].rit >= unrated.rit:
                return best
            if found.walked:  # the unrated matches may come first: every match, exactly
                found = await matches.ranked(self.guild_id, order, where=where, limit=limit)
            return self._sorted([*found.rated, *found.unrated], limit)
        best = await self.best(where=where, limit=limit, matching=matching)
        if len(best) >= limit and best[-1].rit >= unrated.rit:
            return best
        ids = await RatingStatsRepository(self.session).unrated(self.guild_id, where, limit)
        others = await self.scores(ids)
        return sorted([*best, *others.values()], key=Score.sort_key)[:limit]

    async def since(
        self,
        moment: dt.datetime,
        *,
        where: VenueFilter = EVERY_VENUE,
        limit: int = 100,
    ) -> list[Score]:
        """The active venues rated since `moment`, best first, scored from those ratings
        only against the guild's all-time prior: summed from the ratings themselves."""
        records = await PeriodStatsRepository(self.session).from_ratings(
            self.guild_id, moment, rank_order(self.prior), where=where, limit=limit
        )
        scores = [score_sums(r.venue_id, r, self.prior) for r in records]
        return sorted(scores, key=Score.sort_key)

    async def period(
        self,
        days: int,
        now: dt.datetime,
        *,
        where: VenueFilter = EVERY_VENUE,
        limit: int = 100,
    ) -> list[Score]:
        """The period view (the last `days` days, 7 or 30) from the kept period sums: those
        start at the guild's period start, so the ratings between it and `now - days` are
        taken out of (or added to) the venues they touch, which are scored exactly; the
        others come from the snapshot index, as in `best`."""
        end = now - dt.timedelta(days=days)
        start, snapshot = self.state.since.get(days), self.state.snapshot
        if start is None or snapshot is None:
            return await self.since(end, where=where, limit=limit)
        periods = PeriodStatsRepository(self.session)
        low, high, sign = (start, end, -1) if start <= end else (end, start, 1)
        edge, touched = (
            await periods.edge(self.guild_id, days, low, high, where) if low < high else ([], {})
        )
        if len(edge) > EDGE_MAX:
            return await self.since(end, where=where, limit=limit)
        changes = edge_sums(days, edge, sign)
        found = await periods.best(
            self.guild_id,
            days,
            margin=self._margin(snapshot),
            where=where,
            exclude=list(changes),
            limit=limit,
        )
        sums = [*found, *(base.plus(changes[v]) for v, base in touched.items())]
        scores = [score_sums(s.venue_id, s, self.prior) for s in sums if s.raters > 0]
        return sorted(scores, key=Score.sort_key)[:limit]

    async def recent(self, now: dt.datetime, *, limit: int = 100) -> list[Score]:
        """The weekly view: the active venues rated in the last RECENT_DAYS, best first,
        scored from those ratings with a half-life of HALF_LIFE_DAYS, against the guild's
        all-time prior. Only that window's ratings are read."""
        since = now - dt.timedelta(days=RECENT_DAYS)
        rows = await PeriodStatsRepository(self.session).recent(self.guild_id, since)
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


__all__ = [
    "GuildScores",
    "Scorer",
    "guild_prior",
    "keep_snapshot",
    "prior_of",
    "rank",
    "rank_order",
    "samples_of",
]
