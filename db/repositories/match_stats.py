"""The venues a search matches, with their kept sums, read in one statement: the best rated
ones and the first unrated ones together, the filters (full-text words above all) evaluated
once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, and_, bindparam, func, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import plan_each_call
from db.models import Venue, VenueRatingStats
from db.repositories.rank_order import RankOrder, rit_bound, rit_parameters
from db.repositories.rating_stats import VenueStatsRecord
from db.search import VenueFilter

_SUMS = (
    VenueRatingStats.raters,
    VenueRatingStats.ratings,
    VenueRatingStats.weight,
    VenueRatingStats.weight_value,
    VenueRatingStats.weight_log_hours,
)
_ZEROS = (0, 0, 0.0, 0.0, 0.0)


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
        `RatingStatsRepository.best` and `.unrated` find). The statement is built once per
        database and filters set, and runs with their values, planned for them
        (`plan_each_call`)."""
        dialect = self.session.get_bind().dialect.name
        await plan_each_call(self.session)
        statement = _ranked(dialect, where.shape, limit)
        values = {**where.parameters(dialect, guild_id), **rit_parameters(order)}
        found = MatchedSums([], [])
        for row in await self.session.execute(statement, values):
            record = VenueStatsRecord(*row)
            (found.rated if record.raters > 0 else found.unrated).append(record)
        return found


@cache
def _ranked(dialect: str, shape: tuple[bool, bool, bool, bool], limit: int) -> Any:
    where = VenueFilter.of_shape(shape)
    conditions = [
        where.in_guild_of(dialect, 0),
        Venue.status == "active",
        *where.conditions_of(dialect, 0),
    ]
    if dialect == "sqlite":
        return _sqlite(conditions, limit)
    return _postgresql(conditions, limit)


def _sqlite(conditions: list[Any], limit: int) -> Any:
    """The matches read once into a CTE that both parts use, each match's sums then read by
    its key (a condition on the guild there would make SQLite size a Bloom filter by the
    whole table)."""
    stats = VenueRatingStats
    shared = select(Venue.id.label("id")).where(*conditions).cte("matching")
    rit = rit_bound(stats.weight, stats.weight_value, stats.weight_log_hours)
    rated = (
        select(stats.venue_id, *_SUMS)
        .where(
            stats.guild_id == bindparam("where_guild", type_=BigInteger),
            stats.venue_id.in_(select(shared.c.id)),
            stats.raters > 0,
        )
        .order_by(rit.desc(), stats.raters.desc(), stats.venue_id)
        .limit(limit)
    )
    unrated = (
        select(
            shared.c.id,
            *(func.coalesce(column, zero) for column, zero in zip(_SUMS, _ZEROS, strict=True)),
        )
        .select_from(shared.outerjoin(stats, stats.venue_id == shared.c.id))
        .where(or_(stats.raters.is_(None), stats.raters <= 0))
        .order_by(shared.c.id)
        .limit(limit)
    )
    return union_all(select(rated.subquery()), select(unrated.subquery()))


def _postgresql(conditions: list[Any], limit: int) -> Any:
    """The matches joined to their sums once (by key, or over the guild's sums when there
    are many), kept for both parts: the rated ones ordered by the RIT, the unrated ones by
    id."""
    stats = VenueRatingStats
    guild = bindparam("where_guild", type_=BigInteger)
    matched = (
        select(Venue.id.label("id"), *(column.label(column.key) for column in _SUMS))
        .select_from(Venue)
        .outerjoin(stats, and_(stats.venue_id == Venue.id, stats.guild_id == guild))
        .where(*conditions)
        .cte("matched")
    )
    c = matched.c
    rit = rit_bound(c.weight, c.weight_value, c.weight_log_hours)
    rated = (
        select(c.id, *(c[column.key] for column in _SUMS))
        .where(c.raters > 0)
        .order_by(rit.desc(), c.raters.desc(), c.id)
        .limit(limit)
    )
    zeros = zip(_SUMS, _ZEROS, strict=True)
    unrated = (
        select(c.id, *(func.coalesce(c[column.key], zero) for column, zero in zeros))
        .where(or_(c.raters.is_(None), c.raters <= 0))
        .order_by(c.id)
        .limit(limit)
    )
    return union_all(select(rated.subquery()), select(unrated.subquery()))
