"""What a result list (/venue search, /venue top) shows of its venues: each venue with its
tags and its vote counts, read in one statement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import bindparam, case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import Venue, VenueTag, Vote
from db.repositories.sql import read_rows
from db.repositories.venues import RECORD_COLUMNS, VenueRecord


@dataclass(frozen=True, slots=True)
class VenueListing:
    """A venue, its tags in their order, and its 👍 and 👎 (a member who reacted both ways
    counts once, by the last)."""

    venue: VenueRecord
    tags: tuple[str, ...]
    upvotes: int
    downvotes: int


@cache
def _listings() -> Any:
    """The venues `venue_ids`, a row per tag, each with its vote counts: those of each
    member's last vote of the venue (`VoteRepository.counts_for`), summed once per venue."""
    ids: Any = bindparam("venue_ids", expanding=True)
    newer = aliased(Vote)
    last = ~exists().where(
        newer.venue_id == Vote.venue_id, newer.member_id == Vote.member_id, newer.id > Vote.id
    )
    up = case((Vote.value == 1, 1), else_=0)
    counts = (
        select(
            Vote.venue_id.label("venue_id"),
            func.sum(up).label("up"),
            func.sum(1 - up).label("down"),
        )
        .where(Vote.venue_id.in_(ids), last)
        .group_by(Vote.venue_id)
        .subquery("counts")
    )
    return (
        select(
            *RECORD_COLUMNS,
            func.coalesce(VenueTag.label, VenueTag.tag),
            func.coalesce(counts.c.up, 0),
            func.coalesce(counts.c.down, 0),
        )
        .outerjoin(VenueTag, VenueTag.venue_id == Venue.id)
        .outerjoin(counts, counts.c.venue_id == Venue.id)
        .where(Venue.id.in_(ids))
        .order_by(Venue.id, VenueTag.position)
    )


async def venue_listings(
    session: AsyncSession, guild_id: int, ids: Sequence[int]
) -> dict[int, VenueListing]:
    """The guild's venues among `ids`, with their tags and votes."""
    if not ids:
        return {}
    rows = await read_rows(session, _listings(), {"venue_ids": list(ids)})
    found: dict[int, tuple[VenueRecord, list[str], int, int]] = {}
    for *columns, tag, up, down in rows:
        entry = found.get(columns[0])
        if entry is None:
            entry = found[columns[0]] = (VenueRecord(*columns), [], int(up), int(down))
        if tag is not None:
            entry[1].append(tag)
    return {
        venue_id: VenueListing(record, tuple(tags), up, down)
        for venue_id, (record, tags, up, down) in found.items()
        if record.guild_id == guild_id
    }
