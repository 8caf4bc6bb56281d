"""A clock read over HTTP (CLOCK_URL), for tests and the playground.

`GET CLOCK_URL` answers the current instant as ISO 8601 UTC text; the local fake Discord
serves one at `/clock` and lets tests move it forward while the bot runs, so weekly work
(digests, occurrences, check-backs) can be seen without waiting a week.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
from collections.abc import AsyncIterator

import aiohttp

from bot.domain.clock import SYSTEM_CLOCK, Clock

log = logging.getLogger(__name__)

#: A clock that does not answer within this many seconds is read from the last answer.
TIMEOUT_SECONDS = 2.0


class ClockUnavailable(Exception):
    """CLOCK_URL does not answer with an instant."""


class HttpClock:
    def __init__(self, url: str) -> None:
        self.url = url
        self._session: aiohttp.ClientSession | None = None
        #: The last instant read, and the monotonic time it was read at.
        self._last: tuple[dt.datetime, float] | None = None

    async def start(self) -> None:
        """Open the session and read the clock once; raises ClockUnavailable if it can't."""
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS))
        try:
            await self._read()
        except ClockUnavailable:
            await self.close()
            raise

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def now(self) -> dt.datetime:
        try:
            return await self._read()
        except ClockUnavailable as exc:
            if self._last is None:
                raise
            instant, read_at = self._last
            log.warning("clock %s: %s; counting from its last answer", self.url, exc)
            return instant + dt.timedelta(seconds=time.monotonic() - read_at)

    async def _read(self) -> dt.datetime:
        if self._session is None:
            raise ClockUnavailable("not started")
        try:
            async with self._session.get(self.url) as response:
                text = (await response.text()).strip()
                if response.status != 200:
                    raise ClockUnavailable(f"HTTP {response.status}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise ClockUnavailable(str(exc) or type(exc).__name__) from None
        try:
            instant = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ClockUnavailable(f"not an ISO 8601 instant: {text[:40]!r}") from None
        if instant.tzinfo is None:
            raise ClockUnavailable(f"no time zone in {text[:40]!r}")
        instant = instant.astimezone(dt.UTC)
        self._last = (instant, time.monotonic())
        return instant


@contextlib.asynccontextmanager
async def clock_from(url: str | None) -> AsyncIterator[Clock]:
    """The system clock, or the one at CLOCK_URL (read once now, so a wrong URL fails at
    start with ClockUnavailable rather than at the first weekly job)."""
    if url is None:
        yield SYSTEM_CLOCK
        return
    clock = HttpClock(url)
    await clock.start()
    try:
        yield clock
    finally:
        await clock.close()
