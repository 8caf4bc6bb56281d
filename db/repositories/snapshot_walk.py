"""The walk down a guild's snapshot index (docs/ranking.md, "Kept as ratings are written"):
the venues whose snapshot RIT is among the best, and every other within a margin below the
last of them, in one statement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

#: How many rows a walk reads at first, per venue asked for: the best and those tied with
#: the last of them, or close below it, rarely make more (then it walks again, further).
FIRST_WALK = 3
#: How much further each new walk reads.
FURTHER = 8


async def walk(
    session: AsyncSession, rows: Any, rit: Any, *, margin: float, limit: int
) -> Sequence[Any]:
    """The rows of `rows` (sums joined to their venue, filtered) with the `limit` best
    snapshot RIT `rit` (its column), and every other within `margin` below the last of them.

    One statement: the walk reads the first rows in the order of the snapshot index (an
    ORDER BY and a LIMIT, which the planner serves by walking the index, whatever it
    estimates of the guild) and keeps those within `margin` of the `limit`-th. When it keeps
    every row it read, more may follow: it walks again, further. Not a bound computed in a
    sub-query that the walk would then read down to: PostgreSQL cannot know that bound when
    it plans, and would read the guild's sums in full (a big guild's week: 7 to 20 ms
    against 1)."""
    cap = max(1, limit) * FIRST_WALK
    while True:
        walked = rows.add_columns(rit.label("walk_rit")).order_by(rit.desc()).limit(cap).cte("walk")
        last = (
            select(walked.c.walk_rit)
            .order_by(walked.c.walk_rit.desc())
            .offset(max(1, limit) - 1)
            .limit(1)
            .scalar_subquery()
        )
        found = (
            await session.execute(
                select(walked).where(
                    walked.c.walk_rit >= func.coalesce(last - margin, walked.c.walk_rit)
                )
            )
        ).all()
        if len(found) < cap:
            return [row[:-1] for row in found]
        cap *= FURTHER
