"""Many realistic guilds (25 channels and 17 roles each) connected at once: the bot's
memory and its start -> ready time, with one shard and with four (`--fleet N`)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.fakediscord import FakeDiscord

ROOT = Path(__file__).resolve().parents[1]
CHANNELS = 25
ROLES = 17
READY_TIMEOUT = 0.2


@dataclass
class FleetResult:
    guilds: int
    shards: int
    max_concurrency: int
    start_seconds: float
    rss_mb: float
    identify_spread_seconds: float


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def build(fake: FakeDiscord, guilds: int) -> None:
    for index in range(guilds):
        guild = fake.add_guild(f"Server {index}")
        for channel in range(CHANNELS - len(guild.channels)):
            fake.add_channel(guild, f"salon-{channel}")
        for role in range(ROLES):
            fake.add_role(guild, f"role {role}", 0)


async def start_bot(env: dict[str, str]) -> tuple[asyncio.subprocess.Process, float]:
    """`python -m bot` until it logs "ready as"; the seconds that took, without the
    READY_TIMEOUT discord.py waits after the last guild."""
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tempfile.mkdtemp(),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert process.stdout is not None
    while True:
        line = (await asyncio.wait_for(process.stdout.readline(), 300)).decode()
        if not line:
            raise RuntimeError("the bot stopped before it was ready")
        if "ready as" in line:
            break
    return process, time.perf_counter() - started - READY_TIMEOUT


async def stop_bot(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.communicate(), 30)
    except TimeoutError:
        process.kill()


async def measure(guilds: int, shards: int, max_concurrency: int = 16) -> FleetResult:
    fake = await FakeDiscord().start()
    fake.max_concurrency = max_concurrency
    try:
        build(fake, guilds)
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DISCORD_", "DATABASE_", "SHARD_", "DEV_GUILD", "METRICS_"))
        }
        env.update(
            fake.env(),
            DATABASE_URL=f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/fleet.db",
            GUILD_READY_TIMEOUT=str(READY_TIMEOUT),
            SHARD_COUNT=str(shards),
            LOG_LEVEL="INFO",
            PYTHONPATH=str(ROOT),
        )
        process, seconds = await start_bot(env)
        try:
            await asyncio.sleep(1.0)  # let the last allocations settle
            memory = rss_mb(process.pid)
        finally:
            await stop_bot(process)
        stamps = [s.identified_at for s in fake.sessions.values()]
        spread = max(stamps) - min(stamps) if stamps else float("nan")
    finally:
        await fake.stop()
    return FleetResult(guilds, shards, max_concurrency, seconds, memory, spread)
