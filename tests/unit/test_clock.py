"""The bot's clock: the system's, or the one at CLOCK_URL (the fake Discord's /clock)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.clock import ClockUnavailable, HttpClock, clock_from
from bot.domain.clock import SYSTEM_CLOCK
from tests.fakediscord import FakeDiscord


async def test_without_clock_url_the_system_clock_is_used() -> None:
    async with clock_from(None) as clock:
        assert clock is SYSTEM_CLOCK
        assert abs(await clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=1)


async def test_the_bot_reads_the_fake_clock_as_it_moves() -> None:
    fake = await FakeDiscord().start()
    try:
        async with clock_from(fake.clock_url) as clock:
            before = await clock.now()
            assert before.tzinfo is not None and before.utcoffset() == dt.timedelta(0)
            fake.advance_clock(days=7)
            after = await clock.now()
            assert dt.timedelta(days=7) <= after - before < dt.timedelta(days=7, seconds=2)
    finally:
        await fake.stop()


async def test_a_clock_url_that_does_not_answer_fails_at_start() -> None:
    fake = await FakeDiscord().start()
    url = fake.clock_url
    await fake.stop()
    with pytest.raises(ClockUnavailable):
        async with clock_from(url):
            pass


async def test_a_clock_lost_after_start_counts_on_from_its_last_answer() -> None:
    fake = await FakeDiscord().start()
    clock = HttpClock(fake.clock_url)
    try:
        await clock.start()
        fake.advance_clock(days=30)
        moved = await clock.now()
        await fake.stop()
        later = await clock.now()
        assert dt.timedelta(0) <= later - moved < dt.timedelta(seconds=3)
    finally:
        await clock.close()


async def test_an_answer_that_is_not_an_instant_is_refused() -> None:
    fake = await FakeDiscord().start()
    try:
        with pytest.raises(ClockUnavailable, match="not an ISO 8601 instant"):
            async with clock_from(fake.api_base + "/gateway"):
                pass
    finally:
        await fake.stop()
