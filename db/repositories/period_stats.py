"""The period views' sums (/venue top week and month), kept as ratings are written: per
venue and period, the sums of the ratings given since the guild's period start
(`GuildRatingPrior.week_since`, `month_since`), which moves forward as time passes. A read
for any moment corrects them by the few ratings between that start and its own
(`between`), so the answer is exact without summing the period's ratings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    SmallInteger,
    and_,
    bindparam,
    delete,
    exists,
    func,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import GuildRatingPrior, Rating, Venue, VenuePeriodStats
from db.repositories.rank_order import (
    RankOrder,
    rit_bound,
    rit_expression,
    rit_of,
    rit_parameters,
)
from db.repositories.snapshot_walk import walk, walk_statement
from db.repositories.sql import insert_for, read_rows
from db.search import EVERY_VENUE, VenueFilter

#: The periods kept, in days, and the column of the guild's start of each.
PERIOD_DAYS = (7, 30)
SINCE_COLUMNS = {7: GuildRatingPrior.week_since, 30: GuildRatingPrior.month_since}


@dataclass(frozen=True, slots=True)
class PeriodSums:
    """A venue's sums over a period (or a change of them)."""

    venue_id: int
    days: int
    raters: int = 0
    weight: float = 0.0
    weight_value: float = 0.0
    weight_log_hours: float = 0.0

    def plus(self, other: PeriodSums) -> PeriodSums:
        return PeriodSums(
            self.venue_id,
            self.days,
            self.raters + other.raters,
            self.weight + other.weight,
            self.weight_value + other.weight_value,
            self.weight_log_hours + other.weight_log_hours,
        )


@dataclass(frozen=True, slots=True)
class RecentRating:
    venue_id: int
    member_id: int
    created_at: dt.datetime
    weight: float
    value: float
    log_hours: float


@dataclass(frozen=True, slots=True)
class EdgeRating:
    """A rating between two moments, and whether its member rated the venue again after
    the later one (then they still count among its raters)."""

    venue_id: int
    member_id: int
    weight: float
    value: float
    log_hours: float
    again: bool


def edge_sums(days: int, rows: Sequence[EdgeRating], sign: int) -> dict[int, PeriodSums]:
    """What the ratings between two moments add to (sign 1) or take from (-1) the sums:
    their terms, and each member with no later rating of the venue once."""
    found: dict[int, PeriodSums] = {}
    counted: set[tuple[int, int]] = set()
    for row in rows:
        pair = (row.venue_id, row.member_id)
        raters = 0 if row.again or pair in counted else sign
        counted.add(pair)
        change = PeriodSums(
            row.venue_id,
            days,
            raters,
            sign * row.weight,
            sign * row.weight * row.value,
            sign * row.weight * row.log_hours,
        )
        found[row.venue_id] = found.get(row.venue_id, PeriodSums(row.venue_id, days)).plus(change)
    return found


_SUMS = ("raters", "weight", "weight_value", "weight_log_hours")
_COLUMNS = (
    VenuePeriodStats.venue_id,
    VenuePeriodStats.days,
    VenuePeriodStats.raters,
    VenuePeriodStats.weight,
    VenuePeriodStats.weight_value,
    VenuePeriodStats.weight_log_hours,
)


@cache
def _period_upsert(dialect: str, ranked: bool) -> Any:
    """Venues' period sums changed by the given terms (their snapshot RIT following when
    `ranked`: `rit_parameters`), built once per dialect."""
    table = VenuePeriodStats.__table__
    stmt = insert_for(dialect, table)
    new = {name: table.c[name] + stmt.excluded[name] for name in _SUMS}
    if ranked:
        new["rit_snapshot"] = rit_bound(new["weight"], new["weight_value"], new["weight_log_hours"])
    return stmt.on_conflict_do_update(index_elements=["venue_id", "days"], set_=new)


def _edge_ratings() -> Any:
    """The guild's ratings in [start, end) (parameters `guild_id`, `start`, `end`), each
    with whether its member rated the venue again since `end`."""
    later = aliased(Rating)
    end = bindparam("end", type_=Rating.created_at.type)
    again = exists().where(
        later.venue_id == Rating.venue_id,
        later.member_id == Rating.member_id,
        later.created_at >= end,
    )
    return select(
        Rating.venue_id, Rating.member_id, Rating.weight, Rating.value, Rating.log_hours, again
    ).where(
        Rating.guild_id == bindparam("guild_id", type_=Rating.guild_id.type),
        Rating.created_at >= bindparam("start", type_=Rating.created_at.type),
        Rating.created_at < end,
    )


@cache
def _between() -> Any:
    """`PeriodStatsRepository.between`'s statement, built once (every period start moved
    reads it)."""
    return _edge_ratings()


@cache
def _edge(dialect: str, shape: tuple[bool, bool, bool, bool]) -> Any:
    """`PeriodStatsRepository.edge`'s statement, built once per database and filters set:
    each rating of `_edge_ratings` with whether its venue is active and matches them, and
    the venue's sums over the period (`days`; none: NULL)."""
    c = VenuePeriodStats
    where = VenueFilter.of_shape(shape)
    shown = exists().where(
        Venue.id == Rating.venue_id, Venue.status == "active", *where.conditions_of(dialect, 0)
    )
    days = bindparam("days", type_=SmallInteger)
    return (
        _edge_ratings()
        .add_columns(shown, *_COLUMNS[2:])
        .outerjoin(c, and_(c.venue_id == Rating.venue_id, c.days == days))
    )


@cache
def _period_walk(dialect: str, shape: tuple[bool, bool, bool, bool], excluding: bool) -> Any:
    """`PeriodStatsRepository.best`'s walk, built once per database, filters set, and
    whether some venues are left out (`walk_exclude`)."""
    c = VenuePeriodStats
    where = VenueFilter.of_shape(shape)
    rows = (
        select(*_COLUMNS)
        .join(Venue, Venue.id == c.venue_id)
        .where(
            c.guild_id == bindparam("where_guild", type_=BigInteger),
            c.days == bindparam("walk_days", type_=SmallInteger),
            c.raters > 0,
            c.rit_snapshot.is_not(None),
            Venue.status == "active",
            *where.conditions_of(dialect, 0, checked=True),
        )
    )
    if excluding:
        rows = rows.where(c.venue_id.not_in(bindparam("walk_exclude", expanding=True)))
    return walk_statement(rows, c.rit_snapshot)


class PeriodStatsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def from_ratings(
        self,
        guild_id: int,
        since: dt.datetime,
        order: RankOrder,
        *,
        where: VenueFilter = EVERY_VENUE,
        limit: int = 100,
    ) -> list[PeriodSums]:
        """Sums of the ratings given since `since`, per active venue matching `where`,
        best RIT first: from the ratings themselves (checks, and a period whose kept sums
        are too far behind)."""
        sums = (
            select(
                Rating.venue_id.label("venue_id"),
                func.count(func.distinct(Rating.member_id)).label("raters"),
                func.sum(Rating.weight).label("weight"),
                func.sum(Rating.weight * Rating.value).label("weight_value"),
                func.sum(Rating.weight * Rating.log_hours).label("weight_log_hours"),
            )
            .where(Rating.guild_id == guild_id, Rating.created_at >= since)
            .group_by(Rating.venue_id)
            .subquery()
        )
        rit = rit_expression(order, sums.c.weight, sums.c.weight_value, sums.c.weight_log_hours)
        stmt = (
            select(sums)
            .join(Venue, Venue.id == sums.c.venue_id)
            .where(Venue.status == "active", *where.conditions(self.session, guild_id))
            .order_by(rit.desc(), sums.c.raters.desc(), sums.c.venue_id)
            .limit(limit)
        )
        return [PeriodSums(row[0], 0, *row[1:]) for row in await self.session.execute(stmt)]

    async def recent(self, guild_id: int, since: dt.datetime) -> list[RecentRating]:
        """The ratings of active venues given since `since` (the weekly view): read through
        the guild's (created_at) covering index, so only that window is visited."""
        rows = await self.session.execute(
            select(
                Rating.venue_id,
                Rating.member_id,
                Rating.created_at,
                Rating.weight,
                Rating.value,
                Rating.log_hours,
            )
            .join(Venue, Venue.id == Rating.venue_id)
            .where(Rating.guild_id == guild_id, Rating.created_at >= since)
            .where(Venue.status == "active")
            .order_by(Rating.created_at, Rating.id)
        )
        return [RecentRating(*row) for row in rows]

    async def add(
        self, guild_id: int, changes: Sequence[PeriodSums], rank: RankOrder | None
    ) -> None:
        """Change the venues' period sums by `changes` (one executemany), their snapshot
        RIT following when the guild has a snapshot."""
        if not changes:
            return
        ranked = {} if rank is None else rit_parameters(rank)
        rows = [
            {
                "guild_id": guild_id,
                "venue_id": c.venue_id,
                "days": c.days,
                **{name: getattr(c, name) for name in _SUMS},
                "rit_snapshot": None
                if rank is None
                else rit_of(rank, c.weight, c.weight_value, c.weight_log_hours),
                **ranked,
            }
            for c in changes
        ]
        dialect = self.session.get_bind().dialect.name
        await self.session.execute(_period_upsert(dialect, rank is not None), rows)

    async def between(
        self, guild_id: int, start: dt.datetime, end: dt.datetime
    ) -> list[EdgeRating]:
        """The guild's ratings given in [start, end), through its (created_at) covering
        index, each with whether its member rated the venue again since `end`."""
        values = {"guild_id": guild_id, "start": start, "end": end}
        rows = await read_rows(self.session, _between(), values)
        return [EdgeRating(*row) for row in rows]

    async def advance(
        self, guild_id: int, days: int, start: dt.datetime, end: dt.datetime, rank: RankOrder | None
    ) -> None:
        """Move the guild's start of the period from `start` to `end`: the ratings given in
        between leave the sums."""
        leaving = edge_sums(days, await self.between(guild_id, start, end), -1)
        await self.add(guild_id, list(leaving.values()), rank)
        if leaving:
            await self.session.execute(
                delete(VenuePeriodStats).where(
                    VenuePeriodStats.venue_id.in_(list(leaving)),
                    VenuePeriodStats.days == days,
                    VenuePeriodStats.raters <= 0,
                )
            )
        await self.session.execute(
            update(GuildRatingPrior)
            .where(GuildRatingPrior.guild_id == guild_id)
            .values({SINCE_COLUMNS[days]: end})
        )

    async def best(
        self,
        guild_id: int,
        days: int,
        *,
        margin: float,
        where: VenueFilter,
        exclude: Sequence[int],
        limit: int,
    ) -> list[PeriodSums]:
        """The `limit` active venues matching `where` with the best snapshot RIT over the
        period, but those of `exclude`, and every other within `margin` below the last
        (`snapshot_walk.walk`)."""
        dialect = self.session.get_bind().dialect.name
        statement = _period_walk(dialect, where.shape, bool(exclude))
        values = {**where.parameters(dialect, guild_id), "walk_days": days}
        if exclude:
            values["walk_exclude"] = list(exclude)
        found = await walk(self.session, statement, values, margin=margin, limit=limit)
        return [PeriodSums(*row[:-1]) for row in found]

    async def edge(
        self,
        guild_id: int,
        days: int,
        start: dt.datetime,
        end: dt.datetime,
        where: VenueFilter,
    ) -> tuple[list[EdgeRating], dict[int, PeriodSums]]:
        """`between`, and the period sums (none: zero) of those of the venues they touch
        that are active and match `where`, in one statement."""
        dialect = self.session.get_bind().dialect.name
        values = {
            **where.parameters(dialect, guild_id),
            "guild_id": guild_id,
            "start": start,
            "end": end,
            "days": days,
        }
        rows = await read_rows(self.session, _edge(dialect, where.shape), values)
        touched: dict[int, PeriodSums] = {}
        for row in rows:
            if row[6]:
                sums = (value or 0 for value in row[7:])
                touched[row[0]] = PeriodSums(row[0], days, *sums)
        return [EdgeRating(*row[:6]) for row in rows], touched

    async def since(self, guild_id: int) -> dict[int, dt.datetime | None]:
        row = (
            await self.session.execute(
                select(*SINCE_COLUMNS.values()).where(GuildRatingPrior.guild_id == guild_id)
            )
        ).first()
        return {days: (row[i] if row else None) for i, days in enumerate(PERIOD_DAYS)}


def member_sums(
    rows: Sequence[tuple[int, dt.datetime, float, float, float]],
    since: dict[int, dt.datetime | None],
    sign: int = -1,
) -> list[PeriodSums]:
    """What one member's ratings of a guild, as (venue, created_at, weight, value,
    log_hours), make of its period sums: taken out (sign -1) when the member is erased."""
    found: dict[tuple[int, int], PeriodSums] = {}
    for venue_id, created_at, weight, value, log_hours in rows:
        for days, start in since.items():
            if start is None or created_at < start:
                continue
            before = found.get((venue_id, days))
            change = PeriodSums(
                venue_id,
                days,
                0 if before else sign,
                sign * weight,
                sign * weight * value,
                sign * weight * log_hours,
            )
            found[(venue_id, days)] = before.plus(change) if before else change
    return list(found.values())
