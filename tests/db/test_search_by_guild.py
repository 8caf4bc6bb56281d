"""Full-text search within one guild, on SQLite and PostgreSQL: each guild finds only its
own venues however common a word is elsewhere, the index follows every change of a venue,
and a search reads the matches once."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import event

from bot.domain.privacy import PrivacyService
from bot.domain.ratings import RatingService, validate_rating
from bot.domain.search import SearchService
from bot.domain.venues import VenueService, validate_proposal
from bot.domain.votes import VoteEvent, VoteService
from db.engine import Database
from db.migrate import upgrade_sync
from tests.db.raw_sql import execute

GUILD, OTHER = 111_111_111_111_111_111, 222_222_222_222_222_222
ALICE, BOB, CAROL = 10_000_000_000_000_001, 10_000_000_000_000_002, 10_000_000_000_000_003
NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)


async def add(
    db: Database, name: str, guild: int = GUILD, member: int = ALICE, **extra: str
) -> Any:
    draft = validate_proposal(name=name, kind="meetup", city=extra.pop("city", "Paris"), **extra)
    return await VenueService(db).propose(guild, member, draft)


async def found(db: Database, query: str, guild: int = GUILD, **filters: str) -> list[str]:
    hits = await SearchService(db).search(guild, query=query, **filters)
    return [hit.venue.name for hit in hits]


async def test_a_word_common_in_another_guild_finds_only_this_guilds_venues(
    db: Database,
) -> None:
    for number in range(30):
        await add(db, f"Kubernetes Meetup {number}", guild=OTHER, member=500 + number)
    await add(db, "Kubernetes Paris")
    await add(db, "Rust Lyon", description="Pas de conteneurs ici")
    assert await found(db, "kubernetes") == ["Kubernetes Paris"]
    assert await found(db, "kube", sort="recent") == ["Kubernetes Paris"]
    assert await found(db, "meetup") == []
    assert len(await found(db, "meetup", guild=OTHER)) == 30
    assert await found(db, "rust", guild=OTHER) == []


async def test_the_guilds_own_id_is_no_word_of_its_venues(db: Database) -> None:
    await add(db, "Café des Devs")
    digits = str(GUILD)
    assert await found(db, digits) == []
    assert await found(db, digits[:6]) == []
    assert await found(db, f"cafe {digits}") == []
    assert await found(db, "cafe") == ["Café des Devs"]


async def test_the_index_follows_edits_removals_discards_and_erasures(db: Database) -> None:
    venues = VenueService(db)
    cafe = await add(db, "Café des Devs", tags="rust")
    forum = await add(db, "Forum Numérique")
    await add(db, "Café Ailleurs", guild=OTHER)
    await venues.edit(
        GUILD, cafe.id, ALICE, {"name": "Atelier Go", "tags": "golang"}, is_moderator=False
    )
    assert await found(db, "cafe") == []
    assert await found(db, "rust") == []
    assert await found(db, "atelier golang") == ["Atelier Go"]
    assert await found(db, "cafe", guild=OTHER) == ["Café Ailleurs"]

    await venues.remove(GUILD, forum.id, ALICE, "closed", is_moderator=False)
    assert await found(db, "forum") == []
    await venues.discard(GUILD, forum.id)
    assert await found(db, "forum") == []
    again = await add(db, "Forum Numérique", description="Rouvert")
    assert await found(db, "forum rouvert") == ["Forum Numérique"]

    await RatingService(db).rate(GUILD, again.id, BOB, validate_rating(worth=5, hours=2))
    await PrivacyService(db).erase(ALICE)  # the proposer: their venues stay, anonymous
    await PrivacyService(db).erase(BOB)
    assert await found(db, "atelier") == ["Atelier Go"]
    assert await found(db, "numerique") == ["Forum Numérique"]
    assert await found(db, "cafe", guild=OTHER) == ["Café Ailleurs"]


async def test_a_search_reads_its_matches_once(db: Database) -> None:
    """Rated and unrated matches, the venues and their tags, the votes: the words are
    looked up in one statement, and nothing is read per venue."""
    rated = await add(db, "Café des Devs", tags="rust, go")
    await add(db, "Café Rust", tags="rust")
    await add(db, "Forum Rust", guild=OTHER)
    await RatingService(db).rate(GUILD, rated.id, BOB, validate_rating(worth=5, hours=2))
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        hits = await SearchService(db).search(GUILD, query="rust")
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    assert [(hit.venue.name, hit.tags) for hit in hits] == [
        ("Café des Devs", ("rust", "go")),
        ("Café Rust", ("rust",)),
    ]
    searching = [s for s in statements if "venue_fts" in s or "venue_search_query" in s]
    assert len(searching) == 1, "\n\n".join(statements)
    # The prior, the matches, the venues with their tags and votes.
    assert len(statements) == 3, "\n\n".join(statements)


async def test_result_lists_show_each_venues_tags_and_last_votes(db: Database) -> None:
    """A result list reads its venues with their tags and votes together: each venue keeps
    its tags in their order, and its votes count each member once, by their last vote,
    however many tags it has."""
    service, votes = VenueService(db), VoteService(db)
    tagged = await add(db, "Café des Devs", tags="rust, go, cloud")
    plain = await add(db, "Forum Rust")
    quiet = await add(db, "Rust Calme", tags="calme")
    for venue, message in ((tagged, 701), (plain, 702), (quiet, 703)):
        await service.set_announcement(GUILD, venue.id, 5, message)
    await votes.apply(
        [
            VoteEvent(GUILD, 701, CAROL, "👍", True),
            VoteEvent(GUILD, 701, BOB, "👍", True),
            VoteEvent(GUILD, 701, BOB, "👎", True),  # Bob's last: 👎
            VoteEvent(GUILD, 702, BOB, "👎", True),
        ]
    )
    await RatingService(db).rate(GUILD, plain.id, BOB, validate_rating(worth=4, hours=2))
    want = {
        "Café des Devs": (("rust", "go", "cloud"), 1, 1),
        "Forum Rust": ((), 0, 1),
        "Rust Calme": (("calme",), 0, 0),
    }
    search = SearchService(db)
    for hits in (
        await search.search(GUILD, query="rust"),
        await search.search(GUILD, query="rust", sort="votes"),
        await search.top(GUILD, now=NOW),
    ):
        shown = {hit.venue.name: (hit.tags, hit.upvotes, hit.downvotes) for hit in hits}
        assert shown == {name: want[name] for name in shown}
        assert shown
    first, *_ = await search.search(GUILD, query="rust")
    assert first.venue.name == "Forum Rust"


def _index_rows(plan: dict[str, Any]) -> list[tuple[str, int]]:
    """(index, rows it gave) of every node of an EXPLAIN (ANALYZE, FORMAT JSON) plan that
    read a full-text index."""
    found = []
    if plan.get("Index Name", "").startswith("ix_venue_search"):
        found.append((plan["Index Name"], plan["Actual Rows"]))
    for child in plan.get("Plans", []):
        found += _index_rows(child)
    return found


async def test_postgresql_reads_only_the_guilds_matches_from_the_index(db: Database) -> None:
    """A word common in another guild (and a guild id that starts another's) costs this
    guild's search nothing: the index gives this guild's matches only."""
    if db.is_sqlite:
        pytest.skip("PostgreSQL: SQLite's index holds the guild in a column of its own")
    longer = int(f"{GUILD}7"[:19])  # GUILD's digits, then more
    for number in range(30):
        await add(db, f"Kubernetes Meetup {number}", guild=OTHER, member=500 + number)
        await add(db, f"Kubernetes Lyon {number}", guild=longer, member=500 + number)
    await add(db, "Kubernetes Paris")
    await add(db, "Rust Lyon")
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
    try:
        assert await found(db, "kube") == ["Kubernetes Paris"]
        assert await found(db, "kubernetes", sort="recent") == ["Kubernetes Paris"]
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", capture)
    searches = [(s, p) for s, p in captured if "venue_search_query" in s]
    assert len(searches) == 2
    async with db.engine.connect() as connection:
        # Among a few rows the planner would read the table, or an index in full, as it
        # never would for a guild's search among thousands of venues: only indexes with a
        # condition then.
        await connection.exec_driver_sql("SET enable_seqscan = off")
        await connection.exec_driver_sql("SET enable_indexscan = off")
        await connection.exec_driver_sql("ANALYZE venue")
        for statement, parameters in searches:
            explained = await connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters
            )
            plan = explained.scalar_one()
            plan = json.loads(plan) if isinstance(plan, str) else plan
            assert _index_rows(plan[0]["Plan"]) == [("ix_venue_search_guild", 1)], statement


def test_upgrade_indexes_the_venues_already_there_by_guild(empty_database_url: str) -> None:
    url = empty_database_url
    upgrade_sync(url, "0025")
    venue = (
        "INSERT INTO venue (guild_id, name, normalized_name, kind, city, city_key, "
        "description, proposer_id, status, created_at, updated_at, search_text) VALUES "
        "(:guild, :name, :name, 'meetup', 'Lyon', 'lyon', '', 3, 'active', :now, :now, :text)"
    )
    rows = [
        (GUILD, "Café des Devs", "cafe des devs lyon"),
        (OTHER, "Café Ailleurs", "cafe ailleurs lyon"),
        (OTHER, "Forum Rust", "forum rust lyon"),
    ]
    asyncio.run(
        execute(
            url,
            *((venue, {"guild": g, "name": n, "text": t, "now": NOW}) for g, n, t in rows),
        )
    )

    upgrade_sync(url)

    async def check() -> None:
        db = Database(url)
        try:
            assert await found(db, "cafe") == ["Café des Devs"]
            assert await found(db, "rust") == []
            assert sorted(await found(db, "lyon", guild=OTHER)) == ["Café Ailleurs", "Forum Rust"]
            await add(db, "Rust Lyon")  # the triggers keep the new index in step
            assert await found(db, "rust") == ["Rust Lyon"]
            assert await found(db, "rust", guild=OTHER) == ["Forum Rust"]
        finally:
            await db.dispose()

    asyncio.run(check())
