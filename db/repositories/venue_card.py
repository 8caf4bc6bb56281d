"""Everything the venue card shows, in one statement over the venue's own rows (and the
guild prior's two rows): the ratings summary and the card's figures, the votes, the hopes,
the venue's kept sums and the guild prior's, its tags and latest comments. Lists come
back as JSON arrays (`json_group_array` on SQLite, `json_agg` on PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, exists, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import (
    ContactFollowUp,
    GuildRatingHours,
    GuildRatingPrior,
    Rating,
    VenueHopeStats,
    VenueRatingStats,
    VenueTag,
    Visit,
    Vote,
)
from db.repositories.followups import LED_SOMEWHERE
from db.repositories.rating_stats import PriorSums, VenueStatsRecord
from db.repositories.ratings import RatingSummary, VenueCard

#: How many of the latest comments the card shows.
COMMENTS = 3


@dataclass(frozen=True, slots=True)
class CardRead:
    """The card's figures as read; `stats` is None for a venue nobody rated."""

    summary: RatingSummary
    card: VenueCard
    upvotes: int
    downvotes: int
    tags: tuple[str, ...]
    comments: tuple[str, ...]
    stats: VenueStatsRecord | None
    prior: PriorSums


def _ticked(column: Any, bit: int, *when: Any) -> Any:
    """How many rows have `bit` set in `column` (and meet `when`)."""
    return func.coalesce(func.sum(case((and_(column.op("&")(bit) != 0, *when), 1), else_=0)), 0)


def _json_list(dialect: str, *values: Any) -> Any:
    """An aggregate of the rows as a JSON array of [values...] arrays."""
    if dialect == "postgresql":
        return func.json_agg(func.json_build_array(*values))
    return func.json_group_array(func.json_array(*values))


def _votes(venue_id: Any, value: int) -> Any:
    """Members whose last vote standing on the venue is `value`."""
    newer = aliased(Vote)
    last = ~exists().where(
        newer.venue_id == Vote.venue_id, newer.member_id == Vote.member_id, newer.id > Vote.id
    )
    return (
        select(func.count())
        .where(Vote.venue_id == venue_id, Vote.value == value, last)
        .scalar_subquery()
    )


def _presence(venue_id: Any) -> list[Any]:
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
    return [attendees, visitors, returning]


def _median_hours(venue_id: Any) -> Any:
    """The median of the members' latest hours: the middle one, or the mean of the two."""
    latest = and_(Rating.venue_id == venue_id, Rating.latest.is_(True))
    count = select(func.count()).where(latest).scalar_subquery()
    middle = (
        select(Rating.hours.label("hours"))
        .where(latest)
        .order_by(Rating.hours)
        .limit(literal(2) - count % 2)
        .offset(case((count > 0, (count - 1) // 2), else_=0))
        .subquery()
    )
    return select(func.avg(middle.c.hours)).scalar_subquery()


def _lists(dialect: str, venue_id: Any, guild_id: Any) -> list[Any]:
    """The tags as [position, label], the latest comments as [rank, comment] and the
    guild's hours as [quarters, count]."""
    tags = select(
        _json_list(dialect, VenueTag.position, func.coalesce(VenueTag.label, VenueTag.tag))
    ).where(VenueTag.venue_id == venue_id)
    latest = (
        select(
            func.row_number()
            .over(order_by=(Rating.created_at.desc(), Rating.id.desc()))
            .label("rank"),
            Rating.comment.label("comment"),
        )
        .where(
            Rating.venue_id == venue_id,
            Rating.latest.is_(True),
            Rating.comment.is_not(None),
            Rating.comment != "",
        )
        .order_by(Rating.created_at.desc(), Rating.id.desc())
        .limit(COMMENTS)
        .subquery()
    )
    comments = select(_json_list(dialect, latest.c.rank, latest.c.comment))
    hours = select(_json_list(dialect, GuildRatingHours.quarters, GuildRatingHours.count)).where(
        GuildRatingHours.guild_id == guild_id, GuildRatingHours.count > 0
    )
    return [part.scalar_subquery() for part in (tags, comments, hours)]


def _one(column: Any, where: Any) -> Any:
    return select(column).where(where).scalar_subquery()


@cache
def _statement(dialect: str, got_bits: tuple[int, ...], flag_bits: tuple[int, ...]) -> Select[Any]:
    """The card's one statement, built once per dialect (parameters `venue_id`,
    `guild_id`)."""
    venue_id: Any = bindparam("venue_id")
    guild_id: Any = bindparam("guild_id")
    answered = Rating.got.is_not(None)
    stats = VenueRatingStats.venue_id == venue_id
    prior = GuildRatingPrior.guild_id == guild_id
    hopes = VenueHopeStats.venue_id == venue_id
    led = select(func.count()).where(
        ContactFollowUp.venue_id == venue_id, ContactFollowUp.answer.in_(LED_SOMEWHERE)
    )
    return select(
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
        led.scalar_subquery(),
        _one(VenueHopeStats.members, hopes),
        _one(VenueHopeStats.met, hopes),
        _votes(venue_id, 1),
        _votes(venue_id, -1),
        _median_hours(venue_id),
        *(
            _one(column, stats)
            for column in (
                VenueRatingStats.raters,
                VenueRatingStats.ratings,
                VenueRatingStats.weight,
                VenueRatingStats.weight_value,
                VenueRatingStats.weight_log_hours,
            )
        ),
        *(
            _one(column, prior)
            for column in (
                GuildRatingPrior.count,
                GuildRatingPrior.value_sum,
                GuildRatingPrior.value_squares,
            )
        ),
        *_lists(dialect, venue_id, guild_id),
    ).where(Rating.venue_id == venue_id, Rating.latest.is_(True))


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _pairs(value: Any) -> list[list[Any]]:
    """A JSON array aggregate as read (text on SQLite and asyncpg; none over no rows)."""
    if value is None:
        return []
    return list(json.loads(value) if isinstance(value, str) else value)


def _ordered(value: Any) -> tuple[Any, ...]:
    return tuple(item for _, item in sorted(_pairs(value), key=lambda pair: pair[0]))


class VenueCardRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def read(
        self,
        guild_id: int,
        venue_id: int,
        got_bits: Sequence[int],
        flag_bits: Sequence[int],
    ) -> CardRead:
        """The card of a venue of `guild_id`, in one statement (the venue's own indexes:
        ix_rating_venue_member, ix_visit_venue, the vote and tag keys; the guild prior's
        row and hours)."""
        dialect = self.session.get_bind().dialect.name
        stmt = _statement(dialect, tuple(got_bits), tuple(flag_bits))
        row = (await self.session.execute(stmt, {"venue_id": venue_id, "guild_id": guild_id})).one()
        got_end = 7 + len(got_bits)
        flags_end = got_end + len(flag_bits)
        attendees, visitors, returning, led, hoped, met, up, down, median = row[
            flags_end : flags_end + 9
        ]
        raters, ratings, weight, weight_value, weight_log_hours = row[flags_end + 9 : -6]
        count, value_sum, value_squares, tags, comments, hours = row[-6:]
        card = VenueCard(
            attendees=int(attendees or 0),
            visitors=int(visitors or 0),
            returning=int(returning or 0),
            answered=int(row[6]),
            got=tuple(int(v) for v in row[7:got_end]),
            flags=tuple(int(v) for v in row[got_end:flags_end]),
            median_hours=_number(median),
            led_somewhere=int(led or 0),
            hoped=int(hoped or 0),
            hopes_met=int(met or 0),
        )
        stats = (
            None
            if raters is None
            else VenueStatsRecord(venue_id, raters, ratings, weight, weight_value, weight_log_hours)
        )
        return CardRead(
            summary=RatingSummary(int(row[0]), *(_number(v) for v in row[1:6])),
            card=card,
            upvotes=int(up or 0),
            downvotes=int(down or 0),
            tags=_ordered(tags),
            comments=tuple(c for c in _ordered(comments) if c),
            stats=stats,
            prior=PriorSums(
                int(count or 0),
                float(value_sum or 0.0),
                float(value_squares or 0.0),
                {int(q): int(n) for q, n in _pairs(hours)},
            ),
        )


__all__ = ["CardRead", "VenueCardRepository"]
