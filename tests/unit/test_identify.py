"""Shards identify as fast as `max_concurrency` allows: one per bucket per 5 seconds."""

from __future__ import annotations

from bot.identify import IdentifyLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def delays(max_concurrency: int, shards: list[int]) -> list[float]:
    clock = Clock()
    limiter = IdentifyLimiter(max_concurrency, now=clock.time, sleep=clock.sleep)
    return [await limiter.wait(shard) for shard in shards]


async def test_sixteen_at_once_need_no_wait() -> None:
    assert await delays(16, [0, 1, 2, 3]) == [0, 0, 0, 0]


async def test_one_at_a_time_waits_five_seconds_each() -> None:
    assert await delays(1, [0, 1, 2, 3]) == [0, 5, 5, 5]


async def test_two_buckets_pace_shards_two_by_two() -> None:
    assert await delays(2, [0, 1, 2, 3]) == [0, 0, 5, 0]


async def test_a_shard_that_identifies_again_waits_for_its_bucket() -> None:
    clock = Clock()
    limiter = IdentifyLimiter(16, now=clock.time, sleep=clock.sleep)
    assert await limiter.wait(3) == 0
    clock.now += 2
    assert await limiter.wait(3) == 3
    assert await limiter.wait(None) == 0  # an unsharded client is shard 0
    assert limiter.waited == 3
