"""Ratings: a history per member and venue; the newest is `latest`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ScalarSelect, and_, bindparam, case, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Rating, Venue, Visit


@dataclass(frozen=True, slots=True)
class RatingRow:
    """A rating as the ranking reads it."""

    venue_id: int
    member_id: int
    worth: int
    value: float
    hours: float
    weight: float
    latest: bool
    tier: str
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class RatingEntry:
    """One rating of a member's history of a venue, with everything they answered."""

    id: int
    worth: int
    hours: float
    substance: int | None
    experience: int | None
    connections: int | None
    comment: str | None
    got: int | None
    flags: int
    tier: str
    visit_id: int | None
    occurrence_id: int | None
    weight: float
    value: float
    log_hours: float
    latest: bool
    created_at: dt.datetime
    #: What the member hoped to get (GOT_* bits), for a check-back answer that said so.
    hopes: int | None = None


_ENTRY_COLUMNS = (
    Rating.id,
    Rating.worth,
    Rating.hours,
    Rating.substance,
    Rating.experience,
    Rating.connections,
    Rating.comment,
    Rating.got,
    Rating.flags,
    Rating.tier,
    Rating.visit_id,
    Rating.occurrence_id,
    Rating.weight,
    Rating.value,
    Rating.log_hours,
    Rating.latest,
    Rating.created_at,
    Rating.hopes,
)


@dataclass(frozen=True, slots=True)
class RatingSummary:
    count: int = 0
    worth: float | None = None
    hours: float | None = None
    substance: float | None = None
    experience: float | None = None
    connections: float | None = None


@dataclass(frozen=True, slots=True)
class VenueCard:
    """What the venue card shows members, over each member's latest rating of the venue."""

    #: Members who said "I went" to an occurrence at the venue (an attended rating).
    attendees: int = 0
    #: Members known to have gone (a visit logged, or through the check-back) ...
    visitors: int = 0
    #: ... and those of them who went on at least two different days.
    returning: int = 0
    #: Members whose latest rating answered what they got and what went wrong.
    answered: int = 0
    #: How many of them ticked each of GOT_ALL, then each of FLAG_ALL (same order).
    got: tuple[int, ...] = ()
    flags: tuple[int, ...] = ()
    #: The median of the members' latest reported hours.
    median_hours: float | None = None
    #: New contacts made at the venue that led somewhere (a call, a client, a collaboration).
    led_somewhere: int = 0
    #: Members whose latest check-back answer came with hopes, and those who got them all.
    hoped: int = 0
    hopes_met: int = 0


def _median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return (values[middle - 1] + values[middle]) / 2


def _ticked(column: Any, bit: int, *when: Any) -> Any:
    """How many rows have `bit` set in `column` (and meet `when`)."""
    return func.coalesce(func.sum(case((and_(column.op("&")(bit) != 0, *when), 1), else_=0)), 0)


def _presence(venue_id: int) -> tuple[ScalarSelect[int], ...]:
    """Members who said "I went" to an occurrence at the venue, members known to have gone,
    and those of them who went on two different days or more."""
    attendees = (
        select(func.count(func.distinct(Rating.member_id)))
        .where(Rating.venue_id == venue_id, Rating.tier == "attended")
        .scalar_subquery()
    )
    days = (
        select(Visit.member_id, func.count().label("days"))
        .where(Visit.venue_id == venue_id)
        .group_by(Visit.member_id)
        .subquery()
    )
    visitors = select(func.count()).select_from(days).scalar_subquery()
    returning = select(func.count()).select_from(days).where(days.c.days > 1).scalar_subquery()
    return attendees, visitors, returning


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


class RatingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def history(self, venue_id: int, member_id: int) -> list[RatingEntry]:
        """The member's ratings of the venue, newest first."""
        rows = await self.session.execute(
            select(*_ENTRY_COLUMNS)
            .where(Rating.venue_id == venue_id, Rating.member_id == member_id)
            .order_by(Rating.id.desc())
        )
        return [RatingEntry(**row._mapping) for row in rows]

    async def last(self, venue_id: int, member_id: int) -> RatingEntry | None:
        row = (
            await self.session.execute(
                select(*_ENTRY_COLUMNS)
                .where(Rating.venue_id == venue_id, Rating.member_id == member_id)
                .order_by(Rating.id.desc())
                .limit(1)
            )
        ).first()
        return RatingEntry(**row._mapping) if row else None

    async def hours_of(self, venue_id: int, member_id: int) -> float | None:
        entry = await self.last(venue_id, member_id)
        return entry.hours if entry else None

    async def insert(
        self, *, guild_id: int, venue_id: int, member_id: int, now: dt.datetime, **values: Any
    ) -> int:
        result = await self.session.execute(
            insert(Rating)
            .values(
                guild_id=guild_id,
                venue_id=venue_id,
                member_id=member_id,
                created_at=now,
                updated_at=now,
                latest=True,
                **values,
            )
            .returning(Rating.id)
        )
        return int(result.scalar_one())

    async def reweigh(self, changes: Sequence[tuple[int, float]]) -> None:
        """New weights of older ratings (id, weight), none of which is the latest any more."""
        if not changes:
            return
        table = Rating.metadata.tables[Rating.__tablename__]  # Core: one executemany
        await self.session.execute(
            update(table)
            .where(table.c.id == bindparam("rating"))
            .values(weight=bindparam("new_weight"), latest=False),
            [{"rating": rating_id, "new_weight": weight} for rating_id, weight in changes],
        )

    async def rows(
        self,
        guild_id: int,
        *,
        venue_ids: Sequence[int] | None = None,
        since: dt.datetime | None = None,
    ) -> list[RatingRow]:
        """Every rating of the guild's active venues: for checks and rebuilds, never for a
        command (commands read the sums kept in rating_stats)."""
        stmt = (
            select(
                Rating.venue_id,
                Rating.member_id,
                Rating.worth,
                Rating.value,
                Rating.hours,
                Rating.weight,
                Rating.latest,
                Rating.tier,
                Rating.updated_at,
            )
            .join(Venue, Venue.id == Rating.venue_id)
            .where(Rating.guild_id == guild_id, Venue.status == "active")
        )
        if venue_ids is not None:
            stmt = stmt.where(Rating.venue_id.in_(list(venue_ids)))
        if since is not None:
            stmt = stmt.where(Rating.created_at >= since)
        result = await self.session.execute(stmt)
        return [RatingRow(*row) for row in result]

    async def latest_comments(self, venue_id: int, limit: int = 3) -> list[str]:
        rows = await self.session.scalars(
            select(Rating.comment)
            .where(
                Rating.venue_id == venue_id,
                Rating.latest.is_(True),
                Rating.comment.is_not(None),
                Rating.comment != "",
            )
            .order_by(Rating.created_at.desc(), Rating.id.desc())
            .limit(limit)
        )
        return [comment for comment in rows if comment]

    async def overview(
        self,
        venue_id: int,
        got_bits: Sequence[int],
        flag_bits: Sequence[int],
        *extra: ScalarSelect[Any],
    ) -> tuple[RatingSummary, VenueCard, tuple[Any, ...]]:
        """The card's figures over the venue's own ratings and visits (ix_rating_venue_member,
        ix_visit_venue), never the guild's: the averages over each member's latest rating,
        what members got and the flags they raised, attendees, visitors and who came back,
        in one statement (with `extra` scalar sub-queries, whose values come back as they
        are), then the reported hours for their median."""
        answered = Rating.got.is_not(None)
        row = (
            await self.session.execute(
                select(
                    func.count(Rating.id),
                    func.avg(Rating.worth),
                    func.avg(Rating.hours),
                    func.avg(Rating.substance),
                    func.avg(Rating.experience),
                    func.avg(Rating.connections),
                    func.coalesce(func.sum(case((answered, 1), else_=0)), 0),
                    *(_ticked(Rating.got, bit) for bit in got_bits),
                    *(_ticked(Rating.flags, bit, answered) for bit in flag_bits),
                    *_presence(venue_id),
                    *extra,
                ).where(Rating.venue_id == venue_id, Rating.latest.is_(True))
            )
        ).one()
        hours = list(
            await self.session.scalars(
                select(Rating.hours)
                .where(Rating.venue_id == venue_id, Rating.latest.is_(True))
                .order_by(Rating.hours)
            )
        )
        summary = RatingSummary(int(row[0]), *(_number(v) for v in row[1:6]))
        got_end = 7 + len(got_bits)
        flags_end = got_end + len(flag_bits)
        attendees_count, visitors_count, returning_count = row[flags_end : flags_end + 3]
        card = VenueCard(
            attendees=int(attendees_count or 0),
            visitors=int(visitors_count or 0),
            returning=int(returning_count or 0),
            answered=int(row[6]),
            got=tuple(int(v) for v in row[7:got_end]),
            flags=tuple(int(v) for v in row[got_end:flags_end]),
            median_hours=_median(hours),
        )
        return summary, card, tuple(row[flags_end + 3 :])
