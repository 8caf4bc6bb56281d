"""The venues a search matches, with their kept sums, read in one statement: the best rated
ones and the first unrated ones together, the filters (full-text words above all) evaluated
once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Float,
    and_,
    bindparam,
    case,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import plan_each_call
from db.models import Venue, VenueRatingStats
from db.repositories.rank_order import RankOrder, rit_bound, rit_parameters
from db.repositories.rating_stats import VenueStatsRecord
from db.search import EVERY_VENUE, VenueFilter, search_of

_SUMS = (
    VenueRatingStats.raters,
    VenueRatingStats.ratings,
    VenueRatingStats.weight,
    VenueRatingStats.weight_value,
    VenueRatingStats.weight_log_hours,
)
_ZEROS = (0, 0, 0.0, 0.0, 0.0)
#: Words alone matching at least this many venues of a guild with a snapshot: the statement
#: walks the snapshot index, checking the words on the venues it reaches (about `limit` x
#: the guild's venues / the matches of them), rather than ordering every match exactly.
WALK_FROM = 2000
#: Words only: the filters the walk serves (a city or a tag may leave few of the words'
#: matches, which the walk would look for among all of the guild's venues).
_WORDS_ONLY = (True, False, False, False)
#: The walk's LIMIT when it serves: none that it reaches.
_ALL = 1_000_000_000


@dataclass(frozen=True, slots=True)
class MatchedSums:
    """`rated`: the rated venues with the best RIT, ordered in the database; `unrated`: the
    oldest of those no member's rating counts for, with their sums (zero when none)."""

    rated: list[VenueStatsRecord]
    unrated: list[VenueStatsRecord]
    #: Whether the snapshot index was walked: `rated` then holds the best rated matches by
    #: snapshot and those within the margin below them (as `best_by_snapshot`), and
    #: `unrated` nothing.
    walked: bool = False


class MatchStatsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def ranked(
        self,
        guild_id: int,
        order: RankOrder,
        *,
        where: VenueFilter,
        limit: int,
        margin: float | None = None,
    ) -> MatchedSums:
        """The guild's active venues matching `where`: the `limit` rated ones with the best
        RIT against `order`, and the `limit` oldest unrated ones (those
        `RatingStatsRepository.best` and `.unrated` find). With a `margin` (the guild has a
        snapshot), words alone that match many venues walk the snapshot index instead
        (`walked`). The statement is built once per database and filters set, and runs with
        their values, planned for them (`plan_each_call`)."""
        dialect = self.session.get_bind().dialect.name
        await plan_each_call(self.session)
        walk = margin is not None and where.shape == _WORDS_ONLY
        statement = _ranked(dialect, where.shape, limit, walk)
        values = {**where.parameters(dialect, guild_id), **rit_parameters(order)}
        if walk:
            values.update(walk_from=WALK_FROM, walk_margin=margin)
        found = MatchedSums([], [])
        for row in await self.session.execute(statement, values):
            if row[0] is None:  # the walk's mark
                found = MatchedSums(found.rated, found.unrated, walked=True)
                continue
            record = VenueStatsRecord(*row)
            (found.rated if record.raters > 0 else found.unrated).append(record)
        return found


@cache
def _ranked(dialect: str, shape: tuple[bool, bool, bool, bool], limit: int, walk: bool) -> Any:
    where = VenueFilter.of_shape(shape)
    conditions = [
        where.in_guild_of(dialect, 0),
        Venue.status == "active",
        *where.conditions_of(dialect, 0),
    ]
    if dialect == "sqlite" and where.words and where.city_key:
        conditions = _city_first(where)
    if walk:
        return _walk_or_exact(dialect, where, conditions, limit)
    parts = _sqlite(conditions, limit) if dialect == "sqlite" else _postgresql(conditions, limit)
    return union_all(*(select(part.subquery()) for part in parts))


def _city_first(where: VenueFilter) -> list[Any]:
    """Words and a city on SQLite: the guild's venues in the city read from their index,
    each checked against the words' matches by its key before its row is read (rather
    than every match of the words read to check its city)."""
    others = VenueFilter(where.words, None, where.kind, where.tag)
    return [
        EVERY_VENUE.in_guild_of("sqlite", 0),
        Venue.city_key == bindparam("where_city"),
        *others.conditions_of("sqlite", 0, checked=True),
        Venue.status == "active",
    ]


def _sqlite(conditions: list[Any], limit: int, gate: Any = None) -> Any:
    """The matches read once into a CTE that both parts use, each match's sums then read by
    its key (a condition on the guild there would make SQLite size a Bloom filter by the
    whole table). `gate`: a one-row table whose column `many`, when true, leaves the
    matches unread (the venues are joined to it: its row is checked first)."""
    stats = VenueRatingStats
    shared = select(Venue.id.label("id")).where(*conditions)
    if gate is not None:
        shared = shared.select_from(gate.join(Venue, true())).where(~gate.c.many)
    matching = shared.cte("matching")
    rit = rit_bound(stats.weight, stats.weight_value, stats.weight_log_hours)
    rated = (
        select(stats.venue_id, *_SUMS)
        .where(
            stats.guild_id == bindparam("where_guild", type_=BigInteger),
            stats.venue_id.in_(select(matching.c.id)),
            stats.raters > 0,
        )
        .order_by(rit.desc(), stats.raters.desc(), stats.venue_id)
        .limit(limit)
    )
    unrated = (
        select(
            matching.c.id,
            *(func.coalesce(column, zero) for column, zero in zip(_SUMS, _ZEROS, strict=True)),
        )
        .select_from(matching.outerjoin(stats, stats.venue_id == matching.c.id))
        .where(or_(stats.raters.is_(None), stats.raters <= 0))
        .order_by(matching.c.id)
        .limit(limit)
    )
    return [rated, unrated]


def _postgresql(conditions: list[Any], limit: int, gate: Any = None) -> Any:
    """The matches joined to their sums once (by key, or over the guild's sums when there
    are many), kept for both parts: the rated ones ordered by the RIT, the unrated ones by
    id. `gate`: when true, both parts read nothing (their LIMIT is 0)."""
    stats = VenueRatingStats
    guild = bindparam("where_guild", type_=BigInteger)
    matched = (
        select(Venue.id.label("id"), *(column.label(column.key) for column in _SUMS))
        .select_from(Venue)
        .outerjoin(stats, and_(stats.venue_id == Venue.id, stats.guild_id == guild))
        .where(*conditions)
        .cte("matched")
    )
    c = matched.c
    rit = rit_bound(c.weight, c.weight_value, c.weight_log_hours)
    most = limit if gate is None else case((gate, 0), else_=limit)
    rated = (
        select(c.id, *(c[column.key] for column in _SUMS))
        .where(c.raters > 0)
        .order_by(rit.desc(), c.raters.desc(), c.id)
        .limit(most)
    )
    zeros = zip(_SUMS, _ZEROS, strict=True)
    unrated = (
        select(c.id, *(func.coalesce(c[column.key], zero) for column, zero in zeros))
        .where(or_(c.raters.is_(None), c.raters <= 0))
        .order_by(c.id)
        .limit(most)
    )
    return [rated, unrated]


def _walk_or_exact(dialect: str, where: VenueFilter, conditions: list[Any], limit: int) -> Any:
    """Words alone: their matches listed once from the index (`words`). When there are at
    least `walk_from` of them, the snapshot index is walked instead of ordering them all,
    as `RatingStatsRepository.best_by_snapshot` does in two statements: the `limit` best by
    snapshot and every other one within `walk_margin` below the last, and a row of NULLs
    to say so. The words are checked on each index entry, by its key, before its rows are
    read (on PostgreSQL, in a hash of the matches). Otherwise the matches are ordered
    exactly. The part that does not serve reads nothing (its LIMIT is 0, or on SQLite its
    matches are gated)."""
    stats = VenueRatingStats
    words = search_of(dialect).found(list(where.words), 0).cte("words").prefix_with("MATERIALIZED")
    counted = select((func.count() >= bindparam("walk_from")).label("many")).select_from(words)
    gate = counted.cte("walk").prefix_with("MATERIALIZED")
    many = select(gate.c.many).scalar_subquery()
    if dialect == "sqlite":
        in_guild = where.in_guild_of(dialect, 0)
        exact = _sqlite(
            [in_guild, Venue.status == "active", Venue.id.in_(select(words.c.id))], limit, gate
        )
        in_words = (stats.venue_id + 0).in_(select(words.c.id))
    else:
        exact = _postgresql(conditions, limit, many)
        # Kept as a filter (not joined): a hash of the matches, probed in the index's order.
        in_words = stats.venue_id.in_(select(words.c.id)).is_(true())
    walked = (
        select(stats.venue_id, *_SUMS)
        .join(Venue, Venue.id == stats.venue_id)
        .where(
            stats.guild_id == bindparam("where_guild", type_=BigInteger),
            stats.rit_snapshot.is_not(None),
            in_words,
            stats.raters > 0,
            Venue.status == "active",
        )
        .order_by(stats.rit_snapshot.desc())
    )
    last = walked.with_only_columns(stats.rit_snapshot).offset(limit - 1).limit(1)
    lowest = func.coalesce(last.scalar_subquery(), literal(-1e300, Float)) - bindparam(
        "walk_margin", type_=Float
    )
    walk = walked.where(stats.rit_snapshot >= lowest).limit(case((many, _ALL), else_=0))
    mark = select(null(), *(literal(zero) for zero in _ZEROS)).where(many)
    return union_all(*(select(part.subquery()) for part in (*exact, walk)), mark)
