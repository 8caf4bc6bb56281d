"""The venue option's suggestions as a member types: one statement, built once per dialect
and executed with parameters (the option asks at every keystroke)."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Integer, and_, bindparam, func, literal_column, not_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Venue
from db.repositories.sql import escape_like

_VENUE = Venue.__table__
_NAME, _ID = _VENUE.c.normalized_name, _VENUE.c.id


def _columns() -> list[Any]:
    """A VenueRecord's columns (Core: no ORM on the way)."""
    from db.repositories.venues import RECORD_COLUMNS  # venues.py uses this module

    return [_VENUE.c[column.key] for column in RECORD_COLUMNS]


def _active() -> Any:
    return and_(_VENUE.c.guild_id == bindparam("guild_id"), _VENUE.c.status == "active")


@cache
def _newest() -> Any:
    """The guild's newest active venues (nothing typed yet)."""
    return (
        select(*_columns())
        .where(_active())
        .order_by(_VENUE.c.created_at.desc(), _ID.desc())
        .limit(bindparam("limit", type_=Integer))
    )


@cache
def _by_name(dialect: str) -> Any:
    """Active venues whose name starts with the text, then those with a word starting so,
    each by name. Each part walks the guild's (normalized_name) index in order and stops at
    its limit: the second takes only the places the first left, so a common start never
    walks the rest of the guild."""
    limit = bindparam("limit", type_=Integer)
    prefix = _NAME.like(bindparam("prefix"), escape="\\")
    starting = select(*_columns(), _NAME.label("key"), literal_column("0").label("part")).where(
        _active(), prefix, bindparam("low") <= _NAME
    )
    if dialect == "sqlite":  # byte order: a bounded range
        starting = starting.where(bindparam("high") > _NAME)
    first = starting.order_by(_NAME, _ID).limit(limit).cte("first")
    left = limit - select(func.count()).select_from(first).scalar_subquery()
    word = _NAME.like(bindparam("word"), escape="\\")
    others = (
        select(*_columns(), _NAME.label("key"), literal_column("1").label("part"))
        .where(_active(), word, not_(prefix))
        .order_by(_NAME, _ID)
        .limit(left)
        .subquery()
    )
    both = select(first).union_all(select(others)).subquery()
    return select(*(both.c[c.key] for c in _columns())).order_by(both.c.part, both.c.key, both.c.id)


async def search_names(session: AsyncSession, guild_id: int, query: str, limit: int) -> list[Any]:
    """The rows (RECORD_COLUMNS) of the suggestions for `query` (normalized)."""
    if not query:
        return list(await session.execute(_newest(), {"guild_id": guild_id, "limit": limit}))
    pattern = escape_like(query)
    dialect = session.get_bind().dialect.name
    parameters = {
        "guild_id": guild_id,
        "limit": limit,
        "prefix": f"{pattern}%",
        "word": f"% {pattern}%",
        "low": query,
        "high": query[:-1] + chr(ord(query[-1]) + 1),
    }
    if dialect != "sqlite":
        del parameters["high"]
    return list(await session.execute(_by_name(dialect), parameters))


__all__ = ["search_names"]
