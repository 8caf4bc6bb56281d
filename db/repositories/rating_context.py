"""What a member's new rating of a venue is written against, in one statement: the venue
as it stands, the member's history of it (newest first) and their latest visit of it that
no rating is tied to yet."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Rating, Venue, Visit
from db.repositories.ratings import ENTRY_COLUMNS, RatingEntry
from db.repositories.venues import RECORD_COLUMNS, VenueRecord


@dataclass(frozen=True, slots=True)
class RatingContext:
    venue: VenueRecord
    history: tuple[RatingEntry, ...]
    unrated_visit: int | None


@cache
def _statement() -> Select[Any]:
    venue_id: Any = bindparam("venue_id")
    member_id: Any = bindparam("member_id")
    unrated = (
        select(Visit.id)
        .where(
            Visit.venue_id == venue_id,
            Visit.member_id == member_id,
            ~select(Rating.id).where(Rating.visit_id == Visit.id).exists(),
        )
        .order_by(Visit.visited_on.desc(), Visit.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(*RECORD_COLUMNS, unrated, *ENTRY_COLUMNS)
        .select_from(Venue)
        .outerjoin(Rating, and_(Rating.venue_id == Venue.id, Rating.member_id == member_id))
        .where(Venue.id == venue_id, Venue.guild_id == bindparam("guild_id"))
        .order_by(Rating.id.desc())
    )


async def rating_context(
    session: AsyncSession, guild_id: int, venue_id: int, member_id: int
) -> RatingContext | None:
    """The venue of `guild_id` (None when there is none) with the member's history and
    unrated visit of it."""
    rows = (
        await session.execute(
            _statement(), {"venue_id": venue_id, "member_id": member_id, "guild_id": guild_id}
        )
    ).all()
    if not rows:
        return None
    width = len(RECORD_COLUMNS)
    history = tuple(RatingEntry(*row[width + 1 :]) for row in rows if row[width + 1] is not None)
    return RatingContext(VenueRecord(*rows[0][:width]), history, rows[0][width])


__all__ = ["RatingContext", "rating_context"]
