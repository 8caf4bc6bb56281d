"""One big guild: the cost of each venue command as the guild grows, at the service level
(the domain services the cogs call, on a real database; no Discord in between).

    .venv/bin/python -m benchmarks.guild_scale [--venues 20000] [--ratings 200000]
        [--backend sqlite|postgresql] [--rounds 200]

Prints p50 and p99 in milliseconds for show, rate, search (with and without a query), top
(each period), autocomplete and profile. PostgreSQL is used at BENCH_POSTGRES_URL (default:
the local server); the script creates and drops its own database there.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import os
import random
import secrets
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import make_url

from bot.domain.profiles import ProfileService
from bot.domain.ratings import RatingService, validate_rating
from bot.domain.search import SearchService
from bot.domain.text import fold, normalize_name
from bot.domain.venues import VenueService
from db.engine import Database
from db.migrate import upgrade
from db.models import Rating, Venue

GUILD = 900_000_000_000_000_001
NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)
WORDS = ["Café", "Forum", "Cordée", "Atelier", "Meetup", "Club", "Halle", "Dojo", "Fabrique"]
CITIES = ["Paris", "Lyon", "Nantes", "Lille", "Bordeaux", "Marseille"]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def _derive(row: dict[str, Any]) -> dict[str, Any]:
    """The columns the rating history adds, when this tree has them."""
    if "weight" not in Rating.__table__.c:  # type: ignore[attr-defined]
        return row
    from bot.domain.ranking import TIER_WEIGHTS, rating_value

    criteria = (row["substance"], None, row["connections"])
    return {
        **row,
        "value": rating_value(row["worth"], criteria),
        "weight": TIER_WEIGHTS["none"],
        "log_hours": math.log(row["hours"]),
    }


async def seed(db: Database, venues: int, ratings: int, rng: random.Random) -> None:
    venue_rows = []
    for venue_id in range(1, venues + 1):
        name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {venue_id}"
        city = rng.choice(CITIES)
        venue_rows.append(
            {
                "id": venue_id,
                "guild_id": GUILD,
                "name": name,
                "normalized_name": normalize_name(name),
                "kind": rng.choice(["meetup", "afterwork", "conference", "coworking"]),
                "city": city,
                "city_key": normalize_name(city),
                "description": "Des rencontres entre développeurs",
                "proposer_id": 1,
                "status": "active",
                "created_at": NOW - dt.timedelta(days=rng.randrange(365)),
                "updated_at": NOW,
                "search_text": fold(f"{name} {city} des rencontres entre developpeurs"),
                "net_votes": 0,
            }
        )
    members = ratings // 10 + 1
    seen: set[tuple[int, int]] = set()
    rating_rows = []
    while len(rating_rows) < ratings:
        venue, member = rng.randrange(1, venues + 1), 10 + rng.randrange(members)
        if (venue, member) in seen:
            continue
        seen.add((venue, member))
        moment = NOW - dt.timedelta(minutes=rng.randrange(525_600))
        row = {
            "guild_id": GUILD,
            "venue_id": venue,
            "member_id": member,
            "worth": rng.choices([1, 2, 3, 4, 5], [1, 2, 4, 6, 4])[0],
            "substance": rng.choice([None, 3, 4, 5]),
            "connections": rng.choice([None, 2, 4]),
            "hours": rng.choice([0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 8.0]),
            "created_at": moment,
            "updated_at": moment,
        }
        rating_rows.append(_derive(row))
    for table, rows in ((Venue.__table__, venue_rows), (Rating.__table__, rating_rows)):
        for start in range(0, len(rows), 5000):
            async with db.write_engine.begin() as connection:
                await connection.execute(insert(table), rows[start : start + 5000])
    try:
        from db.repositories import RatingStatsRepository  # type: ignore[attr-defined]

        async with db.write() as session:
            await RatingStatsRepository(session).rebuild(now=NOW)  # the moment measured
    except ImportError:  # a tree without kept sums
        pass
    if db.write_engine.dialect.name == "postgresql":  # statistics, as a live server has
        async with db.write_engine.connect() as connection:
            await connection.execute(text("COMMIT"))
            await connection.execute(text("ANALYZE"))


async def measure(
    name: str, call: Callable[[int], Awaitable[object]], rounds: int
) -> tuple[str, float, float]:
    for i in range(3):
        await call(i)
    times = []
    for i in range(rounds):
        begin = time.perf_counter()
        await call(i)
        times.append((time.perf_counter() - begin) * 1000)
    return name, _percentile(times, 50), _percentile(times, 99)


async def run(url: str, venues: int, ratings: int, rounds: int) -> list[tuple[str, float, float]]:
    """Seed one guild in the (empty) database at `url`, then measure each command: (name,
    p50 ms, p99 ms), printed as they come."""
    await upgrade(url)
    db = Database(url)
    rng = random.Random(7)
    try:
        begin = time.perf_counter()
        await seed(db, venues, ratings, rng)
        print(f"seeded {venues} venues, {ratings} ratings in {time.perf_counter() - begin:.1f} s")
        venue_ids = list(range(1, venues + 1))
        search, details = SearchService(db), VenueService(db)
        rate, profile = RatingService(db), ProfileService(db)

        async def rate_one(i: int) -> object:
            answer = validate_rating(worth=1 + i % 5, hours=1 + i % 3)
            return await rate.rate(GUILD, rng.choice(venue_ids), 5_000_000 + i, answer, now=NOW)

        cases: list[tuple[str, Callable[[int], Awaitable[object]]]] = [
            ("show", lambda i: details.details(GUILD, rng.choice(venue_ids))),
            ("rate", rate_one),
            ("search (no query)", lambda i: search.search(GUILD)),
            ("search (query)", lambda i: search.search(GUILD, query="cafe forum")),
            ("top all", lambda i: search.top(GUILD, period="all", now=NOW)),
            ("top month", lambda i: search.top(GUILD, period="month", now=NOW)),
            ("top week", lambda i: search.top(GUILD, period="week", now=NOW)),
            ("autocomplete", lambda i: details.autocomplete(GUILD, "caf")),
            ("profile", lambda i: profile.profile(GUILD, 10 + i, viewer_id=10 + i, now=NOW)),
        ]
        print(f"{'command':<20} {'p50 ms':>8} {'p99 ms':>8}")
        results = []
        for name, call in cases:
            results.append(await measure(name, call, rounds))
            print(f"{name:<20} {results[-1][1]:>8.1f} {results[-1][2]:>8.1f}", flush=True)
        return results
    finally:
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--venues", type=int, default=20_000)
    parser.add_argument("--ratings", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    asyncio.run(_main(args))


async def _main(args: argparse.Namespace) -> None:
    async with fresh_database(args.backend) as url:
        await run(url, args.venues, args.ratings, args.rounds)


@asynccontextmanager
async def fresh_database(backend: str) -> AsyncIterator[str]:
    """The URL of a new, empty database on `backend`, removed afterwards: a file in a
    temporary folder, or a database created next to BENCH_POSTGRES_URL's (default: the
    local server)."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite+aiosqlite:///{Path(folder) / 'scale.db'}"
        return
    import asyncpg

    base = make_url(
        os.environ.get("BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    )
    name = f"bp_scale_{secrets.token_hex(3)}"
    admin = await asyncpg.connect(
        host=base.host, port=base.port or 5432, user=base.username, database=base.database
    )
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    main()
