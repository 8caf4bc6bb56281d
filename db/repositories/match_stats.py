"""The venues a search matches, with their kept sums, read in one statement: the best rated
ones and the first unrated ones together, the filters (full-text words above all) evaluated
once on SQLite."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Venue, VenueRatingStats
from db.repositories.rank_order import RankOrder, rit_expression
from db.repositories.rating_stats import VenueStatsRecord
from db.search import VenueFilter

_SUMS = (
    VenueRatingStats.raters,
    VenueRatingStats.ratings,
    VenueRatingStats.weight,
    VenueRatingStats.weight_value,
    VenueRatingStats.weight_log_hours,
)


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
        RIT against `order`, and the `limit` oldest unrated ones (those
        `RatingStatsRepository.best` and `.unrated` find)."""
        stats = VenueRatingStats
        sqlite = self.session.get_bind().dialect.name == "sqlite"
        rated_ids, unrated_ids = self._matching(guild_id, where, sqlite=sqlite)
        # PostgreSQL: the guild keeps any scan of the sums to the guild's. SQLite joins the
        # guild's matches by key (a condition on the guild there makes it size a Bloom
        # filter by the whole table).
        joined = stats.venue_id == unrated_ids.c.id
        if not sqlite:
            joined = and_(joined, stats.guild_id == guild_id)
        rit = rit_expression(order, stats.weight, stats.weight_value, stats.weight_log_hours)
        rated = (
            select(stats.venue_id, *_SUMS)
            .where(stats.guild_id == guild_id, stats.venue_id.in_(rated_ids), stats.raters > 0)
            .order_by(rit.desc(), stats.raters.desc(), stats.venue_id)
            .limit(limit)
        )
        zeros = (0, 0, 0.0, 0.0, 0.0)
        unrated = (
            select(
                unrated_ids.c.id,
                *(func.coalesce(column, zero) for column, zero in zip(_SUMS, zeros, strict=True)),
            )
            .select_from(unrated_ids.outerjoin(stats, joined))
            .where(or_(stats.raters.is_(None), stats.raters <= 0))
            .order_by(unrated_ids.c.id)
            .limit(limit)
        )
        both = union_all(select(rated.subquery()), select(unrated.subquery()))
        found = MatchedSums([], [])
        for row in await self.session.execute(both):
            record = VenueStatsRecord(*row)
            (found.rated if record.raters > 0 else found.unrated).append(record)
        return found

    def _matching(self, guild_id: int, where: VenueFilter, *, sqlite: bool) -> tuple[Any, Any]:
        """The matches, as a selectable of `id`s for the rated part and one for the unrated.
        SQLite reads them once into a CTE that both use, each match's sums then read by its
        key. PostgreSQL plans each part with the filters in place (its estimates need them):
        the rated part reaches the guild through its sums, so that a small guild starts from
        them and checks the words on each venue rather than reading every guild's matches
        from the full-text index."""
        conditions = (Venue.status == "active", *where.conditions(self.session, guild_id))
        in_guild = where.in_guild(self.session, guild_id)
        if sqlite:
            shared = select(Venue.id.label("id")).where(in_guild, *conditions).cte("matching")
            return select(shared.c.id), shared
        rated = select(Venue.id).where(*conditions)
        unrated = select(Venue.id.label("id")).where(in_guild, *conditions).subquery("matching")
        return rated, unrated
