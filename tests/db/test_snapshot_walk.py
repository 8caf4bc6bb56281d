"""The walk down the snapshot index that /venue top takes: one statement, which PostgreSQL
serves by walking the index, for a guild far bigger than the others as for a small one."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import event, text

from bot.domain.ratings import RatingService, validate_rating
from bot.domain.search import SearchService
from bot.domain.venues import VenueService, validate_proposal
from db.engine import Database
from db.repositories.period_stats import PeriodStatsRepository
from db.search import EVERY_VENUE

GUILD, BIG = 111_111_111_111_111_111, 333_333_333_333_333_333
NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)


def _selects(sent: list[str]) -> list[str]:
    return [s for s in sent if s.lstrip().upper().startswith(("SELECT", "WITH"))]


async def test_top_reads_the_prior_the_walk_and_the_venues_once(db: Database) -> None:
    """All time: the prior, the walk, the venues with their tags and votes. The week: the
    ratings at its edge, with the sums of the venues they touch, besides."""
    service, ratings = VenueService(db), RatingService(db)
    for index in range(4):
        draft = validate_proposal(name=f"Lieu {index}", kind="meetup", city="Paris")
        venue = await service.propose(GUILD, 70_000 + index, draft)
        answer = validate_rating(worth=1 + index, hours=2)
        moment = NOW - dt.timedelta(days=3) if index < 2 else NOW  # the first two leave the week
        await ratings.rate(GUILD, venue.id, 80_000 + index, answer, now=moment)
    sent: list[str] = []
    record = lambda *args: sent.append(args[2])  # noqa: E731 (statement)
    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        every = await SearchService(db).top(GUILD, period="all", now=NOW)
        all_time, sent[:] = _selects(sent), []
        later = NOW + dt.timedelta(days=4, hours=1)
        week = await SearchService(db).top(GUILD, period="week", now=later)
        edge = _selects(sent)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)
    assert len(every) == 4 and len(week) == 2
    assert len(all_time) == 3, "\n\n".join(all_time)
    assert len(edge) == 4, "\n\n".join(edge)
    assert sum("walk" in s for s in all_time + edge) == 2


async def _fill(db: Database) -> None:
    """A guild of 3,000 rated venues beside 60 guilds of 30, each venue with its week's and
    month's sums ranked, and the statistics PostgreSQL plans with."""
    venues = (
        "INSERT INTO venue (guild_id, name, normalized_name, kind, city, description,"
        " proposer_id, status) SELECT CAST(:guild AS BIGINT) + (n % :guilds), 'v' || n,"
        " 'v' || n, 'meetup', 'Paris', '', 1, 'active' FROM generate_series(1, :count) AS n"
    )
    sums = (
        "INSERT INTO venue_period_stats (venue_id, days, guild_id, raters, weight,"
        " weight_value, weight_log_hours, rit_snapshot) SELECT id, days, guild_id, 1, 1.0,"
        " 4.0, 0.7, (id * 7919 % 1000) / 250.0 FROM venue, (VALUES (7), (30)) AS d (days)"
    )
    async with db.write() as session:
        await session.execute(text(venues), {"guild": BIG, "guilds": 1, "count": 3000})
        await session.execute(text(venues), {"guild": 1000, "guilds": 60, "count": 1800})
        await session.execute(text(sums))
    async with db.write() as session:
        await session.execute(text("ANALYZE venue, venue_period_stats"))


def _scans(plan: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(table, node type, index) of every scan of a table in a plan."""
    found = []
    if "Relation Name" in plan:
        found.append((plan["Relation Name"], plan["Node Type"], plan.get("Index Name", "")))
    for child in plan.get("Plans", []):
        found += _scans(child)
    return found


async def test_postgresql_walks_a_big_guilds_period_sums_down_the_index(db: Database) -> None:
    """The week's walk in a guild holding most of the sums, planned for its parameters and
    generic: down the (guild, days, snapshot RIT) index, each venue reached read by its key;
    never every venue or every sum read (as a bound computed first and read down to made
    PostgreSQL do: a big guild's week took 7 to 20 ms against 1)."""
    if db.is_sqlite:
        pytest.skip("PostgreSQL only")
    await _fill(db)
    sent: list[tuple[str, Any]] = []
    record = lambda *args: sent.append((args[2], args[3]))  # noqa: E731 (statement, values)
    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        async with db.read() as session:
            found = await PeriodStatsRepository(session).best(
                BIG, 7, margin=0.01, where=EVERY_VENUE, exclude=[], limit=100
            )
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)
    assert len(found) >= 100
    statement, values = next((s, v) for s, v in sent if "walk" in s)
    async with db.read() as session:
        connection = (await (await session.connection()).get_raw_connection()).driver_connection
        for mode in ("force_custom_plan", "force_generic_plan"):
            await connection.execute(f"SET plan_cache_mode = {mode}")
            explained = await connection.fetchval(f"EXPLAIN (FORMAT JSON) {statement}", *values)
            plan = explained if isinstance(explained, list) else json.loads(explained)
            scans = sorted(set(_scans(plan[0]["Plan"])))
            assert scans == [
                ("venue", "Index Scan", "pk_venue"),
                ("venue_period_stats", "Index Scan", "ix_venue_period_stats_guild_rit"),
            ], (mode, scans)
