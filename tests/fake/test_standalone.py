"""`python -m tests.fakediscord PORT` serves the fake by itself and prints the
environment that points a bot at it."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_serves_alone_and_prints_the_bot_environment() -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fakediscord",
        str(port),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        exported = {}
        while len(exported) < 4:
            line = (await asyncio.wait_for(process.stdout.readline(), 15)).decode()  # type: ignore[union-attr]
            assert line.startswith("export "), line
            name, value = line.removeprefix("export ").strip().split("=", 1)
            exported[name] = value
        assert exported["DISCORD_API_BASE"] == f"http://127.0.0.1:{port}/api/v10"
        async with aiohttp.ClientSession() as session:
            async with session.get(exported["CLOCK_URL"]) as response:
                assert response.status == 200
            headers = {"Authorization": f"Bot {exported['DISCORD_TOKEN']}"}
            async with session.get(
                exported["DISCORD_API_BASE"] + "/users/@me", headers=headers
            ) as response:
                assert (await response.json())["bot"] is True
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), 10)
