"""What every benchmark shares: the bot as a process (`python -m bot`) on the local fake
Discord, a database of its own, the seeded world shown in the fake as the database holds
it, reaction events, percentiles and the process's memory.

Used by benchmarks/run.py, benchmarks/votes.py and benchmarks/fleet.py."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import signal
import socket
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from benchmarks.seed import Seeded
from bot.settings import normalize_database_url
from tests.fakediscord import FakeDiscord, Guild, Message, User

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
DISCORD_EPOCH_MS = 1_420_070_400_000
#: What discord.py waits after the last GUILD_CREATE before `on_ready`: not start-up work.
GUILD_READY_TIMEOUT = 0.2
#: The bot's line once ready (bot/app.py).
READY = re.compile(r"ready as .* in (\d+) guilds")
#: The bot's line at the end of each reconciliation pass (cogs/venues/reconcile.py).
RECONCILED = re.compile(
    r"reconciled the votes of (\d+) messages with Discord: (\d+) requests, (\d+) changes, "
    r"([\d.]+) s"
)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def epoch(value: Any) -> float:
    """A timestamp column as seconds since the epoch (SQLite returns text, naive)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return float(value.timestamp())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """CPU time the process has used so far, all its threads, user and system."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def recent(message_id: int, days: float = 14.0) -> bool:
    """Created less than `days` ago, as its snowflake says."""
    created_ms = (message_id >> 22) + DISCORD_EPOCH_MS
    return time.time() * 1000 - created_ms < days * 86_400_000


def sqlite_url(name: str = "bench") -> str:
    return f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/{name}.db"


async def postgres_url(base: str, name: str) -> str | None:
    """A fresh database `name` on the server of `base` (dropped first if it exists); None
    when the server does not answer."""
    import asyncpg

    url = make_url(normalize_database_url(base).render_as_string(hide_password=False))
    try:
        connection = await asyncpg.connect(
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            database=url.database,
        )
    except OSError:
        return None
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return url.set(database=name).render_as_string(hide_password=False)


async def database_url(backend: str, name: str) -> str | None:
    """A new database for `backend` (sqlite or postgresql, at BENCH_POSTGRES_URL)."""
    if backend == "sqlite":
        return sqlite_url(name)
    return await postgres_url(os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES), name)


async def rate_venue(
    fake: FakeDiscord, guild: Guild, user: User, venue: int, worth: int, hours: Any
) -> None:
    """`/venue rate` of `venue`, answered."""
    interaction = await fake.slash(
        "venue rate", guild=guild, user=user, venue=str(venue), worth=worth, hours=hours
    )
    await interaction.response(timeout=10)


async def propose_venue(fake: FakeDiscord, guild: Guild, user: User, name: str) -> None:
    """`/venue propose` of a meetup named `name` in Grenoble, answered: to the final
    message after the deferral, as every benchmark times it."""
    interaction = await fake.slash(
        "venue propose", guild=guild, user=user, kind="meetup", city="Grenoble", name=name
    )
    await interaction.reply(timeout=10)


def bot_env(
    fake: FakeDiscord, database_url: str, *, http_clock: bool = False, **extra: str
) -> dict[str, str]:
    """The bot's environment: this one without any bot setting, then the fake's. The bot
    reads the system clock, as in production (the fake's clock follows it unless moved,
    and no benchmark moves it); with `http_clock`, the fake's over HTTP (CLOCK_URL) as the
    tests have it: a round trip to the fake, in this process, on every command that reads
    the time, which the command's latency would include."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "DATABASE_", "SHARD_", "DEV_GUILD", "METRICS_", "CLOCK_"))
    }
    served = fake.env()
    if not http_clock:
        del served["CLOCK_URL"]
    env.update(
        served,
        DATABASE_URL=database_url,
        GUILD_READY_TIMEOUT=str(GUILD_READY_TIMEOUT),
        LOG_LEVEL="INFO",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


@dataclass
class BotProcess:
    """`python -m bot`, started until it logs "ready as"; its log lines are kept."""

    process: asyncio.subprocess.Process
    #: From the process's start to `on_ready`, without GUILD_READY_TIMEOUT.
    start_seconds: float
    lines: list[str] = field(default_factory=list)
    #: CPU seconds the bot had used when ready (what a loaded machine does not change).
    cpu_at_ready: float = 0.0
    _reader: asyncio.Task[None] | None = None

    @property
    def guilds_at_ready(self) -> int:
        """The guilds the bot had when it logged itself ready."""
        for line in self.lines:
            found = READY.search(line)
            if found:
                return int(found.group(1))
        return 0

    @classmethod
    async def start(
        cls, env: dict[str, str], timeout: float = 300.0, python: str = sys.executable
    ) -> BotProcess:
        """`python` may be another checkout's interpreter (its code on PYTHONPATH)."""
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            python,
            "-m",
            "bot",
            cwd=tempfile.mkdtemp(),
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        assert process.stdout is not None
        lines: list[str] = []
        while True:
            line = (await asyncio.wait_for(process.stdout.readline(), timeout)).decode()
            if not line:
                raise RuntimeError("the bot stopped before it was ready:\n" + "".join(lines[-20:]))
            lines.append(line)
            if "ready as" in line:
                break
        waited = float(env.get("GUILD_READY_TIMEOUT", GUILD_READY_TIMEOUT))
        bot = cls(process, time.perf_counter() - started - waited, lines)
        bot.cpu_at_ready = cpu_seconds(process.pid)
        bot._reader = asyncio.create_task(bot._read())
        return bot

    async def _read(self) -> None:
        assert self.process.stdout is not None
        while line := (await self.process.stdout.readline()).decode():
            self.lines.append(line)

    def rss_mb(self) -> float:
        return rss_mb(self.process.pid)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.process.pid)

    async def reconciled(self, timeout: float) -> dict[str, Any]:
        """The first reconciliation pass's figures, from the bot's log ({} if none)."""
        deadline = time.perf_counter() + timeout
        while True:
            for line in self.lines:
                found = RECONCILED.search(line)
                if found:
                    messages, requests, changes, seconds = found.groups()
                    return {
                        "messages": int(messages),
                        "requests": int(requests),
                        "changes": int(changes),
                        "seconds": float(seconds),
                    }
            if time.perf_counter() >= deadline:
                return {}
            await asyncio.sleep(0.2)

    async def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM, then SIGKILL if it has not stopped within `timeout` seconds."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        await self._finish()

    async def kill(self) -> None:
        """kill -9."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        await self._finish()

    async def _finish(self) -> None:
        if self._reader is not None:
            await asyncio.wait({self._reader}, timeout=5)


@dataclass
class World:
    """The seeded guilds, members and recent announcements as the fake Discord shows them:
    each announcement carries the bot's 👍/👎 and every seeded vote as a member's reaction,
    so reconciliation finds what the database holds."""

    fake: FakeDiscord
    seeded: Seeded
    guilds: dict[int, Guild] = field(default_factory=dict)
    members: dict[int, list[User]] = field(default_factory=dict)
    #: venue id -> its announcement in the fake (those of the last `days` only)
    announcements: dict[int, Message] = field(default_factory=dict)
    venue_guild: dict[int, int] = field(default_factory=dict)

    @classmethod
    def build(cls, fake: FakeDiscord, seeded: Seeded, days: float = 14.0) -> World:
        world = cls(fake, seeded)
        for guild_id in seeded.guild_ids:
            world.guilds[guild_id] = fake.add_guild(
                f"Guild {guild_id % 10000}", guild_id=guild_id, general_id=guild_id + 1
            )
        for guild_id, member_ids in seeded.members_by_guild.items():
            world.members[guild_id] = [User(id=m, username=f"m{m % 100000}") for m in member_ids]
            for user in world.members[guild_id]:
                fake.users[user.id] = user
        world.venue_guild = {v: g for g, vs in seeded.venue_ids_by_guild.items() for v in vs}
        bot = fake.bot_user.id
        for venue_id, message_id in seeded.announcements.items():
            if not recent(message_id, days):
                continue
            voters = seeded.votes_by_venue.get(venue_id, [])
            guild_id = world.venue_guild[venue_id]
            message = Message(
                id=message_id,
                channel_id=guild_id + 1,
                guild_id=guild_id,
                author=fake.bot_user,
                reactions={
                    "👍": [bot, *(m for m, value in voters if value == 1)],
                    "👎": [bot, *(m for m, value in voters if value == -1)],
                },
            )
            fake.messages[message.id] = message
            world.announcements[venue_id] = message
        return world

    def voter(self, member_id: int) -> User:
        """A member of no seeded guild, known to the fake (its reactions list them)."""
        user = User(id=member_id, username="voter")
        self.fake.users[member_id] = user
        return user

    async def react(self, venue_id: int, member_id: int, emoji: str, *, added: bool) -> None:
        """A member's reaction on the venue's announcement, added or removed: the fake's
        message changes as Discord's would, and the gateway event goes to the bot."""
        message = self.announcements.get(venue_id)
        if message is not None:
            reacted = message.reactions.setdefault(emoji, [])
            if added:
                reacted.append(member_id)
            elif member_id in reacted:
                reacted.remove(member_id)
        guild_id = self.venue_guild[venue_id]
        await self.fake.dispatch(
            guild_id,
            "MESSAGE_REACTION_ADD" if added else "MESSAGE_REACTION_REMOVE",
            reaction_event(
                guild_id, guild_id + 1, self.seeded.announcements[venue_id], member_id, emoji, added
            ),
            1 << 10,  # GUILD_MESSAGE_REACTIONS
        )


def reaction_event(
    guild_id: int, channel_id: int, message_id: int, member_id: int, emoji: str, added: bool
) -> dict[str, Any]:
    """MESSAGE_REACTION_ADD / _REMOVE as the gateway sends it (an add carries the member)."""
    data: dict[str, Any] = {
        "user_id": str(member_id),
        "channel_id": str(channel_id),
        "message_id": str(message_id),
        "guild_id": str(guild_id),
        "emoji": {"id": None, "name": emoji},
        "burst": False,
        "type": 0,
    }
    if added:
        data["member"] = {
            "user": {
                "id": str(member_id),
                "username": "voter",
                "discriminator": "0",
                "avatar": None,
                "bot": False,
            },
            "roles": [],
            "joined_at": "2026-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
        }
    return data
