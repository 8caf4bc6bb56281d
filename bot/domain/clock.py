"""The one clock everything scheduled reads: digests, occurrences, reminders, check-backs.

Services take a `Clock` and ask it for the time instead of calling `datetime.now`, so a test
or the playground can move time forward while the bot runs (see `bot.clock.HttpClock`).
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    async def now(self) -> dt.datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The machine's clock: what the bot uses unless CLOCK_URL is set."""

    async def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


SYSTEM_CLOCK = SystemClock()
