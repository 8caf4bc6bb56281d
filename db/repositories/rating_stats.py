"""What the ranking needs, kept as ratings are written: per-venue sums and the guild prior's
sums. Every change of a rating, of a venue's status or a member's erasure goes through here
in the same transaction as the change itself."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, and_, bindparam, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import plan_each_call
from db.models import (
    GuildRatingHours,
    GuildRatingPrior,
    Rating,
    Venue,
    VenuePeriodStats,
    VenueRatingStats,
)
from db.repositories.hopes import HopeRepository
from db.repositories.period_stats import (
    PERIOD_DAYS,
    SINCE_COLUMNS,
    PeriodStatsRepository,
    member_sums,
)
from db.repositories.rank_order import (
    RankOrder,
    rit_bound,
    rit_expression,
    rit_parameters,
)
from db.repositories.rating_rebuild import rebuild_sums
from db.repositories.snapshot_walk import venue_walk, walk
from db.repositories.sql import read_rows
from db.repositories.sum_upserts import (
    PRIOR_COLUMNS,
    SNAPSHOT_COLUMNS,
    STATS_COLUMNS,
    hours_upsert,
    prior_and_hours_upsert,
    prior_upsert,
    venue_upsert,
    venue_values,
)
from db.search import EVERY_VENUE, VenueFilter


@dataclass(frozen=True, slots=True)
class VenueStatsRecord:
    venue_id: int
    raters: int
    ratings: int
    weight: float
    weight_value: float
    weight_log_hours: float


@dataclass(frozen=True, slots=True)
class PriorSums:
    count: int
    value_sum: float
    value_squares: float
    hours: dict[int, int]


@dataclass(frozen=True, slots=True)
class PriorState:
    """A guild's prior sums with its snapshot and the start of each period's sums, as one
    write left them (or as read)."""

    sums: PriorSums
    snapshot: RankOrder | None
    since: dict[int, dt.datetime | None]


def quarters(hours: float) -> int:
    return max(1, round(hours * 4))


class RatingStatsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_venue(
        self,
        guild_id: int,
        venue_id: int,
        *,
        raters: int = 0,
        ratings: int = 0,
        weight: float = 0.0,
        weight_value: float = 0.0,
        weight_log_hours: float = 0.0,
        rank: RankOrder | None = None,
    ) -> VenueStatsRecord:
        """Change the venue's sums; its snapshot RIT follows when `rank` (the guild's
        snapshot) is given. Returns the new sums."""
        terms = VenueStatsRecord(venue_id, raters, ratings, weight, weight_value, weight_log_hours)
        return VenueStatsRecord(*(await self._add_venue(guild_id, terms, rank, hours=False)))

    async def add_venue_reading_hours(
        self, guild_id: int, terms: VenueStatsRecord, rank: RankOrder | None
    ) -> tuple[VenueStatsRecord, dict[int, int]]:
        """`add_venue` by `terms`, returning also the guild's counts of ratings per quarter
        hour as they stand (what `add_prior(..., read_hours=False)` left to read)."""
        *row, hours = await self._add_venue(guild_id, terms, rank, hours=True)
        return VenueStatsRecord(*row), hour_counts(hours)

    async def _add_venue(
        self, guild_id: int, terms: VenueStatsRecord, rank: RankOrder | None, *, hours: bool
    ) -> Any:
        values = venue_values(guild_id, terms.venue_id, _terms(terms), rank, hours=hours)
        dialect = self.session.get_bind().dialect.name
        stmt = venue_upsert(dialect, rank is not None, hours)
        return (await self.session.execute(stmt, values)).one()

    async def add_prior(
        self,
        guild_id: int,
        joining: list[tuple[float, float]],
        leaving: list[tuple[float, float]] | None = None,
        *,
        now: dt.datetime | None = None,
        read_hours: bool = True,
    ) -> PriorState:
        """Add ratings given as (value, hours) to the prior and take `leaving` out of it,
        taking the guild's row first (every writer of a guild's sums does, so that they
        queue instead of deadlocking on PostgreSQL). A guild's first row starts its period
        sums at `now`. Without `read_hours`, the state's counts per quarter hour are left
        empty: the caller reads them in its next write (`add_venue_reading_hours`)."""
        leaving = leaving or []
        dialect = self.session.get_bind().dialect.name
        values: dict[str, Any] = {
            "guild_id": guild_id,
            "count": len(joining) - len(leaving),
            "value_sum": sum(v for v, _ in joining) - sum(v for v, _ in leaving),
            "value_squares": sum(v * v for v, _ in joining) - sum(v * v for v, _ in leaving),
            **{
                column.key: None if now is None else now - dt.timedelta(days=days)
                for days, column in SINCE_COLUMNS.items()
            },
        }
        counts = Counter(quarters(h) for _, h in joining)
        counts.subtract(quarters(h) for _, h in leaving)
        changes = [{"g": guild_id, "q": key, "n": n} for key, n in counts.items() if n]
        if dialect == "postgresql":  # one statement
            values["hours_quarters"] = [change["q"] for change in changes]
            values["hours_changes"] = [change["n"] for change in changes]
            values["hours_guild"] = guild_id
            row = (await self.session.execute(prior_and_hours_upsert(), values)).one()
        else:
            row = (await self.session.execute(prior_upsert(dialect), values)).one()
            if changes:
                await self.session.execute(hours_upsert(dialect), changes)
        return _prior_state(row, await self._hours(guild_id) if read_hours else {})

    async def _hours(self, guild_id: int) -> dict[int, int]:
        rows = await self.session.execute(
            select(GuildRatingHours.quarters, GuildRatingHours.count).where(
                GuildRatingHours.guild_id == guild_id, GuildRatingHours.count > 0
            )
        )
        return {key: count for key, count in rows}

    async def state(self, guild_id: int) -> PriorState:
        """The guild's prior, snapshot and period starts, as read: one row per count of
        hours (the prior's columns repeated), one statement."""
        rows = await read_rows(self.session, _STATE, {"guild": guild_id})
        if not rows:
            return PriorState(PriorSums(0, 0.0, 0.0, {}), None, dict.fromkeys(PERIOD_DAYS))
        counts: dict[int, int] = {}
        for *_, quarters, count in rows:
            if quarters is not None:
                counts[quarters] = count
        return _prior_state(rows[0][:-2], counts)

    async def prior(self, guild_id: int) -> PriorSums:
        return (await self.state(guild_id)).sums

    async def venues(self, venue_ids: list[int]) -> dict[int, VenueStatsRecord]:
        if not venue_ids:
            return {}
        rows = await self.session.execute(
            select(*STATS_COLUMNS).where(VenueRatingStats.venue_id.in_(venue_ids))
        )
        return {row[0]: VenueStatsRecord(*row) for row in rows}

    async def best(
        self,
        guild_id: int,
        order: RankOrder,
        *,
        where: VenueFilter = EVERY_VENUE,
        limit: int = 100,
    ) -> list[VenueStatsRecord]:
        """The rated active venues of the guild matching `where`, best RIT first, ordered
        in the database."""
        rit = rit_expression(
            order,
            VenueRatingStats.weight,
            VenueRatingStats.weight_value,
            VenueRatingStats.weight_log_hours,
        )
        stmt = (
            select(*STATS_COLUMNS)
            .join(Venue, Venue.id == VenueRatingStats.venue_id)
            .where(
                VenueRatingStats.guild_id == guild_id,
                VenueRatingStats.raters > 0,
                Venue.status == "active",
                *where.conditions(self.session, guild_id),
            )
            .order_by(rit.desc(), VenueRatingStats.raters.desc(), VenueRatingStats.venue_id)
            .limit(limit)
        )
        return [VenueStatsRecord(*row) for row in await self.session.execute(stmt)]

    async def matching(self, guild_id: int, where: VenueFilter, most: int) -> int:
        """How many active venues match `where`, counting no further than `most`."""
        matching = (
            select(Venue.id)
            .where(
                Venue.guild_id == guild_id,
                Venue.status == "active",
                *where.conditions(self.session, guild_id),
            )
            .limit(most)
            .subquery()
        )
        found = await self.session.scalar(select(func.count()).select_from(matching))
        return int(found or 0)

    async def unrated(self, guild_id: int, where: VenueFilter, limit: int) -> list[int]:
        """Active venues matching `where` that no member's rating counts for, oldest
        first (how unrated venues are ordered among themselves)."""
        rated = select(VenueRatingStats.venue_id).where(
            VenueRatingStats.venue_id == Venue.id, VenueRatingStats.raters > 0
        )
        # The generic plan walks every guild's venues in id order (37 ms against 0.5).
        await plan_each_call(self.session)
        rows = await self.session.scalars(
            select(Venue.id)
            .where(
                Venue.guild_id == guild_id,
                Venue.status == "active",
                *where.conditions(self.session, guild_id),
            )
            .where(~rated.exists())
            .order_by(Venue.id)
            .limit(limit)
        )
        return list(rows)

    async def venue_activity_changed(self, guild_id: int, venue_id: int, active: bool) -> None:
        """A venue became active (or stopped being): its latest ratings join (or leave) the
        guild prior."""
        rows = await self.session.execute(
            select(Rating.value, Rating.hours).where(
                Rating.venue_id == venue_id, Rating.latest.is_(True)
            )
        )
        ratings = [(v, h) for v, h in rows]
        if ratings:
            await self.add_prior(guild_id, *((ratings, []) if active else ([], ratings)))

    async def forget_member(self, member_id: int) -> None:
        """Take the member's ratings out of every sum, before they are deleted."""
        rows = (
            await self.session.execute(
                select(
                    Rating.guild_id,
                    Rating.venue_id,
                    Rating.created_at,
                    Rating.weight,
                    Rating.value,
                    Rating.log_hours,
                    Rating.hours,
                    Rating.latest,
                    Venue.status,
                )
                .join(Venue, Venue.id == Rating.venue_id)
                .where(Rating.member_id == member_id)
            )
        ).all()
        by_guild: dict[int, list[Any]] = {}
        for row in rows:
            by_guild.setdefault(row.guild_id, []).append(row)
        for guild_id, ratings in by_guild.items():
            leaving = [(r.value, r.hours) for r in ratings if r.latest and r.status == "active"]
            state = await self.add_prior(guild_id, [], leaving)  # the prior's row first
            by_venue: dict[int, list[Any]] = {}
            for r in ratings:
                by_venue.setdefault(r.venue_id, []).append(r)
            for venue_id, entries in by_venue.items():
                await self.add_venue(
                    guild_id,
                    venue_id,
                    raters=-1,
                    ratings=-len(entries),
                    weight=-sum(r.weight for r in entries),
                    weight_value=-sum(r.weight * r.value for r in entries),
                    weight_log_hours=-sum(r.weight * r.log_hours for r in entries),
                    rank=state.snapshot,
                )
            terms = [(r.venue_id, r.created_at, r.weight, r.value, r.log_hours) for r in ratings]
            await PeriodStatsRepository(self.session).add(
                guild_id, member_sums(terms, state.since), state.snapshot
            )

    # -- the snapshot: an index of the best venues, within a known distance ------------------

    async def snapshot(self, guild_id: int) -> RankOrder | None:
        row = (
            await self.session.execute(
                select(*SNAPSHOT_COLUMNS).where(GuildRatingPrior.guild_id == guild_id)
            )
        ).first()
        return None if row is None else _rank_order(row)

    async def take_snapshot(self, guild_id: int, order: RankOrder) -> None:
        """Every venue of the guild ranked again against `order`, which becomes the
        snapshot (rare: when the prior has drifted too far from the last one). Three
        statements built once (one on PostgreSQL), the order's numbers as parameters."""
        values = {"guild": guild_id, **rit_parameters(order)}
        numbers = (order.pseudo, order.worth, order.time, order.log_hours, order.doubt)
        snapshot = {
            f"new_{column.key}": value
            for column, value in zip(SNAPSHOT_COLUMNS, numbers, strict=True)
        }
        if self.session.get_bind().dialect.name == "postgresql":
            await self.session.execute(_SNAPSHOT_ALL, {**values, **snapshot})
            return
        await self.session.execute(_SNAPSHOT, {"guild": guild_id, **snapshot})
        await self.session.execute(_RANK_VENUES, values)
        await self.session.execute(_RANK_PERIODS, values)

    async def best_by_snapshot(
        self,
        guild_id: int,
        *,
        margin: float,
        where: VenueFilter = EVERY_VENUE,
        limit: int = 100,
    ) -> list[VenueStatsRecord]:
        """The `limit` rated active venues matching `where` with the best snapshot RIT, and
        every other one within `margin` below the last of them: a superset of the best
        `limit` by today's RIT when no venue's RIT moved by more than margin / 2 since the
        snapshot. One statement walks the (guild, snapshot RIT) index
        (`snapshot_walk.walk`); the filters are checked on the venues it reaches."""
        dialect = self.session.get_bind().dialect.name
        statement = venue_walk(dialect, where.shape)
        values = where.parameters(dialect, guild_id)
        found = await walk(self.session, statement, values, margin=margin, limit=limit)
        return [VenueStatsRecord(*row[:-1]) for row in found]

    async def rebuild(self, now: dt.datetime | None = None) -> list[int]:
        """Every sum recomputed from the ratings (after a bulk load that bypassed them).
        Returns the guilds that have a prior, none of them with a snapshot yet."""
        await rebuild_sums(self.session, now or dt.datetime.now(dt.UTC))
        await HopeRepository(self.session).rebuild()
        found = await self.session.scalars(
            select(GuildRatingPrior.guild_id).order_by(GuildRatingPrior.guild_id)
        )
        return list(found)


def hour_counts(found: str | None) -> dict[int, int]:
    """The guild's counts per quarter hour, from the JSON object a venue's upsert returns."""
    return {int(key): int(count) for key, count in json.loads(found or "{}").items()}


def _terms(record: VenueStatsRecord) -> tuple[int, int, float, float, float]:
    return (
        record.raters,
        record.ratings,
        record.weight,
        record.weight_value,
        record.weight_log_hours,
    )


def _rank_statement(table: Any) -> Any:
    """Every row of a guild's sums in `table` ranked against the order of `rit_bound`'s
    parameters (parameter `guild`)."""
    rit = rit_bound(table.c.weight, table.c.weight_value, table.c.weight_log_hours)
    return update(table).where(table.c.guild_id == bindparam("guild")).values(rit_snapshot=rit)


#: `RatingStatsRepository.state`'s statement (every read that scores runs it first).
_STATE = (
    select(*PRIOR_COLUMNS, GuildRatingHours.quarters, GuildRatingHours.count)
    .select_from(GuildRatingPrior)
    .outerjoin(
        GuildRatingHours,
        and_(
            GuildRatingHours.guild_id == GuildRatingPrior.guild_id,
            GuildRatingHours.count > 0,
        ),
    )
    .where(GuildRatingPrior.guild_id == bindparam("guild", type_=BigInteger))
)
_PRIOR_TABLE = GuildRatingPrior.metadata.tables[GuildRatingPrior.__tablename__]
_SNAPSHOT = (
    update(_PRIOR_TABLE)
    .where(_PRIOR_TABLE.c.guild_id == bindparam("guild"))
    .values({column.key: bindparam(f"new_{column.key}") for column in SNAPSHOT_COLUMNS})
)
_RANK_VENUES = _rank_statement(VenueRatingStats.__table__)
_RANK_PERIODS = _rank_statement(VenuePeriodStats.__table__)
#: PostgreSQL: the three in one statement (the guild's prior row is already this
#: transaction's: the prior's write took it).
_SNAPSHOT_ALL = select(literal(1)).add_cte(
    _SNAPSHOT.cte("new_snapshot"),
    _RANK_VENUES.cte("venues_ranked"),
    _RANK_PERIODS.cte("periods_ranked"),
)


def _rank_order(row: Any) -> RankOrder | None:
    if any(value is None for value in row):
        return None
    return RankOrder(*(float(value) for value in row))


def _prior_state(row: Any, hours: dict[int, int]) -> PriorState:
    count, value_sum, value_squares, *rest = row
    snapshot = _rank_order(rest[: len(SNAPSHOT_COLUMNS)])
    since = dict(zip(PERIOD_DAYS, rest[len(SNAPSHOT_COLUMNS) :], strict=True))
    return PriorState(PriorSums(count, value_sum, value_squares, hours), snapshot, since)
