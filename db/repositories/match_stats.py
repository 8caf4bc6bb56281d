"""The venues a search matches, with their kept sums, read in one statement: the filters
(full-text words above all) are evaluated once, for the best rated venues and for the
unrated ones alike."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Venue, VenueRatingStats
from db.repositories.rank_order import RankOrder, rit_expression
from db.repositories.rating_stats import VenueStatsRecord
from db.search import VenueFilter


@dataclass(frozen=True, slots=True)
class MatchedSums:
    """`rated`: the rated venues with the best RIT, ordered in the database; `unrated`: the
    oldest of those no member's rating counts for, with their sums (zero when none)."""

    rated: list[VenueStatsRecord]
    unrated: list[VenueStatsRecord]


class MatchStatsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def ranked(
        self, guild_id: int, order: RankOrder, *, where: VenueFilter, limit: int
    ) -> MatchedSums:
        """The guild's active venues matching `where`: the `limit` rated ones with the best
        RIT against `order`, and the `limit` oldest unrated ones (as
        `RatingStatsRepository.best` and `.unrated` find them)."""
        matching = (
            select(Venue.id.label("id"))
            .where(
                where.in_guild(self.session, guild_id),
                Venue.status == "active",
                *where.conditions(self.session, guild_id),
            )
            .cte("matching")
        )
        stats = VenueRatingStats
        rit = rit_expression(order, stats.weight, stats.weight_value, stats.weight_log_hours)
        rated = (
            select(
                stats.venue_id,
                stats.raters,
                stats.ratings,
                stats.weight,
                stats.weight_value,
                stats.weight_log_hours,
            )
            .where(stats.venue_id.in_(select(matching.c.id)), stats.raters > 0)
            .order_by(rit.desc(), stats.raters.desc(), stats.venue_id)
            .limit(limit)
        )
        unrated = (
            select(
                matching.c.id,
                func.coalesce(stats.raters, 0),
                func.coalesce(stats.ratings, 0),
                func.coalesce(stats.weight, 0.0),
                func.coalesce(stats.weight_value, 0.0),
                func.coalesce(stats.weight_log_hours, 0.0),
            )
            .select_from(matching.outerjoin(stats, stats.venue_id == matching.c.id))
            .where(or_(stats.raters.is_(None), stats.raters <= 0))
            .order_by(matching.c.id)
            .limit(limit)
        )
        both = union_all(
            select(rated.subquery()),
            select(unrated.subquery()),
        )
        found = MatchedSums([], [])
        for row in await self.session.execute(both):
            record = VenueStatsRecord(*row)
            (found.rated if record.raters > 0 else found.unrated).append(record)
        return found
