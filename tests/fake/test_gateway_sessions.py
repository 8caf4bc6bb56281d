"""Each shard's connection is served on its own, as Discord's are: a shard identifying
while another one's guilds are being sent starts receiving its own at once."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp

from tests.fakediscord import FakeDiscord

GUILDS = 400


async def _identify(
    http: aiohttp.ClientSession, fake: FakeDiscord, shard: int, into: list[tuple[int, Any]]
) -> tuple[aiohttp.ClientWebSocketResponse, asyncio.Task[None]]:
    ws = await http.ws_connect(fake.gateway_url)
    await ws.receive_json()  # HELLO
    await ws.send_json(
        {"op": 2, "d": {"token": fake.token, "intents": 1, "shard": [shard, 2], "properties": {}}}
    )

    async def read() -> None:
        async for message in ws:
            frame = json.loads(message.data)
            into.append((shard, frame.get("t")))
            if sum(1 for s, t in into if s == shard and t == "GUILD_CREATE") == GUILDS // 2:
                return

    return ws, asyncio.create_task(read())


async def test_two_shards_receive_their_guilds_side_by_side() -> None:
    fake = await FakeDiscord().start()
    try:
        for index in range(GUILDS):
            fake.add_guild(f"Server {index}", guild_id=(index << 22) | 1, general_id=index + 1)
        received: list[tuple[int, Any]] = []
        async with aiohttp.ClientSession() as http:
            first, reading_first = await _identify(http, fake, 0, received)
            second, reading_second = await _identify(http, fake, 1, received)
            await asyncio.wait_for(asyncio.gather(reading_first, reading_second), 30)
            await first.close()
            await second.close()
    finally:
        await fake.stop()
    creates = [shard for shard, event in received if event == "GUILD_CREATE"]
    assert sorted(creates) == [0] * (GUILDS // 2) + [1] * (GUILDS // 2)
    first_of_second = creates.index(1)
    assert first_of_second < GUILDS // 2 - 1, "the second shard waited for the first's guilds"


async def _guild_creates(fake: FakeDiscord) -> list[Any]:
    """Identify one shard and return the GUILD_CREATE payloads it is sent."""
    payloads: list[Any] = []
    async with aiohttp.ClientSession() as http:
        ws = await http.ws_connect(fake.gateway_url)
        await ws.receive_json()  # HELLO
        identify = {"token": fake.token, "intents": 1, "shard": [0, 1], "properties": {}}
        await ws.send_json({"op": 2, "d": identify})
        while len(payloads) < len(fake.guilds):
            frame = await asyncio.wait_for(ws.receive_json(), 10)
            if frame.get("t") == "GUILD_CREATE":
                payloads.append(frame["d"])
        await ws.close()
    return payloads


async def test_guilds_serialized_ahead_are_sent_as_they_are() -> None:
    """`freeze_guilds` (the benchmarks of many guilds) sends what the fake would build."""
    fake = await FakeDiscord().start()
    try:
        for index in range(3):
            guild = fake.add_guild(f"Server {index}")
            fake.add_role(guild, "role", 0)
        built = await _guild_creates(fake)
        fake.freeze_guilds()
        frozen = await _guild_creates(fake)
    finally:
        await fake.stop()
    assert frozen == built
    assert [payload["name"] for payload in frozen] == ["Server 0", "Server 1", "Server 2"]
