"""Search and leaderboards: which venues, in which order, with their scores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.errors import InvalidInput
from bot.domain.ranking import Score
from bot.domain.scores import Scorer, rank_order
from bot.domain.text import clean_line, fold, normalize_city
from bot.domain.vocabulary import VENUE_KINDS
from db.engine import Database
from db.repositories import (
    VenueRecord,
    VenueRepository,
    VoteRepository,
)
from db.repositories.venues import tag_key
from db.search import query_words

SORTS = ("rit", "recent", "votes")
PERIODS = {"week": dt.timedelta(days=7), "month": dt.timedelta(days=30), "all": None}
RESULTS_MAX = 100


@dataclass(frozen=True, slots=True)
class VenueHit:
    venue: VenueRecord
    score: Score
    upvotes: int
    downvotes: int
    tags: tuple[str, ...]


class SearchService:
    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    async def search(
        self,
        guild_id: int,
        *,
        query: str | None = None,
        city: str | None = None,
        kind: str | None = None,
        tag: str | None = None,
        sort: str = "rit",
    ) -> list[VenueHit]:
        if sort not in SORTS:
            raise InvalidInput("error.sort_invalid", sorts=", ".join(SORTS))
        if kind is not None and kind not in VENUE_KINDS:
            raise InvalidInput("error.kind_invalid", kinds=", ".join(VENUE_KINDS))
        words = query_words(fold(query or ""))
        wanted = tag_key(clean_line(tag or "").lstrip("#")) or None
        async with self.db.read() as session:
            scorer = await Scorer.of(session, guild_id)
            venues = await VenueRepository(session).search(
                guild_id,
                words=words,
                city_key=normalize_city(city) if city else None,
                kind=kind,
                tag=wanted,
                order=sort,
                rank=rank_order(scorer.prior),
                limit=RESULTS_MAX,
            )
            scores = await scorer.scores([v.id for v in venues])
            hits = await self._hits(session, venues, scores)
        if sort == "rit":
            hits.sort(key=lambda hit: hit.score.sort_key())
        return hits[:RESULTS_MAX]

    async def top(
        self,
        guild_id: int,
        *,
        city: str | None = None,
        kind: str | None = None,
        period: str = "all",
        now: dt.datetime | None = None,
    ) -> list[VenueHit]:
        """Venues rated in the period, best RIT first (the prior is the guild's all-time)."""
        if period not in PERIODS:
            raise InvalidInput("error.period_invalid")
        if kind is not None and kind not in VENUE_KINDS:
            raise InvalidInput("error.kind_invalid", kinds=", ".join(VENUE_KINDS))
        span = PERIODS[period]
        since = (now or await self.clock.now()) - span if span else None
        city_key = normalize_city(city) if city else None
        async with self.db.read() as session:
            scorer = await Scorer.of(session, guild_id)
            if since is None:
                best = await scorer.best(city_key=city_key, kind=kind, limit=RESULTS_MAX)
            else:
                best = await scorer.since(since, city_key=city_key, kind=kind, limit=RESULTS_MAX)
            found = await VenueRepository(session).many(guild_id, [s.venue_id for s in best])
            venues = [found[s.venue_id] for s in best if s.venue_id in found]
            hits = await self._hits(session, venues, {s.venue_id: s for s in best})
        hits.sort(key=lambda hit: hit.score.sort_key())
        return hits[:RESULTS_MAX]

    async def _hits(
        self,
        session: AsyncSession,
        venues: Sequence[VenueRecord],
        ranked: dict[int, Score],
    ) -> list[VenueHit]:
        """`venues` with their scores, votes and tags."""
        ids = [v.id for v in venues]
        votes = await VoteRepository(session).counts_for(ids)
        tags = await VenueRepository(session).tags_for(ids)
        return [
            VenueHit(
                venue=v,
                score=ranked[v.id],
                upvotes=votes.get(v.id, (0, 0))[0],
                downvotes=votes.get(v.id, (0, 0))[1],
                tags=tags.get(v.id, ()),
            )
            for v in venues
        ]
