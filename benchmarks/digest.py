"""The digest's composition alone, at benchmark scale: per guild, the time to gather and
compose it (p50 / p99) and the statements it sends, on SQLite and PostgreSQL, and for the
big guild. Seed once, then measure the code as it is, or another checkout of it (`--code`,
e.g. an export of an earlier commit) against the same data, alternately in one run:

    .venv/bin/python -m benchmarks.digest seed [--backends sqlite,postgresql] [--scale 1.0]
    .venv/bin/python -m benchmarks.digest measure [--code DIR] [--label before]

The composition is what `make bench` reports as "digest composition" (gather + compose,
no chart): `DigestService.gather` then `compose_digest`, one guild after another.
DIGEST_BENCH_STATE (the state file, the SQLite database beside it) and
DIGEST_BENCH_PG_DATABASE (the PostgreSQL database) keep two seeded sets apart.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

STATE = Path(os.environ.get("DIGEST_BENCH_STATE", "/tmp/bonnes-places-digest-bench.json"))
SQLITE_FILE = STATE.with_suffix(".db")
PG_DATABASE = os.environ.get("DIGEST_BENCH_PG_DATABASE", "bonnes_places_digest_bench")
BIG_REPEATS = int(os.environ.get("DIGEST_BENCH_BIG_REPEATS", "15"))


def _use_code(directory: str) -> None:
    """Import the project from `directory` instead of this checkout (an editable install's
    finder would otherwise win over sys.path)."""
    sys.path.insert(0, str(Path(directory).resolve()))
    sys.meta_path[:] = [
        finder for finder in sys.meta_path if "editable" not in type(finder).__name__.lower()
    ]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


async def _pg_url(base: str) -> str:
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(base.replace("postgresql+asyncpg", "postgresql"))
    connection = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, database=url.database
    )
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    finally:
        await connection.close()
    return make_url(base).set(database=PG_DATABASE).render_as_string(hide_password=False)


def _fresh_sqlite() -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
    return f"sqlite+aiosqlite:///{SQLITE_FILE}"


async def seed_all(backends: list[str], scale: float, big_scale: float) -> dict[str, Any]:
    from benchmarks.big import seed_big_guild
    from benchmarks.seed import seed

    state: dict[str, Any] = {"scale": scale, "big_scale": big_scale, "backends": {}}
    for backend in backends:
        if backend == "sqlite":
            url = _fresh_sqlite()
        else:
            url = await _pg_url(os.environ["TEST_DATABASE_URL"])
        began = time.perf_counter()
        seeded = await seed(url, scale=scale)
        big = await seed_big_guild(url, scale=big_scale) if big_scale else None
        print(f"{backend}: seeded in {time.perf_counter() - began:.0f} s", flush=True)
        state["backends"][backend] = {
            "url": url,
            "guild_ids": seeded.guild_ids,
            "big_guild_id": big.guild_id if big else None,
        }
    return state


async def _measure_guilds(url: str, guild_ids: list[int], repeats: int = 1) -> dict[str, float]:
    from sqlalchemy import event

    compose_digest = importlib.import_module("bot.domain.digest").compose_digest
    service_class = importlib.import_module("bot.domain.digest").DigestService
    database = importlib.import_module("db.engine").Database(url)
    counted: list[int] = [0]

    def count(*_: Any) -> None:
        counted[0] += 1

    timings: list[float] = []
    statements: list[int] = []
    service = service_class(database)
    try:
        for guild_id in guild_ids[:20]:  # warm the pool and the statement caches
            compose_digest(await service.gather(guild_id), "fr")
        event.listen(database.engine.sync_engine, "before_cursor_execute", count)
        for _ in range(repeats):
            for guild_id in guild_ids:
                counted[0] = 0
                began = time.perf_counter()
                compose_digest(await service.gather(guild_id), "fr")
                timings.append((time.perf_counter() - began) * 1000)
                statements.append(counted[0])
    finally:
        await database.dispose()
    return {
        "runs": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p99_ms": round(_percentile(timings, 99), 2),
        "statements": round(statistics.mean(statements), 1),
    }


async def measure(state: dict[str, Any], label: str) -> None:
    for backend, entry in state["backends"].items():
        result: dict[str, Any] = {"label": label, "backend": backend}
        result["guilds"] = await _measure_guilds(entry["url"], entry["guild_ids"])
        if entry["big_guild_id"] is not None:
            result["big_guild"] = await _measure_guilds(
                entry["url"], [entry["big_guild_id"]], repeats=BIG_REPEATS
            )
        print(json.dumps(result), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=["seed", "measure"])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--big-scale", type=float, default=1.0, help="0: no big guild")
    parser.add_argument("--code", help="measure the project found in this directory")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    if args.code:
        _use_code(args.code)
    if args.action == "seed":
        state = asyncio.run(seed_all(args.backends.split(","), args.scale, args.big_scale))
        STATE.write_text(json.dumps(state))
    else:
        state = json.loads(STATE.read_text())
        asyncio.run(measure(state, args.label or (args.code or "this checkout")))


if __name__ == "__main__":
    main()
