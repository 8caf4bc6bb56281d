"""Identifying shards as fast as Discord allows.

Discord lets `max_concurrency` shards identify every 5 seconds: shard `i` is in bucket
`i % max_concurrency`, and each bucket takes one identify per 5 seconds. discord.py waits 5
seconds before every identify but the first, whatever `max_concurrency` says (four shards:
15 s before the last one may start); this waits only where a bucket requires it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

#: Discord's identify window, per bucket.
IDENTIFY_WINDOW = 5.0


class IdentifyLimiter:
    def __init__(
        self,
        max_concurrency: int = 1,
        *,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.max_concurrency = max(1, max_concurrency)
        self._now = now
        self._sleep = sleep
        self._last: dict[int, float] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        #: Seconds spent waiting so far, all shards together.
        self.waited = 0.0

    def bucket(self, shard_id: int | None) -> int:
        return (shard_id or 0) % self.max_concurrency

    async def wait(self, shard_id: int | None) -> float:
        """Wait until `shard_id` may identify; return how long that was."""
        key = self.bucket(shard_id)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            last = self._last.get(key)
            delay = 0.0 if last is None else max(0.0, last + IDENTIFY_WINDOW - self._now())
            if delay:
                await self._sleep(delay)
            self._last[key] = self._now()
            self.waited += delay
            return delay
