"""Words that match many venues of a guild with a snapshot: the search walks the snapshot
index, checking the words on the venues it reaches, instead of ordering every match; on
SQLite and PostgreSQL the order is the one a full recomputation gives, unrated venues
included, and the walk reads a page of the index, not every match."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from sqlalchemy import event

from bot.domain import search as search_module
from bot.domain.ranking import Score
from bot.domain.ratings import RatingService, validate_rating
from bot.domain.scores import GuildScores, Scorer, rank_order
from bot.domain.search import SearchService
from bot.domain.venues import VenueService, validate_proposal
from db.engine import Database
from db.repositories import RatingRepository, match_stats
from db.repositories.match_stats import MatchStatsRepository
from db.search import VenueFilter

GUILD = 111_111_111_111_111_111
PROPOSER = 10_000_000_000_000_001


async def _guild(db: Database, venues: int, rated: int, worth: tuple[int, int]) -> list[int]:
    """`venues` venues named "Atelier n" (their ids returned) and two others, the first
    `rated` of the ateliers and one other rated by a few members (worth drawn in `worth`),
    the others unrated."""
    rng = random.Random(venues)
    service = VenueService(db)
    ids = []
    for number in range(venues):
        draft = validate_proposal(name=f"Atelier {number}", kind="meetup", city="Paris")
        ids.append((await service.propose(GUILD, PROPOSER + number, draft)).id)
    others = []
    for name in ("Forum Lyon", "Club Nantes"):
        draft = validate_proposal(name=name, kind="meetup", city="Lyon")
        others.append((await service.propose(GUILD, PROPOSER, draft)).id)
    ratings = RatingService(db)
    for index, venue_id in enumerate([*ids[:rated], others[0]]):
        for member in range(1 + index % 3):
            answer = validate_rating(worth=rng.randint(*worth), hours=rng.choice([1, 2, 4]))
            await ratings.rate(GUILD, venue_id, 60_000 + 3 * index + member, answer)
    return ids


async def _expected(db: Database, ids: list[int], limit: int) -> list[tuple[int, int]]:
    """(venue, ratings) of the best `limit` of `ids`, from a full recomputation."""
    async with db.read() as session:
        full = GuildScores.of(await RatingRepository(session).rows(GUILD))
    want = sorted((full.score(i) for i in ids), key=Score.sort_key)[:limit]
    return [(s.venue_id, s.ratings) for s in want]


async def _walked(db: Database, limit: int) -> tuple[bool, str, Any]:
    """Whether the matches of "atelier" were walked, and the statement that read them."""
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "walk AS MATERIALIZED" in statement:
            captured.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with db.read(consistent=True) as session:
            scorer = await Scorer.of(session, GUILD)
            assert scorer.state.snapshot is not None
            found = await MatchStatsRepository(session).ranked(
                GUILD,
                rank_order(scorer.prior),
                where=VenueFilter(("atelier",)),
                limit=limit,
                margin=1e-6,
            )
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", capture)
    [(statement, parameters)] = captured
    return found.walked, statement, parameters


@pytest.mark.parametrize(("walk_from", "results"), [(1, 3), (1, 100), (10_000, 3)])
@pytest.mark.parametrize("worth", [(1, 5), (1, 1)])
async def test_words_matching_many_venues_give_the_full_order(
    db: Database,
    walk_from: int,
    results: int,
    worth: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Walked (walk_from = 1) or ordered exactly; with venues rated 1 to 5, or all rated 1
    (the unrated venues then come first, which the walk alone cannot tell: the matches are
    then ordered exactly)."""
    monkeypatch.setattr(match_stats, "WALK_FROM", walk_from)
    monkeypatch.setattr(search_module, "RESULTS_MAX", results)
    ateliers = await _guild(db, venues=12, rated=9, worth=worth)
    assert (await _walked(db, results))[0] == (walk_from == 1)
    hits = await SearchService(db).search(GUILD, query="atelier")
    assert [(h.venue.id, h.score.ratings) for h in hits] == await _expected(db, ateliers, results)


async def test_the_walk_reads_a_page_of_the_snapshot_index(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sixty matches, five wanted: the walk reads the snapshot index down to the fifth best
    and the few within the margin, and never orders the matches: on SQLite it runs less
    than half the instructions of ordering them; on PostgreSQL the part that would order
    them is never executed."""
    monkeypatch.setattr(match_stats, "WALK_FROM", 10)
    await _guild(db, venues=60, rated=60, worth=(1, 5))
    walked, statement, parameters = await _walked(db, 5)
    assert walked
    if db.is_sqlite:
        monkeypatch.setattr(match_stats, "WALK_FROM", 10_000)
        exact, ordering, values = await _walked(db, 5)
        assert not exact
        steps, all_steps = (
            await _steps(db, statement, parameters),
            await _steps(db, ordering, values),
        )
        assert steps * 2 < all_steps, (steps, all_steps)
        return
    async with db.engine.connect() as connection:
        # A guild of sixty venues would be read whole: planned as for a big guild.
        await connection.exec_driver_sql("SET enable_seqscan = off")
        explained = await connection.exec_driver_sql(
            "EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters
        )
        plan = explained.scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    assert _index_rows(plan[0]["Plan"], "ix_venue_rating_stats_guild_rit")
    assert _never_executed(plan[0]["Plan"], "CTE matched"), json.dumps(plan, indent=1)


async def _steps(db: Database, statement: str, parameters: Any) -> int:
    """How many virtual machine instructions SQLite runs for the statement."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    async with db.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        await driver.set_progress_handler(count, 1)
        try:
            await connection.exec_driver_sql(statement, parameters)
        finally:
            await driver.set_progress_handler(None, 1)
    return steps


def _never_executed(plan: dict[str, Any], name: str) -> bool:
    """Whether the sub-plan `name` is in the plan and was never executed."""
    if plan.get("Subplan Name") == name:
        return plan.get("Actual Loops", 0) == 0
    return any(_never_executed(child, name) for child in plan.get("Plans", []))


def _index_rows(plan: dict[str, Any], index: str) -> list[int]:
    """The rows each executed scan of `index` gave, in an EXPLAIN (ANALYZE) plan."""
    found = []
    if plan.get("Index Name") == index and plan.get("Actual Loops", 0) > 0:
        found.append(plan["Actual Rows"])
    for child in plan.get("Plans", []):
        found += _index_rows(child, index)
    return found


async def test_without_words_the_walk_is_one_statement(db: Database) -> None:
    """The snapshot index walked for a search without words: the page's last and every
    venue down to the margin below it in one statement (db/repositories/snapshot_walk.py),
    on both databases."""
    ateliers = await _guild(db, venues=8, rated=8, worth=(1, 5))
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "rit_snapshot" in statement and statement.lstrip().upper().startswith(
            ("SELECT", "WITH")
        ):
            statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with db.read(consistent=True) as session:
            scorer = await Scorer.of(session, GUILD)
            best = await scorer.best(where=VenueFilter(city_key="paris"), limit=3, matching=None)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    assert [(s.venue_id, s.ratings) for s in best] == await _expected(db, ateliers, 3)
    assert len(statements) == 1, "\n\n".join(statements)


async def test_words_and_a_city_start_from_the_citys_venues_on_sqlite(db: Database) -> None:
    """SQLite reads the guild's venues in the city from their index, each checked against
    the words' matches by its key (rather than reading every match of the words to check
    its city); the answer is the same."""
    if not db.is_sqlite:
        pytest.skip("SQLite: PostgreSQL checks the city on the full-text index's matches")
    ateliers = await _guild(db, venues=8, rated=6, worth=(1, 5))
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "venue_fts" in statement:
            captured.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
    try:
        hits = await SearchService(db).search(GUILD, query="atelier", city="Paris")
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", capture)
    assert [(h.venue.id, h.score.ratings) for h in hits] == await _expected(db, ateliers, 100)
    [(statement, parameters)] = captured
    async with db.engine.connect() as connection:
        await connection.exec_driver_sql("ANALYZE")
        plan = await connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        details = [row[3] for row in plan]
    assert any("ix_venue_guild_city_key" in d for d in details), details


@pytest.mark.parametrize("walk_from", [1, 1000])
async def test_a_guild_with_fewer_ratings_than_the_walk_needs_orders_its_matches(
    db: Database, walk_from: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A guild with fewer ratings than `WALK_FROM` has fewer rated venues: its searches keep
    the statement that orders the matches, without counting them for a walk first."""
    monkeypatch.setattr(match_stats, "WALK_FROM", walk_from)
    ateliers = await _guild(db, venues=6, rated=4, worth=(1, 5))
    statements: list[str] = []

    def capture(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
    try:
        hits = await SearchService(db).search(GUILD, query="atelier")
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", capture)
    assert [(h.venue.id, h.score.ratings) for h in hits] == await _expected(db, ateliers, 100)
    counted = [s for s in statements if "walk AS MATERIALIZED" in s]
    assert len(counted) == (1 if walk_from == 1 else 0)
