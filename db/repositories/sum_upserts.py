"""The upserts of the ranking's kept sums (rating_stats.py), built once per dialect and
executed with parameters: a rating's write runs them every time, and building such a
statement (its EXCLUDED alias, the RIT expression) costs more than running it."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Text, bindparam, cast, func, select

from db.models import GuildRatingHours, GuildRatingPrior, VenueRatingStats
from db.repositories.period_stats import SINCE_COLUMNS
from db.repositories.rank_order import rit_bound
from db.repositories.sql import insert_for

STATS_COLUMNS = (
    VenueRatingStats.venue_id,
    VenueRatingStats.raters,
    VenueRatingStats.ratings,
    VenueRatingStats.weight,
    VenueRatingStats.weight_value,
    VenueRatingStats.weight_log_hours,
)
SNAPSHOT_COLUMNS = (
    GuildRatingPrior.snapshot_pseudo,
    GuildRatingPrior.snapshot_worth,
    GuildRatingPrior.snapshot_time,
    GuildRatingPrior.snapshot_log_hours,
    GuildRatingPrior.snapshot_doubt,
)
PRIOR_COLUMNS = (
    GuildRatingPrior.count,
    GuildRatingPrior.value_sum,
    GuildRatingPrior.value_squares,
    *SNAPSHOT_COLUMNS,
    *SINCE_COLUMNS.values(),
)


@cache
def venue_upsert(dialect: str, ranked: bool, hours: bool = False) -> Any:
    """A venue's sums changed by the given terms (its snapshot RIT following when
    `ranked`: `rit_parameters`), built once; returns the new sums, and with `hours` the
    guild's counts of ratings per quarter hour as they stand (`guild_hours`: a JSON object;
    parameter `hours_guild`), which saves their own read after the prior's write."""
    table = VenueRatingStats.__table__
    stmt = insert_for(dialect, table)
    new = {name: table.c[name] + stmt.excluded[name] for name in _VENUE_SUMS}
    if ranked:
        new["rit_snapshot"] = rit_bound(new["weight"], new["weight_value"], new["weight_log_hours"])
    returned = [*STATS_COLUMNS, _hours_json(dialect)] if hours else STATS_COLUMNS
    return stmt.on_conflict_do_update(index_elements=["venue_id"], set_=new).returning(*returned)


def _hours_json(dialect: str) -> Any:
    """The guild's counts per quarter hour (those above zero) as a JSON object's text."""
    hours = GuildRatingHours.__table__
    pairs = (hours.c.quarters, hours.c["count"])
    aggregate = (
        cast(func.json_object_agg(*pairs), Text)
        if dialect == "postgresql"
        else func.json_group_object(*pairs, type_=Text)
    )
    return (
        select(aggregate)
        .where(hours.c.guild_id == bindparam("hours_guild"), hours.c["count"] > 0)
        .scalar_subquery()
    )


@cache
def prior_upsert(dialect: str) -> Any:
    """The guild prior's sums changed, its period starts set if unset, built once."""
    table = GuildRatingPrior.__table__
    stmt = insert_for(dialect, table)
    changed = {
        name: table.c[name] + stmt.excluded[name]
        for name in ("count", "value_sum", "value_squares")
    }
    for column in SINCE_COLUMNS.values():
        changed[column.key] = func.coalesce(table.c[column.key], stmt.excluded[column.key])
    return stmt.on_conflict_do_update(index_elements=["guild_id"], set_=changed).returning(
        *PRIOR_COLUMNS
    )


@cache
def hours_upsert(dialect: str) -> Any:
    """A guild's count of ratings per quarter hour changed (parameters g, q, n)."""
    hours = insert_for(dialect, GuildRatingHours.__table__).values(
        guild_id=bindparam("g"), quarters=bindparam("q"), count=bindparam("n")
    )
    return hours.on_conflict_do_update(
        index_elements=["guild_id", "quarters"],
        set_={"count": GuildRatingHours.__table__.c["count"] + hours.excluded["count"]},
    )


_VENUE_SUMS = ("raters", "ratings", "weight", "weight_value", "weight_log_hours")
