"""The latency of a few commands end to end, as benchmarks/run.py times them, for several
checkouts of the bot in the same window: each checkout seeds its own database with its own
seeder (or copies that of a checkout with the same seeder and migrations), runs as its own
process (`python -m bot`) on its own local fake Discord, and the checkouts take turns, a
block of each command at a time (A, B, C, then C, B, A, ...), so that the load of a shared
machine falls on all of them alike.

    .venv/bin/python -m benchmarks.latency [--code DIR[@http-clock] ...] \
        [--backends sqlite,postgresql] [--commands rate,rate-first,autocomplete,show,propose] \
        [--scale 1.0] [--rounds 6] [--block 25]

`--code DIR` is a checkout of the bot (default: this one); its interpreter is DIR/.venv
when there is one, else this one's. Every checkout is asked the same commands, with the
same guilds, venues and members in the same order (the seeders share their random seed).
`rate` rates in guilds that were rated once since the seed (their ranking snapshot is
taken), `rate-first` in the others, each once: a guild's first rating since the seed's bulk
load takes the snapshot where the checkout's seeder left none (as seeders did before
`rebuild_rankings`; with it, seeded guilds have theirs and the two measure the same).
The bot reads the system clock, as in production and every benchmark (harness.bot_env);
`DIR@http-clock` runs it on the fake's clock over HTTP, as the tests have it. Reconciliation
is off (RECONCILE_DAYS=0): its writes would overlap the timings.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from benchmarks.harness import (
    ROOT,
    BotProcess,
    bot_env,
    database_url,
    percentile,
    propose_venue,
    rate_venue,
)
from tests.fakediscord import FakeDiscord, Guild, User

#: Run by each checkout's interpreter, in its own tree: seeds the database, prints the ids.
SEED_SCRIPT = """
import asyncio, json, sys
from benchmarks.seed import seed
found = asyncio.run(seed(sys.argv[1], scale=float(sys.argv[2])))
print(json.dumps({"guilds": found.guild_ids, "venues": found.venue_ids_by_guild,
                  "members": found.members_by_guild, "seconds": found.seconds}))
"""
#: Where --keep-seed keeps the seeded databases' ids (and SQLite's files).
KEPT = Path(tempfile.gettempdir()) / "bonnes_places_latency"
AUTOCOMPLETE_TEXTS = ["caf", "ate", "mee", "rencontres", "clo", "foru"]


@dataclass
class Checkout:
    """One checkout under test: its code, interpreter, database, fake Discord and bot."""

    code: Path
    label: str
    python: str
    url: str = ""
    guilds: dict[int, Guild] = field(default_factory=dict)
    venues: dict[int, list[int]] = field(default_factory=dict)
    members: dict[int, list[User]] = field(default_factory=dict)
    fake: FakeDiscord | None = None
    bot: BotProcess | None = None
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    #: The string an option of the rate command wants its hours as (a float before).
    hours: Any = "2.0"
    timings: dict[str, list[float]] = field(default_factory=dict)
    guild_ids: list[int] = field(default_factory=list)
    #: Commands of each kind that got no answer in time (not in the timings).
    failures: dict[str, int] = field(default_factory=dict)
    fresh: Iterator[int] = field(default_factory=lambda: iter(()))
    names: Iterator[int] = field(default_factory=itertools.count)

    #: Whether the bot reads the fake's clock over HTTP (CLOCK_URL), as the tests have
    #: it, rather than the system's (benchmarks.harness.bot_env).
    http_clock: bool = False

    @classmethod
    def of(cls, spec: str, index: int) -> Checkout:
        """`spec`: a directory, or `DIR@http-clock` for the bot on the fake's HTTP clock."""
        code, _, option = spec.partition("@")
        path = Path(code).resolve()
        venv = path / ".venv" / "bin" / "python"
        python = str(venv) if venv.exists() else sys.executable
        label = f"{index}:{path.name}" + (f"@{option}" if option else "")
        return cls(path, label, python, http_clock=option == "http-clock")

    def env(self) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(self.code)}

    def seed_key(self) -> str:
        """What the seeded database depends on: the seeder and the migrations."""
        digest = hashlib.sha256((self.code / "benchmarks" / "seed.py").read_bytes())
        for path in sorted((self.code / "db" / "migrations").rglob("*.py")):
            digest.update(path.name.encode() + path.read_bytes())
        return digest.hexdigest()

    async def seed(
        self, backend: str, scale: float, index: int, same: Checkout | None, keep: bool
    ) -> None:
        """Seed a database of its own, or copy that of `same` (same seeder, same schema),
        or with `keep` the one kept from an earlier run with the same seeder and scale."""
        name = f"bonnes_places_latency_{index}"
        url = await database_url(backend, name)
        if url is None:
            raise RuntimeError("PostgreSQL is not reachable")
        self.url = url
        if same is not None:
            self.url = await copy_database(same.url, url, name)
            self.venues, self.guild_ids, self.members = same.venues, same.guild_ids, same.members
            print(f"  {self.label}: the database of {same.label}, copied", flush=True)
            return
        kept = f"{backend}-{self.seed_key()[:12]}-{scale}"
        ids, copy = KEPT / f"{kept}.json", str(KEPT / f"{kept}.db")
        template = f"bonnes_places_latency_kept_{self.seed_key()[:12]}_{scale}".replace(".", "_")
        if keep and ids.exists():
            source = copy if backend == "sqlite" else template
            await copy_database(_url_of(url, source), url, name)
            self._found(json.loads(ids.read_text()))
            print(f"  {self.label}: the database kept in {source}, copied", flush=True)
            return
        found = await self._run_seeder(url, scale)
        if keep:
            KEPT.mkdir(exist_ok=True)
            target = copy if backend == "sqlite" else template
            await copy_database(url, _url_of(url, target), template)
            ids.write_text(json.dumps(found))
        self._found(found)
        print(f"  {self.label}: seeded in {found['seconds']:.0f} s", flush=True)

    async def _run_seeder(self, url: str, scale: float) -> dict[str, Any]:
        process = await asyncio.create_subprocess_exec(
            self.python,
            "-c",
            SEED_SCRIPT,
            url,
            str(scale),
            cwd=self.code,
            env=self.env(),
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await process.communicate()
        if process.returncode:
            raise RuntimeError(f"{self.label}: seeding failed")
        found: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
        return found

    def _found(self, found: dict[str, Any]) -> None:
        self.venues = {int(g): v for g, v in found["venues"].items()}
        self.guild_ids = sorted(self.venues)
        self.members = {
            int(g): [User(id=m, username=f"m{m % 100000}") for m in ms]
            for g, ms in found["members"].items()
        }

    async def start(self) -> None:
        fake = self.fake = await FakeDiscord().start()
        for guild_id in self.venues:
            self.guilds[guild_id] = fake.add_guild(
                f"Guild {guild_id % 10000}", guild_id=guild_id, general_id=guild_id + 1
            )
        for users in self.members.values():
            for user in users:
                fake.users[user.id] = user
        # No reconciliation pass (RECONCILE_DAYS=0): its writes would overlap the timings.
        env = bot_env(fake, self.url, http_clock=self.http_clock, RECONCILE_DAYS="0")
        env["PYTHONPATH"] = str(self.code)
        self.bot = await BotProcess.start(env, timeout=300, python=self.python)

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.stop()
        if self.fake is not None:
            await self.fake.stop()

    def pick(self, guild_id: int | None = None) -> tuple[Guild, User, int]:
        guild_id = guild_id or self.rng.choice(self.guild_ids)
        venue = self.rng.choice(self.venues[guild_id])
        member = self.rng.choice(self.members[guild_id])
        return self.guilds[guild_id], member, venue

    def actions(self) -> dict[str, Callable[[], Awaitable[None]]]:
        fake = self.fake
        assert fake is not None

        async def noop() -> None:
            guild, member, _ = self.pick()
            interaction = await fake.slash(
                "venue show", guild=guild, user=member, validate=False, venue=1
            )
            await interaction.response(timeout=10)

        async def rate(guild_id: int | None = None) -> None:
            guild, member, venue = self.pick(guild_id or self.rng.choice(self.guild_ids[::2]))
            await rate_venue(fake, guild, member, venue, self.rng.randint(1, 5), self.hours)

        async def autocomplete() -> None:
            guild, member, _ = self.pick()
            text = self.rng.choice(AUTOCOMPLETE_TEXTS)
            await fake.autocomplete("venue show", "venue", text, guild=guild, user=member)

        async def show() -> None:
            guild, member, venue = self.pick()
            interaction = await fake.slash("venue show", guild=guild, user=member, venue=str(venue))
            await interaction.response(timeout=10)

        async def propose() -> None:
            guild, member, _ = self.pick()
            name = f"Bench {next(self.names)} {self.rng.getrandbits(24):06x}"
            await propose_venue(fake, guild, member, name)

        async def rate_first() -> None:
            guild_id = next(self.fresh, None)
            if guild_id is None:
                raise SystemExit("rate-first: every guild rated once; a larger --scale needed")
            await rate(guild_id)

        return {
            "no-op": noop,
            "rate": rate,
            "rate-first": rate_first,
            "autocomplete": autocomplete,
            "show": show,
            "propose": propose,
        }

    async def warm(self) -> None:
        """One rating in every other guild: those `rate` picks from have taken their
        ranking's snapshot, as a guild rated since the seed's bulk load has; `rate-first`
        rates each of the others once (a guild's first rating since, which takes it)."""
        rate = self.actions()["rate"]
        for guild_id in self.guild_ids[::2]:
            await rate(guild_id)  # type: ignore[call-arg]
        self.fresh = iter(self.guild_ids[1::2])

    async def detect_hours(self) -> None:
        """The rate command's hours option: a string now, a number in older checkouts."""
        try:
            await self.actions()["rate"]()
        except Exception:
            self.hours = 2.0
            await self.actions()["rate"]()

    async def block(self, name: str, count: int) -> None:
        action = self.actions()[name]
        values = self.timings.setdefault(name, [])
        for _ in range(count):
            begin = time.perf_counter()
            try:
                await action()
            except AssertionError as exc:  # no answer in time: counted, and the bot's log shown
                self.failures[name] = self.failures.get(name, 0) + 1
                log = "".join(self.bot.lines[-5:]) if self.bot else ""
                print(f"  {self.label} {name}: {exc}\n{log}", flush=True)
                continue
            values.append((time.perf_counter() - begin) * 1000)


def _url_of(url: str, database: str) -> str:
    """`url` for another database of the same server (a file path on SQLite)."""
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def _copy_files(source: str, target: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        origin = Path(str(make_url(source).database) + suffix)
        if origin.exists():
            shutil.copyfile(origin, str(make_url(target).database) + suffix)


async def copy_database(source: str, target: str, name: str) -> str:
    """`target` (a new, empty database) made a copy of `source`; returns its URL."""
    if source.startswith("sqlite"):
        await asyncio.to_thread(_copy_files, source, target)
        return target
    url = make_url(target)
    connection = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password
    )
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        template = make_url(source).database
        await connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await connection.close()
    return target


async def measure(
    checkouts: list[Checkout], backend: str, args: argparse.Namespace
) -> dict[str, dict[str, list[float]]]:
    print(f"{backend}: seeding", flush=True)
    seeded: dict[str, Checkout] = {}
    for index, checkout in enumerate(checkouts):
        checkout.timings = {}
        key = checkout.seed_key()
        await checkout.seed(backend, args.scale, index, seeded.get(key), args.keep_seed)
        seeded.setdefault(key, checkout)
    try:
        for checkout in checkouts:
            await checkout.start()
            await checkout.detect_hours()
            await checkout.warm()
        commands = ["no-op", *args.commands.split(",")]
        for checkout in checkouts:  # warm-up
            for name in commands:
                await checkout.block(name, args.block)
            checkout.timings = {}
        order = list(checkouts)
        for round_ in range(args.rounds):
            for name in commands:
                for checkout in order:
                    await checkout.block(name, args.block)
            order.reverse()
            print(f"  round {round_ + 1}/{args.rounds}", flush=True)
        for checkout in checkouts:
            if checkout.failures:
                print(f"  {checkout.label}: no answer in time: {checkout.failures}", flush=True)
    finally:
        for checkout in checkouts:
            await checkout.stop()
    return {checkout.label: checkout.timings for checkout in checkouts}


def report(backend: str, found: dict[str, dict[str, list[float]]]) -> str:
    labels = list(found)
    first = labels[0]
    header = f"  {'command':<14}{'checkout':<24}{'p50 ms':>8}{'p99 ms':>8}{'x p50':>7}"
    lines = [f"{backend}:", header]
    for name in found[first]:
        base = statistics.median(found[first][name])
        for label in labels:
            values = found[label][name]
            p50 = statistics.median(values)
            lines.append(
                f"  {name:<14}{label:<24}{p50:>8.2f}{percentile(values, 99):>8.2f}"
                f"{p50 / base:>7.2f}  n={len(values)}"
            )
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    checkouts = [Checkout.of(code, i) for i, code in enumerate(args.code or [str(ROOT)])]
    results = {}
    for backend in filter(None, args.backends.split(",")):
        results[backend] = await measure(checkouts, backend, args)
        print(report(backend, results[backend]), flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--code", action="append", help="a checkout of the bot, DIR[@http-clock] (repeatable)"
    )
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--commands",
        default="rate,rate-first,autocomplete",
        help="of no-op (always measured), rate, rate-first, autocomplete, show, propose",
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--block", type=int, default=25, help="commands in a row per turn")
    parser.add_argument("--json", help="also write every timing to this file")
    parser.add_argument(
        "--keep-seed",
        action="store_true",
        help=f"keep each seeded database (in {KEPT} or a PostgreSQL template) for later runs",
    )
    args = parser.parse_args()
    results = asyncio.run(main_async(args))
    if args.json:
        Path(args.json).write_text(json.dumps(results))


if __name__ == "__main__":
    main()
