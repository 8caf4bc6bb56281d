"""The ranking's sums recomputed from the ratings themselves: after a bulk load that
bypassed them (the benchmarks' seeds)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, insert, literal, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import GuildRatingHours, GuildRatingPrior, Rating, VenuePeriodStats, VenueRatingStats
from db.repositories.period_stats import SINCE_COLUMNS

_ACTIVE_LATEST = (
    "FROM rating JOIN venue ON venue.id = rating.venue_id "
    "WHERE rating.latest AND venue.status = 'active'"
)
_QUARTERS = "CAST(round(rating.hours * 4) AS INTEGER)"
_REBUILD = (
    "INSERT INTO venue_rating_stats (venue_id, guild_id, raters, ratings, weight, "
    "weight_value, weight_log_hours) SELECT venue_id, min(guild_id), "
    "count(DISTINCT member_id), count(*), sum(weight), sum(weight * value), "
    "sum(weight * log_hours) FROM rating GROUP BY venue_id",
    "INSERT INTO guild_rating_prior (guild_id, count, value_sum, value_squares) "
    "SELECT guild_id, 0, 0, 0 FROM rating GROUP BY guild_id",
    "UPDATE guild_rating_prior SET count = s.count, value_sum = s.value_sum, "
    "value_squares = s.value_squares FROM (SELECT rating.guild_id AS guild_id, "
    "count(*) AS count, sum(value) AS value_sum, sum(value * value) AS value_squares "
    f"{_ACTIVE_LATEST} GROUP BY rating.guild_id) AS s "
    "WHERE guild_rating_prior.guild_id = s.guild_id",
    "INSERT INTO guild_rating_hours (guild_id, quarters, count) "
    f"SELECT rating.guild_id, {_QUARTERS}, count(*) {_ACTIVE_LATEST} "
    f"GROUP BY rating.guild_id, {_QUARTERS}",
)


async def rebuild_sums(session: AsyncSession, now: dt.datetime) -> None:
    """Every sum recomputed from the ratings (after a bulk load that bypassed them); the
    period sums start `now` minus their length. No snapshot: the next rating takes it."""
    for table in (VenueRatingStats, VenuePeriodStats, GuildRatingPrior, GuildRatingHours):
        await session.execute(delete(table))
    for statement in _REBUILD:
        await session.execute(text(statement))
    for days, column in SINCE_COLUMNS.items():
        start = now - dt.timedelta(days=days)
        await session.execute(update(GuildRatingPrior).values({column: start}))
        sums = (
            select(
                Rating.venue_id,
                literal(days),
                func.min(Rating.guild_id),
                func.count(func.distinct(Rating.member_id)),
                func.sum(Rating.weight),
                func.sum(Rating.weight * Rating.value),
                func.sum(Rating.weight * Rating.log_hours),
            )
            .where(Rating.created_at >= start)
            .group_by(Rating.venue_id)
        )
        await session.execute(
            insert(VenuePeriodStats).from_select(
                [
                    "venue_id",
                    "days",
                    "guild_id",
                    "raters",
                    "weight",
                    "weight_value",
                    "weight_log_hours",
                ],
                sums,
            )
        )
