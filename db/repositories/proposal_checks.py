"""What a proposal is checked against before the member is asked anything, in one
statement: the proposer's latest proposals (their cap), a live venue of exactly the same
name in the city (refused) and the city's live venues' names (the fuzzy candidates)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Venue

#: At most this many venues of a city are compared with a proposal's name.
CANDIDATES_MAX = 5000
_RECENT, _EXACT, _CANDIDATE = 2, 1, 0


@dataclass(frozen=True, slots=True)
class ProposalChecks:
    #: When the proposer's latest proposals since the cap's start were made, newest
    #: first, at most the cap's limit (removed ones count: proposing is what is capped).
    recent: tuple[dt.datetime, ...]
    #: The oldest live venue with exactly the proposal's normalized name in the city.
    exact: int | None
    #: (id, normalized name) of the city's live venues.
    candidates: tuple[tuple[int, str], ...]


async def proposal_checks(
    session: AsyncSession,
    guild_id: int,
    normalized_name: str,
    city_key: str,
    cap: tuple[int, dt.datetime, int] | None = None,
) -> ProposalChecks:
    """The checks of a proposal; `cap` (member, since, limit) adds the member's latest
    proposals since then."""
    columns = (Venue.id, Venue.normalized_name, Venue.created_at)
    live = (Venue.guild_id == guild_id, Venue.city_key == city_key, Venue.status != "removed")
    parts = [
        select(*columns, literal(_EXACT).label("part"))
        .where(*live, Venue.normalized_name == normalized_name)
        .order_by(Venue.id)
        .limit(1),
        select(*columns, literal(_CANDIDATE).label("part")).where(*live).limit(CANDIDATES_MAX),
    ]
    if cap is not None:
        member_id, since, limit = cap
        parts.append(
            select(*columns, literal(_RECENT).label("part"))
            .where(
                Venue.guild_id == guild_id,
                Venue.proposer_id == member_id,
                Venue.created_at >= since,
            )
            .order_by(Venue.created_at.desc())
            .limit(limit)
        )
    subqueries = [part.subquery() for part in parts]
    rows = (await session.execute(union_all(*(select(*s.c) for s in subqueries)))).all()
    recent = sorted((at for _, _, at, part in rows if part == _RECENT), reverse=True)
    exact = next((venue_id for venue_id, _, _, part in rows if part == _EXACT), None)
    candidates = tuple((venue_id, name) for venue_id, name, _, part in rows if part == _CANDIDATE)
    return ProposalChecks(tuple(recent), exact, candidates)


__all__ = ["CANDIDATES_MAX", "ProposalChecks", "proposal_checks"]
