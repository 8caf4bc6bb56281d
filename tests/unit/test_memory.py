"""Freed memory is handed back to the system once the guilds are parsed, and the garbage
collector stays out of the way of the start-up burst and of the objects that outlive it."""

from __future__ import annotations

import asyncio
import gc
import sys
import weakref

from bot.memory import Collector, trim


def test_trim_releases_the_heap_on_linux() -> None:
    garbage = [bytes(1000) for _ in range(20_000)]
    del garbage
    released = trim()
    assert released if sys.platform.startswith("linux") else released is False


class Cycle:
    def __init__(self) -> None:
        self.me = self


async def test_collection_is_held_until_settled_then_survivors_are_frozen() -> None:
    collector = Collector()
    try:
        collector.hold()
        assert not gc.isenabled()
        survivors = [Cycle() for _ in range(100)]
        collector.settle()
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(survivors)
        # a full collection no longer visits what start-up left
        assert not any(o is survivors[0] for o in gc.get_objects())
    finally:
        collector.close()
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


async def test_collection_comes_back_by_itself_if_the_bot_never_gets_ready() -> None:
    collector = Collector()
    try:
        collector.hold(limit=0.05)
        assert not gc.isenabled()
        await asyncio.sleep(0.2)
        assert gc.isenabled()
    finally:
        collector.close()


async def test_a_frozen_cycle_dropped_later_is_collected_at_the_next_refresh() -> None:
    collector = Collector(refresh_seconds=0.05)
    try:
        collector.hold()
        dropped = Cycle()
        gone = weakref.ref(dropped)
        collector.settle()
        del dropped
        gc.collect()
        assert gone() is not None, "a frozen cycle is out of the collector's reach"
        collector.refresh_soon()
        collector.refresh_soon()  # once for many calls
        await asyncio.sleep(0.3)
        assert gone() is None
    finally:
        collector.close()


async def test_once_settled_the_free_heap_is_handed_back_periodically() -> None:
    collector = Collector(trim_seconds=0.05)
    try:
        collector.hold()
        await asyncio.sleep(0.2)
        assert collector.trims == 0, "not while the guilds arrive"
        collector.settle()
        collector.settle()  # settled again (a refresh): still one periodic trim
        await asyncio.sleep(0.3)
        assert 2 <= collector.trims <= 7  # one periodic trim, not two
    finally:
        collector.close()
    trims = collector.trims
    await asyncio.sleep(0.15)
    assert collector.trims == trims
