"""A rating's change of its venue's sums, all-time and per period, in its write: two
statements, or one on PostgreSQL (sum_upserts.venue_and_periods_upsert)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.repositories.period_stats import PeriodStatsRepository, PeriodSums
from db.repositories.rank_order import RankOrder, rit_of
from db.repositories.rating_stats import (
    RatingStatsRepository,
    VenueStatsRecord,
    hour_counts,
)
from db.repositories.sum_upserts import PERIOD_COLUMNS, venue_and_periods_upsert, venue_values


async def add_venue_sums(
    session: AsyncSession,
    guild_id: int,
    terms: VenueStatsRecord,
    periods: Sequence[PeriodSums],
    rank: RankOrder | None,
) -> tuple[VenueStatsRecord, dict[int, int]]:
    """Change the venue's sums by `terms` and its period sums by `periods` (each ranked
    against `rank`, the guild's snapshot, when there is one); returns the venue's new sums
    and the guild's counts of ratings per quarter hour as they stand."""
    if session.get_bind().dialect.name != "postgresql":
        found = await RatingStatsRepository(session).add_venue_reading_hours(guild_id, terms, rank)
        await PeriodStatsRepository(session).add(guild_id, periods, rank)
        return found
    sums = (terms.raters, terms.ratings, terms.weight, terms.weight_value, terms.weight_log_hours)
    values = venue_values(guild_id, terms.venue_id, sums, rank, hours=True)
    values.update(_period_arrays(periods, rank), period_guild=guild_id)
    row = (await session.execute(venue_and_periods_upsert(rank is not None), values)).one()
    *record, hours = row
    return VenueStatsRecord(*record), hour_counts(hours)


def _period_arrays(periods: Sequence[PeriodSums], rank: RankOrder | None) -> dict[str, Any]:
    """The period rows as one array per column (`period_<column>`)."""
    columns: dict[str, list[Any]] = {name: [] for name in PERIOD_COLUMNS}
    for change in periods:
        for name in PERIOD_COLUMNS:
            if name != "rit_snapshot":
                columns[name].append(getattr(change, name))
        columns["rit_snapshot"].append(
            None
            if rank is None
            else rit_of(rank, change.weight, change.weight_value, change.weight_log_hours)
        )
    return {f"period_{name}": values for name, values in columns.items()}


__all__ = ["add_venue_sums"]
