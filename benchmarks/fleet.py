"""Many realistic guilds (25 channels and 17 roles each) connected at once: the bot's
memory and its start -> ready time, with one shard and with four (`--fleet N`).

    .venv/bin/python -m benchmarks.fleet [--guilds 10000] [--shards 1] [--max-concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.harness import BotProcess, bot_env, sqlite_url
from tests.fakediscord import FakeDiscord

CHANNELS = 25
ROLES = 17
#: discord.py's default wait after the last GUILD_CREATE (the bot's too). Shorter, a
#: loaded machine's pause in the fake's sending would make the bot ready before every
#: guild is in (and its memory look smaller); it is not counted in start -> ready.
READY_TIMEOUT = "2.0"


@dataclass
class FleetResult:
    guilds: int
    shards: int
    max_concurrency: int
    start_seconds: float
    rss_mb: float
    identify_spread_seconds: float
    #: guilds the bot had when it became ready (all of them, or the figures are not valid)
    guilds_at_ready: int = 0
    #: the bot's CPU seconds from its start to ready
    cpu_seconds: float = 0.0


def build(fake: FakeDiscord, guilds: int) -> None:
    for index in range(guilds):
        guild = fake.add_guild(f"Server {index}")
        for channel in range(CHANNELS - len(guild.channels)):
            fake.add_channel(guild, f"salon-{channel}")
        for role in range(ROLES):
            fake.add_role(guild, f"role {role}", 0)
    fake.freeze_guilds()  # serialized before the bot starts, as Discord's servers do it


async def measure(
    guilds: int, shards: int, max_concurrency: int = 16, code: str | None = None
) -> FleetResult:
    """Start the bot on `guilds` guilds (SQLite; the database is not read at start): the
    seconds to ready, and the memory it holds a second later. `code`: another checkout's
    bot (its directory, with its own .venv)."""
    fake = await FakeDiscord().start()
    fake.max_concurrency = max_concurrency
    try:
        build(fake, guilds)
        env = bot_env(
            fake, sqlite_url("fleet"), SHARD_COUNT=str(shards), GUILD_READY_TIMEOUT=READY_TIMEOUT
        )
        python = sys.executable
        if code is not None:
            env["PYTHONPATH"] = code
            python = f"{code}/.venv/bin/python"
        bot = await BotProcess.start(env, python=python)
        try:
            await asyncio.sleep(1.0)  # let the last allocations settle
            memory = bot.rss_mb()
        finally:
            await bot.stop()
        stamps = [s.identified_at for s in fake.sessions.values()]
        spread = max(stamps) - min(stamps) if stamps else float("nan")
    finally:
        await fake.stop()
    return FleetResult(
        guilds,
        shards,
        max_concurrency,
        bot.start_seconds,
        memory,
        spread,
        bot.guilds_at_ready,
        bot.cpu_at_ready,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--guilds", type=int, default=10_000)
    parser.add_argument("--shards", type=int, default=1)
    parser.add_argument("--max-concurrency", type=int, default=16)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--code", help="another checkout's bot (its directory)")
    args = parser.parse_args()
    code = str(Path(args.code).resolve()) if args.code else None
    for _ in range(args.runs):
        result = asyncio.run(measure(args.guilds, args.shards, args.max_concurrency, code))
        print(asdict(result), flush=True)


if __name__ == "__main__":
    main()
