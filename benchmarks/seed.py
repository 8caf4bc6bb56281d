"""Deterministic bulk data for the benchmarks: guilds, venues, ratings, votes, visits.

Bulk Core inserts in chunks, not the command path. Usage:
    python -m benchmarks.seed DATABASE_URL [--scale 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import random
import time
from dataclasses import dataclass, field

from sqlalchemy import insert, text

from bot.domain.ranking import TIER_WEIGHTS, rating_value
from bot.domain.scores import rebuild_rankings
from bot.domain.text import fold, normalize_name
from bot.domain.vocabulary import VENUE_KINDS
from db.engine import Database
from db.migrate import upgrade
from db.models import Rating, Venue, VenueTag, Visit, Vote

DISCORD_EPOCH_MS = 1420070400000
CHUNK = 5000

FULL = {"guilds": 1000, "venues": 100_000, "ratings": 300_000, "votes": 500_000, "visits": 50_000}

WORDS_FR = [
    "Café",
    "Atelier",
    "Rencontres",
    "Forum",
    "Club",
    "Cercle",
    "Salon",
    "Apéro",
    "Conférence",
    "Séminaire",
    "Numérique",
    "Développeurs",
    "Entrepreneurs",
    "Données",
    "Écologie",
    "Santé",
    "Éducation",
    "Créateurs",
    "Réseau",
    "Ingénieurs",
]
WORDS_EN = [
    "Meetup",
    "Builders",
    "Founders",
    "Summit",
    "Hub",
    "Lab",
    "Guild",
    "Night",
    "Breakfast",
    "Talks",
    "Open",
    "Cloud",
    "Rust",
    "Python",
    "Design",
    "Product",
    "Growth",
    "Security",
    "Data",
    "AI",
]
CITIES = [
    "Paris",
    "Lyon",
    "Marseille",
    "Toulouse",
    "Nantes",
    "Lille",
    "Bordeaux",
    "Rennes",
    "Montréal",
    "Québec",
    "Genève",
    "Lausanne",
    "Bruxelles",
    "Liège",
    "London",
    "Berlin",
    "Zürich",
    "Saint-Étienne",
    "Besançon",
    "Nîmes",
]
TAGS = [
    "ia",
    "rust",
    "python",
    "startup",
    "design",
    "data",
    "cloud",
    "réseau",
    "santé",
    "climat",
    "produit",
    "sécurité",
]
DESCRIPTIONS = [
    "Des intervenants qui ont vraiment livré, puis un verre pour échanger.",
    "Talks by people who ship, then drinks. Real experience, no pitch decks.",
    "Petit comité, beaucoup de fond : on repart avec des contacts utiles.",
    "A monthly gathering of practitioners; bring your hardest question.",
]


def snowflake(rng: random.Random, days_ago: int = 400) -> int:
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS - rng.randrange(days_ago * 86_400_000)
    return (ms << 22) | rng.randrange(1 << 22)


@dataclass(frozen=True)
class Seeded:
    guild_ids: list[int]
    venue_ids_by_guild: dict[int, list[int]]
    members_by_guild: dict[int, list[int]]
    announcements: dict[int, int]  # venue id -> announcement message id
    seconds: float
    #: venue id -> (member, value) of its votes, each a reaction on its announcement
    votes_by_venue: dict[int, list[tuple[int, int]]] = field(default_factory=dict)


async def seed(url: str, *, scale: float = 1.0, seed_value: int = 20261126) -> Seeded:
    sizes = {key: max(1, int(value * scale)) for key, value in FULL.items()}
    rng = random.Random(seed_value)
    await upgrade(url)
    db = Database(url)
    started = time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    guild_ids = sorted({snowflake(rng) for _ in range(sizes["guilds"])})
    members = {g: [snowflake(rng) for _ in range(60)] for g in guild_ids}
    venues_by_guild: dict[int, list[int]] = {g: [] for g in guild_ids}
    announcements: dict[int, int] = {}
    try:
        async with db.write() as session:
            for table in (
                "vote",
                "rating",
                "visit",
                "venue_tag",
                "routine_member",
                "routine",
                "digest_run",
                "venue",
                "guild_settings",
                "member_profile",
            ):
                await session.execute(text(f"DELETE FROM {table}"))
        venue_rows, tag_rows = [], []
        names_seen: set[tuple[int, str, str]] = set()
        for venue_id in range(1, sizes["venues"] + 1):
            guild = guild_ids[venue_id % len(guild_ids)]
            while True:
                words = rng.sample(WORDS_FR if venue_id % 2 else WORDS_EN, 2)
                name = f"{words[0]} {words[1]} {rng.randrange(1000)}"
                city = rng.choice(CITIES)
                key = (guild, normalize_name(name), normalize_name(city))
                if key not in names_seen:
                    names_seen.add(key)
                    break
            tags = rng.sample(TAGS, rng.randrange(4))
            description = rng.choice(DESCRIPTIONS)
            message_id = snowflake(rng)
            announcements[venue_id] = message_id
            venue_rows.append(
                {
                    "id": venue_id,
                    "guild_id": guild,
                    "name": name,
                    "normalized_name": normalize_name(name),
                    "kind": rng.choice(VENUE_KINDS),
                    "city": city,
                    "city_key": normalize_name(city),
                    "address": None,
                    "url": None,
                    "description": description,
                    "proposer_id": rng.choice(members[guild]),
                    "status": "active",
                    "created_at": now - dt.timedelta(minutes=rng.randrange(525_600)),
                    "updated_at": now,
                    "announcement_channel_id": guild + 1,
                    "announcement_message_id": message_id,
                    "search_text": fold(" ".join([name, city, description, *tags])),
                    "net_votes": 0,
                }
            )
            tag_rows += [
                {"venue_id": venue_id, "guild_id": guild, "tag": tag, "position": i}
                for i, tag in enumerate(tags)
            ]
            venues_by_guild[guild].append(venue_id)
        proposers = {row["id"]: row["proposer_id"] for row in venue_rows}
        guild_of = {row["id"]: row["guild_id"] for row in venue_rows}

        rating_rows, seen = [], set()
        while len(rating_rows) < sizes["ratings"]:
            venue = rng.randrange(1, sizes["venues"] + 1)
            member = rng.choice(members[guild_of[venue]])
            if (venue, member) in seen or member == proposers[venue]:
                continue
            seen.add((venue, member))
            moment = now - dt.timedelta(minutes=rng.randrange(525_600))
            rating_rows.append(
                {
                    "guild_id": guild_of[venue],
                    "venue_id": venue,
                    "member_id": member,
                    "worth": rng.choices([1, 2, 3, 4, 5], [1, 2, 4, 6, 4])[0],
                    "substance": rng.choice([None, 3, 4, 5]),
                    "experience": None,
                    "connections": rng.choice([None, 2, 4]),
                    "hours": rng.choice([0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 8.0]),
                    "comment": rng.choice([None, None, "Très utile", "Worth it"]),
                    "created_at": moment,
                    "updated_at": moment,
                }
            )
        rating_rows = [_derived(row) for row in rating_rows]
        vote_rows, seen_votes = [], set()
        votes_by_venue: dict[int, list[tuple[int, int]]] = {}
        net: dict[int, int] = {}
        while len(vote_rows) < sizes["votes"]:
            venue = rng.randrange(1, sizes["venues"] + 1)
            member = rng.choice(members[guild_of[venue]])
            value = rng.choice([1, 1, 1, -1])
            if (venue, member, value) in seen_votes or member == proposers[venue]:
                continue
            seen_votes.add((venue, member, value))
            net[venue] = net.get(venue, 0) + value
            votes_by_venue.setdefault(venue, []).append((member, value))
            vote_rows.append(
                {
                    "guild_id": guild_of[venue],
                    "venue_id": venue,
                    "member_id": member,
                    "value": value,
                    "on_announcement": True,
                    "created_at": now,
                }
            )
        for row in venue_rows:
            row["net_votes"] = net.get(row["id"], 0)
        timings = {}
        for model, rows in (
            (Venue, venue_rows),
            (VenueTag, tag_rows),
            (Rating, rating_rows),
            (Vote, vote_rows),
        ):
            begin = time.perf_counter()
            await _bulk(db, model, rows)
            timings[model.__tablename__] = time.perf_counter() - begin
        async with db.write() as session:  # sums and snapshots, as a running bot has them
            await rebuild_rankings(session)

        visit_rows, seen_visits = [], set()
        today = now.date()
        while len(visit_rows) < sizes["visits"]:
            venue = rng.randrange(1, sizes["venues"] + 1)
            member = rng.choice(members[guild_of[venue]])
            day = today - dt.timedelta(days=rng.randrange(120))
            if (venue, member, day) in seen_visits:
                continue
            seen_visits.add((venue, member, day))
            visit_rows.append(
                {
                    "guild_id": guild_of[venue],
                    "venue_id": venue,
                    "member_id": member,
                    "visited_on": day,
                    "hours": rng.choice([1.0, 1.5, 2.0, 3.0]),
                    "created_at": now,
                }
            )
        await _bulk(db, Visit, visit_rows)
        if db.is_sqlite:
            async with db.write() as session:
                await session.execute(text("ANALYZE"))
        else:
            async with db.engine.connect() as connection:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                # The venues were inserted with their ids: the sequence goes past them, or
                # every proposal during the run would collide with a seeded venue.
                await connection.execute(text(ADVANCE_VENUE_IDS))
                # As autovacuum leaves a live server (the test server runs without it):
                # the visibility map set, so a covering index is read without the table.
                await connection.execute(text("VACUUM ANALYZE"))
    finally:
        await db.dispose()
    return Seeded(
        guild_ids,
        venues_by_guild,
        members,
        announcements,
        time.perf_counter() - started,
        votes_by_venue,
    )


ADVANCE_VENUE_IDS = (
    "SELECT setval(pg_get_serial_sequence('venue', 'id'), (SELECT max(id) FROM venue))"
)


def _derived(row: dict) -> dict:
    """A seeded rating with what the bot derives when it writes one (each member's only
    rating of the venue, no visit known)."""
    criteria = (row["substance"], row["experience"], row["connections"])
    return {
        **row,
        "value": rating_value(row["worth"], criteria),
        "weight": TIER_WEIGHTS["none"],
        "log_hours": math.log(row["hours"]),
    }


async def _bulk(db: Database, model: type, rows: list[dict]) -> None:
    """Core executemany on the table, one transaction per chunk."""
    table = model.__table__  # type: ignore[attr-defined]
    for start in range(0, len(rows), CHUNK):
        async with db.write_engine.begin() as connection:
            await connection.execute(insert(table), rows[start : start + CHUNK])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    seeded = asyncio.run(seed(args.url, scale=args.scale))
    print(f"seeded {len(seeded.guild_ids)} guilds in {seeded.seconds:.1f} s")


if __name__ == "__main__":
    main()
