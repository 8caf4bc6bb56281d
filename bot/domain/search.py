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
from db.repositories import VenueRecord, VenueRepository
from db.repositories.venue_listings import venue_listings
from db.repositories.venues import tag_key
from db.search import VenueFilter, query_words

SORTS = ("rit", "recent", "votes")
#: The period views, in days (their sums are kept: db/repositories/period_stats.py).
PERIODS: dict[str, int | None] = {"week": 7, "month": 30, "all": None}
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
        where = VenueFilter(tuple(words), normalize_city(city) if city else None, kind, wanted)
        async with self.db.read(consistent=True) as session:
            scorer = await Scorer.of(session, guild_id)
            if sort == "rit":
                best = await scorer.ranked(where=where, limit=RESULTS_MAX)
                ids = [s.venue_id for s in best]
                scores = {s.venue_id: s for s in best}
            else:
                found = await VenueRepository(session).search(
                    guild_id, where=where, order=sort, limit=RESULTS_MAX
                )
                ids = [v.id for v in found]
                scores = await scorer.scores(ids)
            hits = await _hits(session, guild_id, ids, scores)
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
            ids = [s.venue_id for s in best]
            hits = await _hits(session, guild_id, ids, {s.venue_id: s for s in best})
        return hits[:RESULTS_MAX]


async def _hits(
    session: AsyncSession, guild_id: int, ids: Sequence[int], scores: dict[int, Score]
) -> list[VenueHit]:
    """The guild's venues `ids`, in that order, with their scores, tags and votes."""
    found = await venue_listings(session, guild_id, ids)
    return [
        VenueHit(
            venue=listing.venue,
            score=scores[venue_id],
            upvotes=listing.upvotes,
            downvotes=listing.downvotes,
            tags=listing.tags,
        )
        for venue_id in ids
        if (listing := found.get(venue_id)) is not None
    ]
