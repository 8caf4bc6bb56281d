"""One skewed guild beside the uniform ones: 20,000 venues and 200,000 ratings by 2,000
members (`--big-guild`). Measures every command there, the digest's composition, and the
latency another guild sees while the big one is kept busy."""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, text

from benchmarks.harness import DISCORD_EPOCH_MS, recent
from benchmarks.seed import _derived
from bot.domain.digest import DigestService, compose_digest
from bot.domain.scores import rebuild_rankings
from bot.domain.text import fold, normalize_name
from bot.domain.vocabulary import VENUE_KINDS
from db.engine import Database
from db.models import Rating, Venue
from tests.fakediscord import FakeDiscord, Guild, Message, User

BIG_GUILD_ID = (1 << 62) + 4242
FIRST_VENUE_ID = 10_000_000
CHUNK = 5000
#: Discord's deadline for a first answer: any reply slower than this is flagged.
DEADLINE_MS = 3000.0
CITIES = ["Paris", "Lyon", "Marseille", "Lille", "Nantes", "Bordeaux", "Rennes", "Grenoble"]
HOURS = [0.5, 1.0, 2.0, 3.0, 4.0]
WORDS = ["Café", "Atelier", "Forum", "Club", "Meetup", "Builders", "Talks", "Lab", "Rust", "Data"]


@dataclass
class BigGuild:
    guild_id: int
    venue_ids: list[int]
    members: list[int]
    venues: int
    ratings: int
    seed_seconds: float
    #: venue id -> its announcement, a snowflake of the venue's creation
    announcements: dict[int, int] = field(default_factory=dict)


def announcement_id(created: dt.datetime, index: int) -> int:
    """The id Discord gives a message posted at `created` (its snowflake tells when, and
    reconciliation at start reads those of the last days)."""
    return ((int(created.timestamp() * 1000) - DISCORD_EPOCH_MS) << 22) | (index % (1 << 22))


def show_big_guild(fake: FakeDiscord, big: BigGuild) -> Guild:
    """The big guild in the fake, with its recent announcements and the bot's 👍/👎 on
    each (no member's vote is seeded there), as the database holds them."""
    guild = fake.add_guild("Big", guild_id=big.guild_id, general_id=big.guild_id + 1)
    bot = fake.bot_user.id
    for message_id in big.announcements.values():
        if recent(message_id):
            fake.messages[message_id] = Message(
                id=message_id,
                channel_id=big.guild_id + 1,
                guild_id=big.guild_id,
                author=fake.bot_user,
                reactions={"👍": [bot], "👎": [bot]},
            )
    return guild


@dataclass
class BigResult:
    venues: int = 0
    ratings: int = 0
    seed_seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)  # ms
    digest_ms: list[float] = field(default_factory=list)
    #: other guild's no-op while the big one runs `busy_command` back to back
    busy_command: str = ""
    noop_idle: list[float] = field(default_factory=list)
    noop_busy: list[float] = field(default_factory=list)
    busy_runs: int = 0
    slow: list[tuple[str, float]] = field(default_factory=list)


async def seed_big_guild(url: str, *, scale: float = 1.0, seed_value: int = 4242) -> BigGuild:
    rng = random.Random(seed_value)
    venues, ratings = int(20_000 * scale), int(200_000 * scale)
    members = [BIG_GUILD_ID + 1000 + i for i in range(max(20, int(2000 * scale)))]
    now = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    venue_rows = []
    for index in range(venues):
        name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {index}"
        city = rng.choice(CITIES)
        created = now - dt.timedelta(minutes=rng.randrange(525_600))
        venue_rows.append(
            {
                "id": FIRST_VENUE_ID + index,
                "guild_id": BIG_GUILD_ID,
                "name": name,
                "normalized_name": normalize_name(name),
                "kind": rng.choice(VENUE_KINDS),
                "city": city,
                "city_key": normalize_name(city),
                "address": None,
                "url": None,
                "description": "",
                "proposer_id": members[0],
                "status": "active",
                "created_at": created,
                "updated_at": now,
                "announcement_channel_id": BIG_GUILD_ID + 1,
                "announcement_message_id": announcement_id(created, index),
                "search_text": fold(f"{name} {city}"),
                "net_votes": rng.randrange(-3, 20),
            }
        )
    pairs = rng.sample(range(venues * (len(members) - 1)), ratings)
    rating_rows = []
    for pair in pairs:
        venue_index, member_index = divmod(pair, len(members) - 1)
        moment = now - dt.timedelta(minutes=rng.randrange(525_600))
        worth, hours = rng.choices([1, 2, 3, 4, 5], [1, 2, 4, 6, 4])[0], rng.choice(HOURS)
        rating_rows.append(
            {
                "guild_id": BIG_GUILD_ID,
                "venue_id": FIRST_VENUE_ID + venue_index,
                "member_id": members[member_index + 1],  # never the proposer
                "worth": worth,
                "substance": None,
                "experience": None,
                "connections": None,
                "hours": hours,
                "comment": None,
                "created_at": moment,
                "updated_at": moment,
                # each member's only rating of the venue, no visit known (ranking.py)
                "weight": 0.2,
                "value": float(worth),
                "log_hours": math.log(hours),
            }
        )
    rating_rows = [_derived(row) for row in rating_rows]
    db = Database(url)
    try:
        for model, rows in ((Venue, venue_rows), (Rating, rating_rows)):
            table = model.__table__  # type: ignore[attr-defined]
            for start in range(0, len(rows), CHUNK):
                async with db.write_engine.begin() as connection:
                    await connection.execute(insert(table), rows[start : start + CHUNK])
        async with db.write() as session:  # the ranking's sums, as the bot keeps them
            await rebuild_rankings(session)
        if db.is_sqlite:
            async with db.write() as session:
                await session.execute(text("ANALYZE"))
        else:
            async with db.engine.connect() as connection:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                # As autovacuum leaves a live server (the test server runs without it):
                # the visibility map set, so a covering index is read without the table.
                await connection.execute(text("VACUUM ANALYZE"))
    finally:
        await db.dispose()
    return BigGuild(
        BIG_GUILD_ID,
        [row["id"] for row in venue_rows],
        members,
        venues,
        ratings,
        time.perf_counter() - started,
        {row["id"]: row["announcement_message_id"] for row in venue_rows},
    )


class BigBench:
    """Commands in the big guild, through the fake, timed from injection to response."""

    def __init__(
        self,
        fake: FakeDiscord,
        big: BigGuild,
        guild: Guild,
        other: tuple[Guild, User],
        repeats: int,
    ) -> None:
        self.fake, self.big, self.guild, self.other = fake, big, guild, other
        self.repeats = repeats
        self.rng = random.Random(11)
        self.members = [User(id=m, username=f"b{m % 10000}") for m in big.members]
        self.result = BigResult(big.venues, big.ratings, big.seed_seconds)

    def _member(self) -> User:
        return self.rng.choice(self.members[1:])

    def _venue(self) -> str:
        return str(self.rng.choice(self.big.venue_ids))

    async def _slash(self, command: str, **options: Any) -> None:
        interaction = await self.fake.slash(
            command, guild=self.guild, user=self._member(), **options
        )
        await interaction.response(timeout=30)

    def actions(self) -> dict[str, Callable[[], Awaitable[None]]]:
        async def autocomplete() -> None:
            await self.fake.autocomplete(
                "venue show",
                "venue",
                self.rng.choice(["caf", "rust", "lab"]),
                guild=self.guild,
                user=self._member(),
            )

        def slash(command: str, **options: Any) -> Callable[[], Awaitable[None]]:
            return lambda: self._slash(command, **options)

        return {
            "show": lambda: self._slash("venue show", venue=self._venue()),
            "rate": lambda: self._slash(
                "venue rate", venue=self._venue(), worth=self.rng.randint(1, 5), hours="2"
            ),
            "search (query + city)": slash("venue search", query="cafe", city="Paris"),
            "search (query)": slash("venue search", query="rust"),
            "search (no query, no filter)": slash("venue search"),
            "top week": slash("venue top", period="week"),
            "top month": slash("venue top", period="month"),
            "top all": slash("venue top", period="all"),
            "autocomplete": autocomplete,
            "profile": slash("profile"),
        }

    async def _noop_other(self) -> float:
        guild, user = self.other
        begin = time.perf_counter()
        interaction = await self.fake.slash(
            "venue show", guild=guild, user=user, validate=False, venue=1
        )
        await interaction.response(timeout=30)
        return (time.perf_counter() - begin) * 1000

    async def run(self, url: str, log: Callable[[str], None]) -> BigResult:
        for name, action in self.actions().items():
            await action()  # warm-up
            values = []
            for _ in range(self.repeats):
                begin = time.perf_counter()
                await action()
                values.append((time.perf_counter() - begin) * 1000)
            self.result.latencies[name] = values
            self.result.slow += [(name, v) for v in values if v > DEADLINE_MS]
            log(f"big guild {name}: p50 {statistics.median(values):.1f} ms")
        await self._busy_neighbour(log)
        await self._digest(url)
        return self.result

    async def _busy_neighbour(self, log: Callable[[str], None], seconds: float = 10.0) -> None:
        """Another guild's no-op, idle, then while the big guild runs its slowest command
        back to back."""
        self.result.noop_idle = [await self._noop_other() for _ in range(100)]
        slowest = max(
            self.result.latencies, key=lambda n: statistics.median(self.result.latencies[n])
        )
        action = self.actions()[slowest]
        self.result.busy_command = slowest
        stop = asyncio.Event()

        async def hammer() -> None:
            while not stop.is_set():
                await action()
                self.result.busy_runs += 1

        task = asyncio.create_task(hammer())
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            value = await self._noop_other()
            self.result.noop_busy.append(value)
            if value > DEADLINE_MS:
                self.result.slow.append(("no-op, other guild", value))
            await asyncio.sleep(0.02)
        stop.set()
        await task
        log(
            f"other guild's no-op while the big one runs {slowest}: "
            f"p50 {statistics.median(self.result.noop_busy):.1f} ms"
        )

    async def _digest(self, url: str) -> None:
        db = Database(url)
        try:
            service = DigestService(db)
            for _ in range(max(3, self.repeats // 3)):
                begin = time.perf_counter()
                compose_digest(await service.gather(self.big.guild_id), "fr")
                self.result.digest_ms.append((time.perf_counter() - begin) * 1000)
        finally:
            await db.dispose()
