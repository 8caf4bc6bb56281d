"""The fake Discord tested by itself, through discord.py's own client and HTTP layer
(or raw HTTP where discord.py has no call), so that what the bot's tests rely on is
checked against what discord.py sends and expects."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord
import pytest

from bot.discord_endpoints import point_discord_at
from tests.fakediscord import Channel, FakeDiscord, Guild, User

ALL_INTENTS = discord.Intents.default() | discord.Intents(
    guild_scheduled_events=True, guild_reactions=True, guild_messages=True
)


@dataclass
class World:
    fake: FakeDiscord
    guild: Guild
    general: Channel
    alice: User
    bob: User


@pytest.fixture
async def world() -> AsyncIterator[World]:
    fake = await FakeDiscord().start()
    guild = fake.add_guild("Fake guild")
    try:
        yield World(
            fake=fake,
            guild=guild,
            general=next(iter(guild.channels.values())),
            alice=fake.add_member(guild, "alice").user,
            bob=fake.add_member(guild, "bob").user,
        )
    finally:
        await fake.stop()
    assert not fake.unimplemented(), fake.unimplemented()


@contextlib.asynccontextmanager
async def connected(
    fake: FakeDiscord, intents: discord.Intents = ALL_INTENTS
) -> AsyncIterator[discord.Client]:
    """A discord.py client logged in to the fake and ready, closed on exit."""
    point_discord_at(fake.api_base, fake.gateway_url)
    client = discord.Client(intents=intents)
    await client.login(fake.token)
    task = asyncio.create_task(client.connect(reconnect=False))
    try:
        await asyncio.wait_for(client.wait_until_ready(), 10)
        yield client
    finally:
        await client.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 5)
        point_discord_at(None, None)


@pytest.fixture
async def client(world: World) -> AsyncIterator[discord.Client]:
    async with connected(world.fake) as client:
        yield client


@pytest.fixture
async def raw(world: World) -> AsyncIterator[Raw]:
    async with aiohttp.ClientSession() as session:
        yield Raw(session, world.fake)


class Raw:
    """Plain HTTP to the fake, for what discord.py cannot send (or refuses to)."""

    def __init__(self, session: aiohttp.ClientSession, fake: FakeDiscord) -> None:
        self.session, self.fake = session, fake

    async def __call__(
        self, method: str, path: str, body: Any = None, **params: Any
    ) -> tuple[int, Any, dict[str, str]]:
        async with self.session.request(
            method,
            self.fake.api_base + path,
            json=body,
            params={k: str(v) for k, v in params.items()},
            headers={"Authorization": f"Bot {self.fake.token}"},
        ) as response:
            data = await response.json() if response.status != 204 else None
            return response.status, data, dict(response.headers)


def form_error(body: dict[str, Any], *path: str | int) -> str:
    """The `_errors` code Discord gives at `path` of an Invalid Form Body answer."""
    assert body["code"] == 50035, body
    node = body["errors"]
    for key in path:
        node = node[str(key)]
    return node["_errors"][0]["code"]


async def wait_until(predicate: Any, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met")
        await asyncio.sleep(0.01)
