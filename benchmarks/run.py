"""End-to-end benchmarks: the real bot (`python -m bot`) against the local fake Discord over
loopback, on a seeded database. Writes docs/benchmarks.md and docs/benchmarks.png.

    .venv/bin/python -m benchmarks.run [--backends sqlite,postgresql] [--scale 1.0]

PostgreSQL is used when it answers at BENCH_POSTGRES_URL (default: the local server, database
test); the suite creates and drops its own database there.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import secrets
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

from sqlalchemy import event, text

from benchmarks.big import BigBench, seed_big_guild, show_big_guild
from benchmarks.fleet import measure as measure_fleet
from benchmarks.harness import (
    ROOT,
    BotProcess,
    World,
    bot_env,
    database_url,
    epoch,
    free_port,
    percentile,
    propose_venue,
    rate_venue,
)
from benchmarks.report import Result, chart, markdown
from benchmarks.scrape import scrape, summary
from benchmarks.seed import Seeded, seed
from bot.domain.digest import DigestService, compose_digest
from bot.domain.search import SearchService
from db.engine import Database
from tests.fakediscord import FakeDiscord, User

DOCS = ROOT / "docs"
#: (shards, max_concurrency) of each `--fleet` measurement.
FLEET_RUNS = ((1, 16), (4, 16), (4, 1))


class Bench:
    def __init__(
        self, backend: str, url: str, scale: float, repeats: int, *, big: float = 0.0
    ) -> None:
        self.backend, self.url, self.scale, self.repeats = backend, url, scale, repeats
        self.big_scale = big
        self.result = Result(backend)
        self.rng = random.Random(7)
        self.metrics_port = free_port()

    async def run(self) -> Result:
        seeded = await seed(self.url, scale=self.scale)
        self.seeded = seeded
        self.result.seed_seconds = seeded.seconds
        big = await seed_big_guild(self.url, scale=self.big_scale) if self.big_scale else None
        self.fake = await FakeDiscord().start()
        try:
            self._world(seeded)
            if big is not None:
                big_guild = show_big_guild(self.fake, big)
            bot = await self._start_bot()
            try:
                self.result.rss_ready_mb = bot.rss_mb()
                await self._latencies()
                if big is not None:
                    other = self.seeded.guild_ids[0]
                    bench = BigBench(
                        self.fake,
                        big,
                        big_guild,
                        (self.guilds[other], self.members[other][0]),
                        max(5, self.repeats // 15),
                    )
                    outcome = await bench.run(self.url, lambda line: print(f"  {line}", flush=True))
                    self.result.big = asdict(outcome)
                await self._votes()
                await self._digest_posting()
                self.result.rss_end_mb = bot.rss_mb()
                self.result.metrics = summary(await scrape(self.metrics_port))
                self.result.reconcile = await bot.reconciled(0)
            finally:
                await bot.stop()
            await self._digest_composition()
            await self._plans()
        finally:
            await self.fake.stop()
        return self.result

    def _world(self, seeded: Seeded) -> None:
        """The guilds, and the recent announcements with the seeded votes as reactions:
        reconciliation at start reads what the database holds."""
        self.world = World.build(self.fake, seeded)
        self.guilds = self.world.guilds
        self.members: dict[int, list[User]] = self.world.members

    async def _start_bot(self) -> BotProcess:
        bot = await BotProcess.start(
            bot_env(self.fake, self.url, METRICS_PORT=str(self.metrics_port)), timeout=120
        )
        self.result.start_seconds = bot.start_seconds
        return bot

    def _pick(self) -> tuple[int, Any, User, int]:
        guild_id = self.rng.choice(self.seeded.guild_ids)
        venue = self.rng.choice(self.seeded.venue_ids_by_guild[guild_id])
        member = self.rng.choice(self.members[guild_id])
        return guild_id, self.guilds[guild_id], member, venue

    async def _timed(self, name: str, action: Callable[[], Awaitable[None]]) -> None:
        for _ in range(max(5, self.repeats // 10)):  # warm-up
            await action()
        values = []
        for _ in range(self.repeats):
            begin = time.perf_counter()
            await action()
            values.append((time.perf_counter() - begin) * 1000)
        self.result.latencies[name] = values

    async def _latencies(self) -> None:
        fake = self.fake

        async def noop() -> None:
            # Refused by the bot's option check before any database access: the cost of
            # the fake, the loopback and discord.py alone.
            _, guild, member, _ = self._pick()
            interaction = await fake.slash(
                "venue show", guild=guild, user=member, validate=False, venue=1
            )
            await interaction.response(timeout=10)

        async def show() -> None:
            _, guild, member, venue = self._pick()
            interaction = await fake.slash("venue show", guild=guild, user=member, venue=str(venue))
            await interaction.response(timeout=10)

        async def rate() -> None:
            _, guild, member, venue = self._pick()
            await rate_venue(fake, guild, member, venue, self.rng.randint(1, 5), "2.0")

        counter = iter(range(10**9))

        async def propose() -> None:
            _, guild, member, _ = self._pick()
            await propose_venue(
                fake, guild, member, f"Bench {next(counter)} {secrets.token_hex(3)}"
            )

        async def autocomplete() -> None:
            _, guild, member, _ = self._pick()
            await fake.autocomplete(
                "venue show",
                "venue",
                self.rng.choice(["caf", "ate", "mee", "rencontres", "clo", "foru"]),
                guild=guild,
                user=member,
            )

        async def search() -> None:
            _, guild, member, _ = self._pick()
            interaction = await fake.slash(
                "venue search",
                guild=guild,
                user=member,
                query=self.rng.choice(["cafe", "rust", "developpeurs", "cloud", "atelier"]),
                city=self.rng.choice(["Paris", "Lyon", "Montréal"]),
            )
            await interaction.response(timeout=10)

        async def search_all() -> None:
            _, guild, member, _ = self._pick()
            interaction = await fake.slash("venue search", guild=guild, user=member)
            await interaction.response(timeout=10)

        async def search_query() -> None:
            _, guild, member, _ = self._pick()
            interaction = await fake.slash(
                "venue search", guild=guild, user=member, query=self.rng.choice(["cafe", "rust"])
            )
            await interaction.response(timeout=10)

        for name, action in [
            ("no-op", noop),
            ("/venue show", show),
            ("/venue rate", rate),
            ("/venue propose", propose),
            ("autocomplete", autocomplete),
            ("/venue search", search),
            ("/venue search (query only)", search_query),
            ("/venue search (no query, no filter)", search_all),
        ]:
            await self._timed(name, action)
            p50 = statistics.median(self.result.latencies[name])
            print(f"  {self.backend} {name}: p50 {p50:.1f} ms", flush=True)

    async def _votes(self, rate: int = 2000, seconds: float = 30.0) -> None:
        """Reaction events at `rate` per second for `seconds`; each adds a distinct vote,
        so the final count must equal the number sent. A vote's latency is from the moment
        its event was sent to its row's `created_at`, stamped by the bot's writer in the
        transaction that commits it (same clock: both processes run on this machine)."""
        db = Database(self.url)
        start_id = 9_000_000_000_000_000_000
        announcements = self.seeded.announcements
        venues = self.rng.sample(sorted(announcements), min(500, len(announcements)))
        sent: dict[tuple[int, int], float] = {}
        total = int(rate * seconds)
        began = time.perf_counter()
        for index in range(total):
            delay = began + index / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            venue = venues[index % len(venues)]
            member = start_id + index
            self.world.voter(member)
            sent[(venue, member)] = time.time()
            await self.world.react(venue, member, "👍", added=True)
        send_seconds = time.perf_counter() - began
        committed: dict[tuple[int, int], float] = {}
        deadline = time.perf_counter() + 60
        while len(committed) < total and time.perf_counter() < deadline:
            await asyncio.sleep(0.5)
            async with db.read() as session:
                rows = await session.execute(
                    text("SELECT venue_id, member_id, created_at FROM vote WHERE member_id >= :m"),
                    {"m": start_id},
                )
                committed = {(v, m): epoch(at) for v, m, at in rows}
        await db.dispose()
        latencies = [(committed[k] - sent[k]) * 1000 for k in sent if k in committed]
        last = max(committed.values()) if committed else float("nan")
        first = min(sent.values())
        self.result.votes = {
            "sent": total,
            "committed": len(committed),
            "send_seconds": send_seconds,
            "sent_per_second": total / send_seconds,
            "committed_per_second": len(committed) / (last - first) if committed else 0.0,
            "p50_ms": statistics.median(latencies) if latencies else float("nan"),
            "p99_ms": percentile(latencies, 99),
        }
        print(f"  {self.backend} votes: {self.result.votes}", flush=True)

    async def _digest_posting(self, count: int = 100) -> None:
        """`count` guilds due at once: how fast the scheduler posts their digests."""
        db = Database(self.url)
        service = DigestService(db)
        guilds = self.seeded.guild_ids[:count]
        count = len(guilds)
        now = dt.datetime.now(dt.UTC)
        try:
            for guild_id in guilds:
                await service.configure(
                    guild_id,
                    channel_id=guild_id + 1,
                    weekday=now.weekday(),
                    hour=0,
                    timezone="UTC",
                    now=now - dt.timedelta(days=8),
                )
        finally:
            await db.dispose()
        began = time.perf_counter()
        stamps: list[float] = []
        deadline = began + 120
        while time.perf_counter() < deadline:
            posted = [m for g in guilds for m in self.fake.channel_messages(g + 1) if m.attachments]
            if len(posted) >= count:
                stamps = sorted(dt.datetime.fromisoformat(m.created_at).timestamp() for m in posted)
                break
            await asyncio.sleep(0.2)
        span = stamps[-1] - stamps[0] if len(stamps) > 1 else float("nan")
        self.result.digest["posted"] = len(stamps)
        self.result.digest["posting_seconds"] = span
        self.result.digest["posts_per_second"] = (len(stamps) - 1) / span if span else 0.0
        print(f"  {self.backend} digest posting: {len(stamps)} in {span:.1f} s", flush=True)

    async def _digest_composition(self) -> None:
        db = Database(self.url)
        service = DigestService(db)
        timings = []
        try:
            for guild_id in self.seeded.guild_ids:
                begin = time.perf_counter()
                data = await service.gather(guild_id)
                compose_digest(data, "fr")
                timings.append((time.perf_counter() - begin) * 1000)
        finally:
            await db.dispose()
        self.result.digest.update(
            guilds=len(timings),
            p50_ms=statistics.median(timings),
            p99_ms=percentile(timings, 99),
            total_s=sum(timings) / 1000,
        )
        print(f"  {self.backend} digest: {self.result.digest}", flush=True)

    async def _plans(self) -> None:
        """The query plans of a search, an autocomplete and a vote look-up."""
        db = Database(self.url)
        captured: list[tuple[str, Any]] = []

        def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            captured.append((statement, parameters))

        event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
        guild_id = self.seeded.guild_ids[0]
        try:
            await SearchService(db).search(guild_id, query="cafe", city="Paris", sort="recent")
            search_sql = next(
                s for s, _ in captured if "venue_fts" in s or "venue_search_query" in s
            )
            search_params = next(p for s, p in captured if s == search_sql)
            captured.clear()
            from bot.domain.venues import VenueService

            await VenueService(db).autocomplete(guild_id, "caf")
            auto_sql, auto_params = captured[-1]
            event.remove(db.engine.sync_engine, "before_cursor_execute", capture)
            explain = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN "
            async with db.engine.connect() as connection:
                for name, sql, params in [
                    ("search", search_sql, search_params),
                    ("autocomplete", auto_sql, auto_params),
                ]:
                    raw = await connection.exec_driver_sql(explain + sql, params)
                    rows = raw.all()
                    self.result.plans[name] = "\n".join(
                        " ".join(str(c) for c in row[-1:]) if db.is_sqlite else str(row[0])
                        for row in rows
                    )
        finally:
            await db.dispose()


async def main_async(args: argparse.Namespace) -> None:
    began = time.perf_counter()
    results = []
    for backend in filter(None, args.backends.split(",")):
        url = await database_url(backend, "bonnes_places_bench")
        if url is None:
            print("PostgreSQL is not reachable: skipped")
            continue
        print(f"{backend}: seeding and running", flush=True)
        bench = Bench(
            backend, url, args.scale, args.repeats, big=args.big_scale if args.big_guild else 0.0
        )
        results.append(await bench.run())
    fleet = []
    if args.fleet:
        for shards, concurrency in FLEET_RUNS[: args.fleet_runs]:
            print(f"fleet: {args.fleet} guilds, {shards} shard(s)", flush=True)
            fleet.append(asdict(await measure_fleet(args.fleet, shards, concurrency)))
            print(f"  {fleet[-1]}", flush=True)
    seconds = time.perf_counter() - began
    DOCS.mkdir(exist_ok=True)
    if not results:
        print("no backend measured: docs/benchmarks.md left as it is")
        return
    chart(results, DOCS / "benchmarks.png")
    (DOCS / "benchmarks.md").write_text(markdown(results, args, seconds, fleet))
    (DOCS / "benchmarks.json").write_text(
        json.dumps(
            {
                "scale": args.scale,
                "repeats": args.repeats,
                "seconds": seconds,
                "big_guild": args.big_guild,
                "big_scale": args.big_scale,
                "fleet": fleet,
                "results": [r.__dict__ for r in results],
            },
            default=str,
        )
    )
    print(f"done in {seconds:.0f} s: docs/benchmarks.md")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=300)
    parser.add_argument(
        "--big-guild",
        action="store_true",
        help="also seed one guild of 20,000 venues and 200,000 ratings and measure it",
    )
    parser.add_argument("--big-scale", type=float, default=1.0, help="size of that guild")
    parser.add_argument("--fleet-runs", type=int, default=3, help=argparse.SUPPRESS)
    parser.add_argument(
        "--fleet",
        type=int,
        default=0,
        help="also connect this many realistic guilds (1 and 4 shards): memory, start -> ready",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="rewrite docs/benchmarks.md from docs/benchmarks.json",
    )
    args = parser.parse_args()
    if args.report_only:
        stored = json.loads((DOCS / "benchmarks.json").read_text())
        results = [Result(**entry) for entry in stored["results"]]
        args.scale, args.repeats = stored["scale"], stored["repeats"]
        args.big_guild = stored.get("big_guild", False)
        args.big_scale = stored.get("big_scale", 1.0)
        (DOCS / "benchmarks.md").write_text(
            markdown(results, args, stored["seconds"], stored.get("fleet", []))
        )
        return
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
