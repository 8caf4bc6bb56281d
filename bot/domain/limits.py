"""How much one member may add: proposals a day, routines a week, visits backdated and
hours logged per day. A guild's admin sets the caps in /settings; a member over a cap is
told when they may try again."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from bot.domain.errors import Forbidden

DEFAULT_PROPOSALS_PER_DAY = 10
DEFAULT_ROUTINES_PER_WEEK = 5
DEFAULT_VISIT_DAYS_BACK = 30
#: What /settings accepts for each cap.
PROPOSALS_PER_DAY_MAX = 100
ROUTINES_PER_WEEK_MAX = 50
VISIT_DAYS_BACK_MAX = 3650
#: Nobody spends more than a day in a day, whatever the number of visits.
HOURS_PER_DAY = 24.0

PROPOSAL_WINDOW = dt.timedelta(days=1)
ROUTINE_WINDOW = dt.timedelta(days=7)


def discord_time(moment: dt.datetime) -> str:
    """A timestamp every member's Discord shows in their own zone and language (rounded
    up: never a moment too early)."""
    return f"<t:{math.ceil(moment.timestamp())}:R>"


def next_allowed(
    recent: Sequence[dt.datetime], limit: int, window: dt.timedelta
) -> dt.datetime | None:
    """With `recent` the member's latest actions inside the window (newest first, at most
    `limit`), when the next one will be allowed; None when it is allowed now."""
    if len(recent) < limit:
        return None
    return min(recent[:limit]) + window


def refuse_over_limit(
    key: str, recent: Sequence[dt.datetime], limit: int, window: dt.timedelta
) -> None:
    retry = next_allowed(recent, limit, window)
    if retry is not None:
        raise Forbidden(key, count=limit, retry=discord_time(retry))


def refuse_too_many_hours(logged: float, hours: float, day: dt.date) -> None:
    """`logged`: the member's hours already logged that day at other venues."""
    if logged + hours > HOURS_PER_DAY:
        left = max(HOURS_PER_DAY - logged, 0.0)
        raise Forbidden(
            "error.visit_day_full", date=day, logged=float(logged), left=float(round(left, 2))
        )
