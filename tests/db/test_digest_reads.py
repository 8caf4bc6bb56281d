"""The digest's best places, summed and ranked in the database: the same venues, in the same
order, with the same scores as the weekly view computed from the ratings themselves, on
SQLite and PostgreSQL; and how many statements a digest costs."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import event, update

from bot.domain.digest import DigestService
from bot.domain.ratings import RatingService, validate_rating
from bot.domain.scores import Scorer
from bot.domain.venues import VenueService, validate_proposal
from db.engine import Database
from db.models import Venue
from db.repositories import GuildConfigRepository

GUILD = 111_111_111_111_111_111
PROPOSER = 10_000_000_000_000_001
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


async def _seed(db: Database, rng: random.Random) -> list[int]:
    venues = [
        (
            await VenueService(db).propose(
                GUILD,
                PROPOSER + i,
                validate_proposal(name=f"Lieu {i}", kind="meetup", city=f"Ville {i % 3}"),
            )
        ).id
        for i in range(12)
    ]
    ratings = RatingService(db)
    for _ in range(90):
        moment = NOW - dt.timedelta(minutes=rng.randrange(40 * 24 * 60))
        rating = validate_rating(worth=rng.randint(1, 5), hours=rng.choice([0.5, 1, 2, 3, 8]))
        member = 20_000 + rng.randrange(25)
        await ratings.rate(GUILD, rng.choice(venues), member, rating, now=moment)
    return venues


async def test_best_places_ranked_in_the_database_match_the_weekly_view(db: Database) -> None:
    await _seed(db, random.Random(7))
    data = await DigestService(db).gather(GUILD, NOW)
    async with db.read() as session:
        expected = await (await Scorer.of(session, GUILD)).recent(NOW, limit=5)
    assert [v.id for v in data.top] == [s.venue_id for s in expected]
    for shown, score in zip(data.top, expected, strict=True):
        assert abs(shown.rit - score.rit) < 1e-9
        assert shown.ratings == score.ratings
    assert sum(v.new_ratings for v in data.top) > 0


async def test_a_digest_reads_each_section_in_one_statement(db: Database) -> None:
    await _seed(db, random.Random(11))
    async with db.write() as session:
        await GuildConfigRepository(session).upsert(GUILD, timezone="Europe/Paris")
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        await DigestService(db).gather(GUILD, NOW)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    # The configuration, new proposals, visits, quotes, routines, the prior and the best
    # places: nothing per venue, per member or per row; without a routine, no streak nor
    # past gathering to read.
    assert len(statements) <= 7, "\n\n".join(statements)


async def test_removed_and_pending_venues_are_left_out_of_the_best_places(db: Database) -> None:
    await _seed(db, random.Random(7))
    best = [v.id for v in (await DigestService(db).gather(GUILD, NOW)).top]
    async with db.write() as session:
        await session.execute(update(Venue).where(Venue.id == best[0]).values(status="removed"))
        await session.execute(update(Venue).where(Venue.id == best[1]).values(status="pending"))
    data = await DigestService(db).gather(GUILD, NOW)
    async with db.read() as session:
        expected = await (await Scorer.of(session, GUILD)).recent(NOW, limit=5)
    assert [v.id for v in data.top] == [s.venue_id for s in expected]
    assert not {best[0], best[1]} & {v.id for v in data.top}
    assert best[2] in {v.id for v in data.top}


async def test_a_digest_builds_its_statements_once_for_every_guild(db: Database) -> None:
    """Building a statement costs more than the database takes to answer it: each
    section's statement is built once and bound to each guild's values."""
    await _seed(db, random.Random(11))
    executed: list[list[int]] = []

    def seen(_conn: Any, clause: Any, *_: Any) -> None:
        executed[-1].append(id(clause))

    event.listen(db.engine.sync_engine, "before_execute", seen)
    try:
        for guild_id in (GUILD, GUILD + 1, GUILD):
            executed.append([])
            await DigestService(db).gather(guild_id, NOW)
    finally:
        event.remove(db.engine.sync_engine, "before_execute", seen)
    first, other, again = executed
    assert first == again
    assert set(other) <= set(first)
