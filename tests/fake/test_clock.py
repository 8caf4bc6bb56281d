"""GET/POST /clock, and what in the fake follows the clock."""

from __future__ import annotations

import datetime as dt

import aiohttp
import discord

from tests.fake.conftest import World
from tests.fakediscord.state.clock import snowflake_time


async def read_clock(session: aiohttp.ClientSession, url: str) -> dt.datetime:
    async with session.get(url) as response:
        assert response.status == 200
        text = await response.text()
    assert text.endswith("Z"), text
    return dt.datetime.fromisoformat(text)


async def test_the_clock_follows_real_time_until_moved(world: World) -> None:
    async with aiohttp.ClientSession() as session:
        seen = await read_clock(session, world.fake.clock_url)
        assert abs(seen - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=2)
        async with session.post(world.fake.clock_url, json={"advance_seconds": 7 * 86400}):
            pass
        moved = await read_clock(session, world.fake.clock_url)
        assert dt.timedelta(days=7) <= moved - seen < dt.timedelta(days=7, seconds=2)
        target = dt.datetime(2040, 1, 1, 9, tzinfo=dt.UTC)
        async with session.post(world.fake.clock_url, json={"now": "2040-01-01T09:00:00Z"}) as r:
            assert r.status == 200
        assert (
            dt.timedelta(0)
            <= await read_clock(session, world.fake.clock_url) - target
            < dt.timedelta(seconds=2)
        )


async def test_the_clock_refuses_to_go_back_or_a_bad_body(world: World) -> None:
    async with aiohttp.ClientSession() as session:
        for body in ({"now": "2001-01-01T00:00:00Z"}, {"advance_seconds": -5}, {"when": 1}):
            async with session.post(world.fake.clock_url, json=body) as response:
                assert response.status == 400, body


async def test_messages_and_ids_carry_the_clock_time(world: World, client: discord.Client) -> None:
    world.fake.advance_clock(days=30)
    channel = client.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("later")
    expected = world.fake.now()
    assert abs(sent.created_at - expected) < dt.timedelta(seconds=2)
    assert abs(snowflake_time(sent.id) - expected) < dt.timedelta(seconds=2)
