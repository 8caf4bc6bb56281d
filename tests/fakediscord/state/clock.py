"""The fake's one notion of time: the clock tests move, and the ids stamped with it."""

from __future__ import annotations

import datetime as dt
import itertools
import threading

DISCORD_EPOCH_MS = 1420070400000


class Clock:
    """Follows the real clock, shifted by however far tests have moved it.

    After `set` or `advance` time keeps flowing from the new instant, so a bot that reads
    the clock twice sees it move as it would in real life."""

    def __init__(self) -> None:
        self._offset = dt.timedelta()

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self._offset

    def iso(self) -> str:
        return self.now().isoformat()

    def set(self, moment: dt.datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("the clock is set to an aware datetime")
        self._offset = moment - dt.datetime.now(dt.UTC)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._offset += dt.timedelta(seconds=seconds)

    def reset(self) -> None:
        """Back to the real clock."""
        self._offset = dt.timedelta()


class Snowflakes:
    """Increasing Discord ids whose timestamp part is the clock's time."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._counter = itertools.count()
        self._lock = threading.Lock()
        self._last = 0

    def next(self) -> int:
        with self._lock:
            now = int(self._clock.now().timestamp() * 1000) - DISCORD_EPOCH_MS
            candidate = (now << 22) | (next(self._counter) & 0xFFF)
            self._last = max(candidate, self._last + 1)
            return self._last


def snowflake_time(snowflake: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, dt.UTC)


def iso(moment: dt.datetime | None = None) -> str:
    return (moment or dt.datetime.now(dt.UTC)).isoformat()
