"""The upserts of the ranking's kept sums (rating_stats.py), built once per dialect and
executed with parameters: a rating's write runs them every time, and building such a
statement (its EXCLUDED alias, the RIT expression) costs more than running it."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Float,
    Integer,
    SmallInteger,
    Text,
    bindparam,
    cast,
    func,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY

from db.models import GuildRatingHours, GuildRatingPrior, VenuePeriodStats, VenueRatingStats
from db.repositories.period_stats import SINCE_COLUMNS
from db.repositories.rank_order import RankOrder, rit_bound, rit_of, rit_parameters
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
    guild's counts of ratings per quarter hour as they stand (a JSON object's text;
    parameter `hours_guild`), which saves their own read after the prior's write. The
    values are named bound parameters (`venue_values`), as a statement nested in another
    needs them."""
    table = VenueRatingStats.__table__
    inserted = ("venue_id", "guild_id", *_VENUE_SUMS, "rit_snapshot")
    stmt = insert_for(dialect, table).values({name: bindparam(name) for name in inserted})
    new = {name: table.c[name] + stmt.excluded[name] for name in _VENUE_SUMS}
    if ranked:
        new["rit_snapshot"] = rit_bound(new["weight"], new["weight_value"], new["weight_log_hours"])
    returned = [*STATS_COLUMNS, _hours_json(dialect)] if hours else STATS_COLUMNS
    return stmt.on_conflict_do_update(index_elements=["venue_id"], set_=new).returning(*returned)


def venue_values(
    guild_id: int,
    venue_id: int,
    terms: tuple[int, int, float, float, float],
    rank: RankOrder | None,
    *,
    hours: bool = False,
) -> dict[str, Any]:
    """`venue_upsert`'s parameters: the change of the venue's sums by `terms` (raters,
    ratings, weight, weight x value, weight x ln hours)."""
    raters, ratings, weight, weight_value, weight_log_hours = terms
    return {
        "venue_id": venue_id,
        "guild_id": guild_id,
        "raters": raters,
        "ratings": ratings,
        "weight": weight,
        "weight_value": weight_value,
        "weight_log_hours": weight_log_hours,
        "rit_snapshot": None
        if rank is None
        else rit_of(rank, weight, weight_value, weight_log_hours),
        **({} if rank is None else rit_parameters(rank)),
        **({"hours_guild": guild_id} if hours else {}),
    }


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
    """The guild prior's sums changed, its period starts set if unset, built once (named
    bound parameters, as a statement nested in another needs them)."""
    table = GuildRatingPrior.__table__
    inserted = ("guild_id", "count", "value_sum", "value_squares")
    names = [*inserted, *(column.key for column in SINCE_COLUMNS.values())]
    stmt = insert_for(dialect, table).values({name: bindparam(name) for name in names})
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


#: The period sums' columns an upsert gives, and their types (arrays of them on PostgreSQL).
PERIOD_COLUMNS = {
    "venue_id": BigInteger,
    "days": SmallInteger,
    "raters": Integer,
    "weight": Float,
    "weight_value": Float,
    "weight_log_hours": Float,
    "rit_snapshot": Float,
}


@cache
def venue_and_periods_upsert(ranked: bool) -> Any:
    """PostgreSQL: `venue_upsert` (with the guild's hours) and the venue's period sums
    changed in the same statement, the venue's row first. The period rows come as arrays,
    one per column of PERIOD_COLUMNS (parameters `period_<column>`), and `period_guild`."""
    venue = venue_upsert("postgresql", ranked, True).cte("venue_sums")
    table = VenuePeriodStats.__table__
    arrays: list[Any] = [
        bindparam(f"period_{name}", type_=ARRAY(kind)) for name, kind in PERIOD_COLUMNS.items()
    ]
    rows = func.unnest(*arrays).table_valued(*PERIOD_COLUMNS).render_derived("period_rows")
    # Joined to the venue's row: the period rows are written once the venue's is.
    source = select(
        bindparam("period_guild", type_=BigInteger), *(rows.c[name] for name in PERIOD_COLUMNS)
    ).select_from(rows.join(venue, venue.c.venue_id == rows.c.venue_id))
    stmt = insert_for("postgresql", table).from_select(["guild_id", *PERIOD_COLUMNS], source)
    new = {name: table.c[name] + stmt.excluded[name] for name in _PERIOD_SUMS}
    if ranked:
        new["rit_snapshot"] = rit_bound(new["weight"], new["weight_value"], new["weight_log_hours"])
    periods = stmt.on_conflict_do_update(index_elements=["venue_id", "days"], set_=new)
    return select(venue).add_cte(periods.cte("period_sums"))


@cache
def prior_and_hours_upsert() -> Any:
    """PostgreSQL: `prior_upsert` and the guild's counts per quarter hour changed in the
    same statement, the prior's row first (every writer of a guild's sums takes it first).
    The counts come as two arrays, `hours_quarters` and `hours_changes` (and
    `hours_guild`)."""
    prior = prior_upsert("postgresql").cte("prior_sums")
    hours = GuildRatingHours.__table__
    rows = (
        func.unnest(
            bindparam("hours_quarters", type_=ARRAY(Integer)),
            bindparam("hours_changes", type_=ARRAY(Integer)),
        )
        .table_valued("quarters", "change")
        .render_derived("hour_changes")
    )
    # Joined to the prior's row: the counts are written once it is.
    guild = bindparam("hours_guild", type_=BigInteger)
    source = select(guild, rows.c.quarters, rows.c.change).select_from(rows.join(prior, true()))
    stmt = insert_for("postgresql", hours).from_select(["guild_id", "quarters", "count"], source)
    counts = stmt.on_conflict_do_update(
        index_elements=["guild_id", "quarters"],
        set_={"count": hours.c["count"] + stmt.excluded["count"]},
    )
    return select(*(prior.c[column.key] for column in PRIOR_COLUMNS)).add_cte(
        counts.cte("hour_counts")
    )


_VENUE_SUMS = ("raters", "ratings", "weight", "weight_value", "weight_log_hours")
_PERIOD_SUMS = ("raters", "weight", "weight_value", "weight_log_hours")
