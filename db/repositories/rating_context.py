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
    """Built once, of the tables' columns (Core: no ORM on the way)."""
    venue, rating, visit = Venue.__table__.c, Rating.__table__.c, Visit.__table__.c
    venue_id: Any = bindparam("venue_id")
    member_id: Any = bindparam("member_id")
    unrated = (
        select(visit.id)
        .where(
            visit.venue_id == venue_id,
            visit.member_id == member_id,
            ~select(rating.id).where(rating.visit_id == visit.id).exists(),
        )
        .order_by(visit.visited_on.desc(), visit.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(
            *(venue[c.key] for c in RECORD_COLUMNS),
            unrated,
            *(rating[c.key] for c in ENTRY_COLUMNS),
        )
        .select_from(Venue.__table__)
        .outerjoin(
            Rating.__table__, and_(rating.venue_id == venue.id, rating.member_id == member_id)
        )
        .where(venue.id == venue_id, venue.guild_id == bindparam("guild_id"))
        .order_by(rating.id.desc())
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
