"""The walk down a guild's snapshot index (docs/ranking.md, "Kept as ratings are written"):
the venues whose snapshot RIT is among the best, and every other within a margin below the
last of them, in one statement."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, Float, Integer, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Venue, VenueRatingStats
from db.repositories.sql import read_rows
from db.search import VenueFilter

#: How many rows a walk reads at first, per venue asked for: the best and those tied with
#: the last of them, or close below it, rarely make more (then it walks again, further).
FIRST_WALK = 3
#: How much further each new walk reads.
FURTHER = 8


def walk_statement(rows: Any, rit: Any) -> Any:
    """The walk of `rows` (sums joined to their venue, filtered; built once by the caller,
    its values as named parameters) down the snapshot RIT `rit`, its column: the first
    `walk_cap` rows in the order of the snapshot index (an ORDER BY and a LIMIT, which the
    planner serves by walking the index, whatever it estimates of the guild), and of those,
    the ones within `walk_margin` of the `walk_offset + 1`-th. Each row ends with its
    snapshot RIT.

    Not a bound computed first that the walk would then read down to: PostgreSQL cannot
    know that bound when it plans, and would read the guild's sums in full (a big guild's
    week: 7 to 20 ms against 1)."""
    walked = (
        rows.add_columns(rit.label("walk_rit"))
        .order_by(rit.desc())
        .limit(bindparam("walk_cap", type_=Integer))
        .cte("walk")
    )
    last = (
        select(walked.c.walk_rit)
        .order_by(walked.c.walk_rit.desc())
        .offset(bindparam("walk_offset", type_=Integer))
        .limit(1)
        .scalar_subquery()
    )
    margin = bindparam("walk_margin", type_=Float)
    return select(walked).where(
        walked.c.walk_rit >= func.coalesce(last - margin, walked.c.walk_rit)
    )


async def walk(
    session: AsyncSession,
    statement: Any,
    values: dict[str, Any],
    *,
    margin: float,
    limit: int,
) -> Sequence[Any]:
    """The rows of `statement` (`walk_statement`, run with `values`) with the `limit` best
    snapshot RIT, and every other within `margin` below the last of them. When the walk
    keeps every row it read, more may follow: it walks again, further."""
    limit = max(1, limit)
    cap = limit * FIRST_WALK
    while True:
        found = await read_rows(
            session,
            statement,
            {**values, "walk_cap": cap, "walk_offset": limit - 1, "walk_margin": margin},
        )
        if len(found) < cap:
            return found
        cap *= FURTHER


@cache
def venue_walk(dialect: str, shape: tuple[bool, bool, bool, bool]) -> Any:
    """`RatingStatsRepository.best_by_snapshot`'s walk (rows as `STATS_COLUMNS`), built
    once per database and filters set."""
    stats = VenueRatingStats
    where = VenueFilter.of_shape(shape)
    sums = (stats.raters, stats.ratings, stats.weight, stats.weight_value, stats.weight_log_hours)
    rows = (
        select(stats.venue_id, *sums)
        .join(Venue, Venue.id == stats.venue_id)
        .where(
            stats.guild_id == bindparam("where_guild", type_=BigInteger),
            stats.raters > 0,
            stats.rit_snapshot.is_not(None),
            Venue.status == "active",
            *where.conditions_of(dialect, 0, checked=True),
        )
    )
    return walk_statement(rows, stats.rit_snapshot)
