"""Search and leaderboards: which venues, in which order, with their scores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.errors import InvalidInput
from bot.domain.ranking import Score
from bot.domain.scores import Scorer
from bot.domain.text import clean_line, fold, normalize_city
from bot.domain.vocabulary import VENUE_KINDS
from db.engine import Database
from db.repositories import (
    VenueRecord,
    VenueRepository,
    VoteRepository,
)
from db.repositories.venues import tag_key
from db.search import VenueFilter, query_words

SORTS = ("rit", "recent", "votes")
#: The period views, in days (their sums are kept: db/repositories/period_stats.py).
PERIODS: dict[str, int | None] = {"week": 7, "month": 30, "all": None}
RESULTS_MAX = 100
#: A venue with its tags, in their order.
Tagged = tuple[VenueRecord, tuple[str, ...]]


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
        where = VenueFilter(tuple(words), normalize_city(city) if city else None, kind, wanted)
        async with self.db.read(consistent=True) as session:
            scorer = await Scorer.of(session, guild_id)
            if sort == "rit":
                best = await scorer.ranked(where=where, limit=RESULTS_MAX)
                venues = await self._venues(session, guild_id, best)
                scores = {s.venue_id: s for s in best}
            else:
                found = await VenueRepository(session).search(
                    guild_id, where=where, order=sort, limit=RESULTS_MAX
                )
                tags = await VenueRepository(session).tags_for([v.id for v in found])
                venues = [(v, tags.get(v.id, ())) for v in found]
                scores = await scorer.scores([v.id for v in found])
            hits = await self._hits(session, venues, scores)
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
        days = PERIODS[period]
        moment = now or await self.clock.now()
        where = VenueFilter(city_key=normalize_city(city) if city else None, kind=kind)
        async with self.db.read(consistent=True) as session:
            scorer = await Scorer.of(session, guild_id)
            if days is None:
                best = await scorer.best(where=where, limit=RESULTS_MAX)
            else:
                best = await scorer.period(days, moment, where=where, limit=RESULTS_MAX)
            venues = await self._venues(session, guild_id, best)
            hits = await self._hits(session, venues, {s.venue_id: s for s in best})
        return hits[:RESULTS_MAX]

    @staticmethod
    async def _venues(session: AsyncSession, guild_id: int, best: Sequence[Score]) -> list[Tagged]:
        """The venues of `best`, in its order, with their tags."""
        found = await VenueRepository(session).many_tagged(guild_id, [s.venue_id for s in best])
        return [found[s.venue_id] for s in best if s.venue_id in found]

    async def _hits(
        self,
        session: AsyncSession,
        venues: Sequence[Tagged],
        ranked: dict[int, Score],
    ) -> list[VenueHit]:
        """`venues` with their scores and votes."""
        votes = await VoteRepository(session).counts_for([v.id for v, _ in venues])
        return [
            VenueHit(
                venue=v,
                score=ranked[v.id],
                upvotes=votes.get(v.id, (0, 0))[0],
                downvotes=votes.get(v.id, (0, 0))[1],
                tags=tags,
            )
            for v, tags in venues
        ]
