"""The read commands (/venue search and /venue top), timed end to end through the local fake
Discord, for this checkout and others (`--code DIR`: another tree with its own .venv) in
alternating passes over databases seeded by each tree's own code (a tree's bot may not
run on another's schema):

    .venv/bin/python -m benchmarks.reads [--backends sqlite,postgresql] [--code DIR] \
        [--only search,big-search] [--rounds 2] [--repeats 200] [--reuse]

Each pass starts the tree's bot, warms every command up, then times each `--repeats` times.
A tree without benchmarks/big.py gets no big guild, and its big-guild commands are skipped.
`--reuse` keeps the seeded databases between invocations (seeded again only when missing).
Prints each pass's p50 / p99 and, at the end, the median over passes per tree."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from benchmarks.harness import (
    DEFAULT_POSTGRES,
    ROOT,
    BotProcess,
    bot_env,
    percentile,
    postgres_url,
)
from tests.fakediscord import FakeDiscord, Guild, User

STATE = Path("/tmp/bonnes-places-reads")
#: Run in the tree's own interpreter: its seed, and the big guild when it has one.
SEED = """
import asyncio, json, sys
from pathlib import Path
from benchmarks.seed import seed
url, scale, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
async def main():
    s = await seed(url, scale=scale)
    found = {"guilds": {str(g): s.members_by_guild[g][:10] for g in s.guild_ids}}
    if Path("benchmarks/big.py").exists():
        from benchmarks.big import seed_big_guild
        b = await seed_big_guild(url)
        found["big"] = {"guild": b.guild_id, "members": b.members[1:51],
                        "venues": b.venue_ids[:500]}
    Path(out).write_text(json.dumps(found))
asyncio.run(main())
"""
QUERIES = ["cafe", "rust", "developpeurs", "cloud", "atelier"]
CITIES = ["Paris", "Lyon", "Montréal"]


class Pass:
    """One tree's bot on its seeded database: the commands, timed."""

    def __init__(self, fake: FakeDiscord, seeded: dict[str, Any]) -> None:
        self.fake, self.rng = fake, random.Random(7)
        self.guilds: dict[int, tuple[Guild, list[User]]] = {}
        for key, members in seeded["guilds"].items():
            guild_id = int(key)
            guild = fake.add_guild(
                f"G{guild_id % 10000}", guild_id=guild_id, general_id=guild_id + 1
            )
            users = [User(id=m, username=f"m{m % 100000}") for m in members]
            for user in users:
                fake.users[user.id] = user
            self.guilds[guild_id] = (guild, users)
        self.big: tuple[Guild, list[User]] | None = None
        if "big" in seeded:
            big = seeded["big"]
            guild = fake.add_guild("Big", guild_id=big["guild"], general_id=big["guild"] + 1)
            users = [User(id=m, username=f"b{m % 10000}") for m in big["members"]]
            for user in users:
                fake.users[user.id] = user
            self.big = (guild, users)
        self.big_venues: list[int] = seeded.get("big", {}).get("venues", [])

    async def prepare(self) -> None:
        """One rating in the big guild, as a live guild has had: it takes the guild's
        snapshot, which the seed leaves for the first rating to take."""
        if self.big is not None:
            await self._slash(
                self.big,
                "venue rate",
                venue=str(self.rng.choice(self.big_venues)),
                worth=4,
                hours="2",
            )

    async def _slash(self, where: tuple[Guild, list[User]], command: str, **options: Any) -> None:
        guild, users = where
        interaction = await self.fake.slash(
            command, guild=guild, user=self.rng.choice(users), **options
        )
        await interaction.response(timeout=30)

    def _any(self) -> tuple[Guild, list[User]]:
        return self.guilds[self.rng.choice(list(self.guilds))]

    def actions(self) -> dict[str, Callable[[], Awaitable[None]]]:
        rng = self.rng

        async def noop() -> None:
            guild, users = self._any()
            interaction = await self.fake.slash(
                "venue show", guild=guild, user=users[0], validate=False, venue=1
            )
            await interaction.response(timeout=10)

        found: dict[str, Callable[[], Awaitable[None]]] = {
            "no-op": noop,
            "search": lambda: self._slash(
                self._any(), "venue search", query=rng.choice(QUERIES), city=rng.choice(CITIES)
            ),
            "search (query only)": lambda: self._slash(
                self._any(), "venue search", query=rng.choice(["cafe", "rust"])
            ),
            "search (no query)": lambda: self._slash(self._any(), "venue search"),
        }
        big = self.big
        if big is not None:
            found.update(
                {
                    "big search (query)": lambda: self._slash(big, "venue search", query="rust"),
                    "big search (query + city)": lambda: self._slash(
                        big, "venue search", query="cafe", city="Paris"
                    ),
                    "big search (no query)": lambda: self._slash(big, "venue search"),
                    "big top week": lambda: self._slash(big, "venue top", period="week"),
                    "big top month": lambda: self._slash(big, "venue top", period="month"),
                    "big top all": lambda: self._slash(big, "venue top", period="all"),
                }
            )
        return found


async def _seeded(code: Path, backend: str, scale: float, reuse: bool) -> tuple[str, Any]:
    """The tree's database for `backend`, seeded by the tree's own code (kept with
    `reuse`), and what was seeded."""
    name = f"bonnes_places_reads_{code.name}_{backend}".replace("-", "_")
    record = STATE / f"{name}.json"
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{STATE / name}.db"
    else:
        base = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
        url = base.rsplit("/", 1)[0] + "/" + name
    if reuse and record.exists():
        return url, _read(record)
    if backend == "sqlite":
        _forget(STATE / f"{name}.db")
    else:
        made = await postgres_url(os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES), name)
        if made is None:
            raise SystemExit("PostgreSQL is not reachable")
    began = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        str(code / ".venv" / "bin" / "python"),
        "-c",
        SEED,
        url,
        str(scale),
        str(record),
        cwd=str(code),
        env={**os.environ, "PYTHONPATH": str(code)},
    )
    if await process.wait() != 0:
        raise SystemExit(f"seeding {code} failed")
    print(f"{backend} {code}: seeded in {time.perf_counter() - began:.0f} s", flush=True)
    return url, _read(record)


def _read(record: Path) -> Any:
    return json.loads(record.read_text())


def _forget(database: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)


async def _run_pass(
    code: Path, url: str, seeded: Any, only: list[str], repeats: int
) -> dict[str, list[float]]:
    fake = await FakeDiscord().start()
    try:
        bench = Pass(fake, seeded)
        env = bot_env(fake, url, RECONCILE_DAYS="0")
        env["PYTHONPATH"] = str(code)
        bot = await BotProcess.start(
            env, timeout=300, python=str(code / ".venv" / "bin" / "python")
        )
        try:
            await bench.prepare()
            actions = {
                name: action
                for name, action in bench.actions().items()
                if not only or name == "no-op" or any(name.startswith(o) for o in only)
            }
            timings: dict[str, list[float]] = {}
            for name, action in actions.items():
                for _ in range(max(5, repeats // 10)):
                    await action()
                values = []
                for _ in range(repeats):
                    begin = time.perf_counter()
                    await action()
                    values.append((time.perf_counter() - begin) * 1000)
                timings[name] = values
            return timings
        finally:
            await bot.stop()
    finally:
        await fake.stop()


async def main_async(args: argparse.Namespace) -> None:
    codes: list[Path] = args.code
    only = [o.strip() for o in args.only.split(",") if o.strip()]
    for backend in args.backends.split(","):
        databases = [await _seeded(code, backend, args.scale, args.reuse) for code in codes]
        summary: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for round_ in range(args.rounds):
            order = list(zip(codes, databases, strict=True))
            if round_ % 2:
                order.reverse()
            for code, (url, seeded) in order:
                timings = await _run_pass(code, url, seeded, only, args.repeats)
                for name, values in timings.items():
                    p50, p99 = statistics.median(values), percentile(values, 99)
                    summary.setdefault((name, code.name), []).append((p50, p99))
                    print(
                        f"{backend} round {round_ + 1} {code.name:<12} {name:<28} "
                        f"p50 {p50:6.1f} ms  p99 {p99:6.1f} ms",
                        flush=True,
                    )
        print(f"{backend}: median over {args.rounds} passes (p50 / p99, ms)")
        for (name, code_name), figures in sorted(summary.items()):
            p50 = statistics.median(f[0] for f in figures)
            p99 = statistics.median(f[1] for f in figures)
            passes = " ".join(f"{a:.1f}/{b:.1f}" for a, b in figures)
            print(f"  {name:<28} {code_name:<12} {p50:6.1f} / {p99:6.1f}   [{passes}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--code", action="append", default=[], help="another tree to compare")
    parser.add_argument("--only", default="", help="command name prefixes, comma-separated")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="keep the seeded databases")
    args = parser.parse_args()
    args.code = [Path(c).resolve() for c in [str(ROOT), *args.code]]
    STATE.mkdir(exist_ok=True)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
