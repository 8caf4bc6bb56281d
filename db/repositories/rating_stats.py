"""What the ranking needs, kept as ratings are written: per-venue sums and the guild prior's
sums. Every change of a rating, of a venue's status or a member's erasure goes through here
in the same transaction as the change itself."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, cast, delete, func, literal, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import GuildRatingHours, GuildRatingPrior, Rating, Venue, VenueRatingStats
from db.repositories.hopes import HopeRepository
from db.repositories.sql import dialect_insert


@dataclass(frozen=True, slots=True)
class VenueStatsRecord:
    venue_id: int
    raters: int
    ratings: int
    weight: float
    weight_value: float
    weight_log_hours: float


@dataclass(frozen=True, slots=True)
class RecentRating:
    venue_id: int
    member_id: int
    created_at: dt.datetime
    weight: float
    value: float
    log_hours: float


@dataclass(frozen=True, slots=True)
class PriorSums:
    count: int
    value_sum: float
    value_squares: float
    hours: dict[int, int]


@dataclass(frozen=True, slots=True)
class RankOrder:
    """The RIT as a function of a venue's sums, for ordering in SQL:
    (pseudo * worth + S - time * (L - W * log_hours)) / (pseudo + W) - doubt / sqrt(pseudo + W)
    """

    pseudo: float
    worth: float
    time: float
    log_hours: float
    doubt: float


def rit_expression(order: RankOrder, weight: Any, weight_value: Any, weight_log_hours: Any) -> Any:
    """The RIT of `order` as an SQL expression of a venue's sums."""
    total = literal(order.pseudo) + weight
    return (
        literal(order.pseudo * order.worth)
        + weight_value
        - literal(order.time) * (weight_log_hours - weight * literal(order.log_hours))
    ) / total - literal(order.doubt) / func.sqrt(cast(total, Float))


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
    ) -> None:
        values = {
            "raters": raters,
            "ratings": ratings,
            "weight": weight,
            "weight_value": weight_value,
            "weight_log_hours": weight_log_hours,
        }
        stmt = dialect_insert(self.session, VenueRatingStats).values(
            venue_id=venue_id, guild_id=guild_id, **values
        )
        table = VenueRatingStats.__table__.c
        stmt = stmt.on_conflict_do_update(
            index_elements=["venue_id"],
            set_={name: table[name] + stmt.excluded[name] for name in values},
        )
        await self.session.execute(stmt)

    async def add_prior(
        self, guild_id: int, ratings: list[tuple[float, float]], sign: int = 1
    ) -> None:
        """Add (or with sign -1 take away) ratings given as (value, hours) to the prior."""
        if not ratings:
            return
        stmt = dialect_insert(self.session, GuildRatingPrior).values(
            guild_id=guild_id,
            count=sign * len(ratings),
            value_sum=sign * sum(v for v, _ in ratings),
            value_squares=sign * sum(v * v for v, _ in ratings),
        )
        table = GuildRatingPrior.__table__.c
        stmt = stmt.on_conflict_do_update(
            index_elements=["guild_id"],
            set_={
                name: table[name] + stmt.excluded[name]
                for name in ("count", "value_sum", "value_squares")
            },
        )
        await self.session.execute(stmt)
        for key, count in Counter(quarters(h) for _, h in ratings).items():
            hours = dialect_insert(self.session, GuildRatingHours).values(
                guild_id=guild_id, quarters=key, count=sign * count
            )
            hours = hours.on_conflict_do_update(
                index_elements=["guild_id", "quarters"],
                set_={"count": GuildRatingHours.count + hours.excluded.count},
            )
            await self.session.execute(hours)

    async def prior(self, guild_id: int) -> PriorSums:
        row = (
            await self.session.execute(
                select(
                    GuildRatingPrior.count,
                    GuildRatingPrior.value_sum,
                    GuildRatingPrior.value_squares,
                ).where(GuildRatingPrior.guild_id == guild_id)
            )
        ).first()
        hours = await self.session.execute(
            select(GuildRatingHours.quarters, GuildRatingHours.count).where(
                GuildRatingHours.guild_id == guild_id, GuildRatingHours.count > 0
            )
        )
        histogram = {key: count for key, count in hours}
        if row is None:
            return PriorSums(0, 0.0, 0.0, {})
        return PriorSums(row[0], row[1], row[2], histogram)

    async def venues(self, venue_ids: list[int]) -> dict[int, VenueStatsRecord]:
        if not venue_ids:
            return {}
        rows = await self.session.execute(
            select(*_STATS_COLUMNS).where(VenueRatingStats.venue_id.in_(venue_ids))
        )
        return {row[0]: VenueStatsRecord(*row) for row in rows}

    async def best(
        self,
        guild_id: int,
        order: RankOrder,
        *,
        city_key: str | None = None,
        kind: str | None = None,
        limit: int = 100,
    ) -> list[VenueStatsRecord]:
        """The rated active venues of the guild, best RIT first, ordered in the database."""
        rit = rit_expression(
            order,
            VenueRatingStats.weight,
            VenueRatingStats.weight_value,
            VenueRatingStats.weight_log_hours,
        )
        stmt = (
            select(*_STATS_COLUMNS)
            .join(Venue, Venue.id == VenueRatingStats.venue_id)
            .where(
                VenueRatingStats.guild_id == guild_id,
                VenueRatingStats.raters > 0,
                Venue.status == "active",
            )
        )
        if city_key is not None:
            stmt = stmt.where(Venue.city_key == city_key)
        if kind is not None:
            stmt = stmt.where(Venue.kind == kind)
        stmt = stmt.order_by(
            rit.desc(), VenueRatingStats.raters.desc(), VenueRatingStats.venue_id
        ).limit(limit)
        return [VenueStatsRecord(*row) for row in await self.session.execute(stmt)]

    async def period(
        self,
        guild_id: int,
        since: dt.datetime,
        order: RankOrder,
        *,
        city_key: str | None = None,
        kind: str | None = None,
        limit: int = 100,
    ) -> list[VenueStatsRecord]:
        """Sums of the ratings given since `since`, per active venue (the period views),
        best RIT first."""
        sums = (
            select(
                Rating.venue_id.label("venue_id"),
                func.count(func.distinct(Rating.member_id)).label("raters"),
                func.count().label("ratings"),
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
            .where(Venue.status == "active")
            .order_by(rit.desc(), sums.c.raters.desc(), sums.c.venue_id)
            .limit(limit)
        )
        if city_key is not None:
            stmt = stmt.where(Venue.city_key == city_key)
        if kind is not None:
            stmt = stmt.where(Venue.kind == kind)
        return [VenueStatsRecord(*row) for row in await self.session.execute(stmt)]

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

    async def venue_activity_changed(self, guild_id: int, venue_id: int, active: bool) -> None:
        """A venue became active (or stopped being): its latest ratings join (or leave) the
        guild prior."""
        rows = await self.session.execute(
            select(Rating.value, Rating.hours).where(
                Rating.venue_id == venue_id, Rating.latest.is_(True)
            )
        )
        await self.add_prior(guild_id, [(v, h) for v, h in rows], 1 if active else -1)

    async def forget_member(self, member_id: int) -> None:
        """Take the member's ratings out of every sum, before they are deleted."""
        rows = (
            await self.session.execute(
                select(
                    Rating.guild_id,
                    Rating.venue_id,
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
        by_venue: dict[tuple[int, int], list[tuple[float, float, float]]] = {}
        prior: dict[int, list[tuple[float, float]]] = {}
        for guild_id, venue_id, weight, value, log_hours, hours, latest, status in rows:
            by_venue.setdefault((guild_id, venue_id), []).append((weight, value, log_hours))
            if latest and status == "active":
                prior.setdefault(guild_id, []).append((value, hours))
        for guild_id, ratings in prior.items():  # the prior's row first, as every writer
            await self.add_prior(guild_id, ratings, -1)
        for (guild_id, venue_id), entries in by_venue.items():
            await self.add_venue(
                guild_id,
                venue_id,
                raters=-1,
                ratings=-len(entries),
                weight=-sum(w for w, _, _ in entries),
                weight_value=-sum(w * v for w, v, _ in entries),
                weight_log_hours=-sum(w * lh for w, _, lh in entries),
            )
        for guild_id, venue_id in by_venue:
            await self.rank_venues(guild_id, [venue_id])

    # -- the snapshot: an index of the best venues, within a known distance ------------------

    async def snapshot(self, guild_id: int) -> RankOrder | None:
        row = (
            await self.session.execute(
                select(
                    GuildRatingPrior.snapshot_pseudo,
                    GuildRatingPrior.snapshot_worth,
                    GuildRatingPrior.snapshot_time,
                    GuildRatingPrior.snapshot_log_hours,
                    GuildRatingPrior.snapshot_doubt,
                ).where(GuildRatingPrior.guild_id == guild_id)
            )
        ).first()
        if row is None or any(value is None for value in row):
            return None
        pseudo, worth, time, log_hours, doubt = (float(value or 0.0) for value in row)
        return RankOrder(pseudo, worth, time, log_hours, doubt)

    async def take_snapshot(self, guild_id: int, order: RankOrder) -> None:
        """Every venue of the guild ranked again against `order`, which becomes the
        snapshot (rare: when the prior has drifted too far from the last one)."""
        await self.session.execute(
            update(GuildRatingPrior)
            .where(GuildRatingPrior.guild_id == guild_id)
            .values(
                snapshot_pseudo=order.pseudo,
                snapshot_worth=order.worth,
                snapshot_time=order.time,
                snapshot_log_hours=order.log_hours,
                snapshot_doubt=order.doubt,
            )
        )
        await self._rank(VenueRatingStats.guild_id == guild_id, order)

    async def rank_venues(self, guild_id: int, venue_ids: list[int]) -> None:
        """The venues' snapshot RIT after their sums changed."""
        order = await self.snapshot(guild_id)
        if order is not None and venue_ids:
            await self._rank(VenueRatingStats.venue_id.in_(venue_ids), order)

    async def _rank(self, where: Any, order: RankOrder) -> None:
        rit = rit_expression(
            order,
            VenueRatingStats.weight,
            VenueRatingStats.weight_value,
            VenueRatingStats.weight_log_hours,
        )
        await self.session.execute(update(VenueRatingStats).where(where).values(rit_snapshot=rit))

    async def best_by_snapshot(
        self,
        guild_id: int,
        *,
        margin: float,
        city_key: str | None = None,
        kind: str | None = None,
        limit: int = 100,
    ) -> list[VenueStatsRecord]:
        """The `limit` rated active venues with the best snapshot RIT, and every other one
        within `margin` below the last of them: a superset of the best `limit` by today's
        RIT when no venue's RIT moved by more than margin / 2 since the snapshot."""
        base = (
            select(*_STATS_COLUMNS)
            .join(Venue, Venue.id == VenueRatingStats.venue_id)
            .where(
                VenueRatingStats.guild_id == guild_id,
                VenueRatingStats.raters > 0,
                VenueRatingStats.rit_snapshot.is_not(None),
                Venue.status == "active",
            )
        )
        if city_key is not None:
            base = base.where(Venue.city_key == city_key)
        if kind is not None:
            base = base.where(Venue.kind == kind)
        last = await self.session.scalar(
            base.with_only_columns(VenueRatingStats.rit_snapshot)
            .order_by(VenueRatingStats.rit_snapshot.desc())
            .offset(limit - 1)
            .limit(1)
        )
        if last is not None:
            base = base.where(VenueRatingStats.rit_snapshot >= last - margin)
        return [VenueStatsRecord(*row) for row in await self.session.execute(base)]

    async def rebuild(self) -> None:
        """Every sum recomputed from the ratings (after a bulk load that bypassed them)."""
        for table in (VenueRatingStats, GuildRatingPrior, GuildRatingHours):
            await self.session.execute(delete(table))
        for statement in _REBUILD:
            await self.session.execute(text(statement))
        await HopeRepository(self.session).rebuild()


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
    f"SELECT rating.guild_id, count(*), sum(value), sum(value * value) {_ACTIVE_LATEST} "
    "GROUP BY rating.guild_id",
    "INSERT INTO guild_rating_hours (guild_id, quarters, count) "
    f"SELECT rating.guild_id, {_QUARTERS}, count(*) {_ACTIVE_LATEST} "
    f"GROUP BY rating.guild_id, {_QUARTERS}",
)

_STATS_COLUMNS = (
    VenueRatingStats.venue_id,
    VenueRatingStats.raters,
    VenueRatingStats.ratings,
    VenueRatingStats.weight,
    VenueRatingStats.weight_value,
    VenueRatingStats.weight_log_hours,
)
