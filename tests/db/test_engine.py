"""The engine's guarantees: SQLite pragmas, and write transactions that never deadlock."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt

import aiosqlite
import pytest
from sqlalchemy import event, text

from bot.domain.search import SearchService
from bot.domain.venues import VenueService, validate_proposal
from db.engine import PLANNED_PER_CALL, SQLITE_BUSY_TIMEOUT_MS, Database, plan_each_call

GUILD = 424_242_424_242_424_242


async def test_sqlite_pragmas(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite only")
    async with db.read() as session:
        assert (await session.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await session.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        busy = (await session.execute(text("PRAGMA busy_timeout"))).scalar()
        assert busy == SQLITE_BUSY_TIMEOUT_MS < 3000  # within Discord's 3-second deadline


async def test_read_then_write_transactions_from_two_processes_both_commit(
    database_url: str,
) -> None:
    """Two engines on one database (as two bot processes) each read then write at once.

    With deferred transactions SQLite would fail one with "database is locked"; writes
    start with the write lock (BEGIN IMMEDIATE) so the second one waits instead.
    """
    first, second = Database(database_url), Database(database_url)
    both_read = asyncio.Event()
    readers = 0

    async def bump(database: Database, key: str) -> None:
        async with database.write() as session:
            nonlocal readers
            await session.execute(text("SELECT count(*) FROM bot_state"))
            readers += 1
            if readers == 2:
                both_read.set()
            # Times out when the other writer is queued behind our lock, as it should be.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(both_read.wait(), 0.3)
            await session.execute(
                text("INSERT INTO bot_state (key, value, updated_at) VALUES (:k, 'v', :t)"),
                {"k": key, "t": dt.datetime(2026, 1, 1)},
            )

    try:
        await asyncio.gather(bump(first, "a"), bump(second, "b"))
        async with first.read() as session:
            count = (await session.execute(text("SELECT count(*) FROM bot_state"))).scalar()
        assert count == 2
    finally:
        await first.dispose()
        await second.dispose()


async def test_sqlite_connection_returns_to_the_pool_without_a_rollback_unless_needed(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A unit of work ends with its commit or rollback: the pool asks aiosqlite's thread
    for no rollback of its own after it. One that fails is rolled back once, and the write
    lock is free again."""
    if not db.is_sqlite:
        pytest.skip("SQLite only")
    for unit in (db.write, db.read):  # connected (a new connection's set-up rolls back)
        async with unit() as session:
            await session.execute(text("SELECT 1"))
    rollbacks: list[bool] = []
    rollback = aiosqlite.Connection.rollback

    async def counted(self: aiosqlite.Connection) -> None:
        rollbacks.append(self.in_transaction)
        await rollback(self)

    monkeypatch.setattr(aiosqlite.Connection, "rollback", counted)
    async with db.write() as session:
        await session.execute(text("SELECT count(*) FROM bot_state"))
    async with db.read() as session:
        await session.execute(text("SELECT count(*) FROM bot_state"))
    assert rollbacks == []
    with pytest.raises(RuntimeError):
        async with db.write() as session:
            await session.execute(text("SELECT count(*) FROM bot_state"))
            raise RuntimeError("failed half-way")
    assert rollbacks == [True]
    async with db.write() as session:  # the write lock is free
        await session.execute(text("SELECT count(*) FROM bot_state"))


async def test_read_one_runs_its_statement_without_a_transaction_around_it(db: Database) -> None:
    """`read_one` (the venue option's suggestions) sends no BEGIN and no COMMIT: its one
    statement is its own transaction; `read` opens one first."""
    async with db.write() as session:
        await session.execute(
            text("INSERT INTO bot_state (key, value, updated_at) VALUES ('k', 'v', :t)"),
            {"t": dt.datetime(2026, 1, 1)},
        )
    if db.is_sqlite:
        sent: list[str] = []
        engine = db.engine.sync_engine
        record = lambda *args: sent.append(args[2])  # noqa: E731 (statement)
        event.listen(engine, "before_cursor_execute", record)
        try:
            for unit in (db.read_one, db.read):
                async with unit() as session:
                    found = await session.scalar(text("SELECT value FROM bot_state"))
                    assert found == "v"
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert sent == ["SELECT value FROM bot_state", "BEGIN", "SELECT value FROM bot_state"]
        return
    for unit, in_transaction in ((db.read_one, False), (db.read, True)):
        async with unit() as session:
            assert await session.scalar(text("SELECT value FROM bot_state")) == "v"
            raw = await (await session.connection()).get_raw_connection()
            assert raw.driver_connection.is_in_transaction() is in_transaction


async def test_postgresql_checks_a_pooled_connection_in_one_round_trip(db: Database) -> None:
    """A connection the pool hands out again is checked with one `SELECT 1` (SQLAlchemy's
    pre-ping sends BEGIN, a query and ROLLBACK: two round trips more before every unit of
    work), and one that answers is kept."""
    if db.is_sqlite:
        pytest.skip("PostgreSQL only")
    sent: list[str] = []
    async with db.read() as session:
        raw = await (await session.connection()).get_raw_connection()
        raw.driver_connection.add_query_logger(lambda query: sent.append(query.query))
    connects: list[object] = []
    engine = db.engine.sync_engine
    count = lambda *args: connects.append(args[0])  # noqa: E731 (dbapi connection)
    event.listen(engine, "connect", count)
    try:
        for unit in (db.read, db.write, db.read):
            async with unit() as session:
                await session.execute(text("SELECT count(*) FROM bot_state"))
    finally:
        event.remove(engine, "connect", count)
    assert sent == ["SELECT 1", "BEGIN;", "COMMIT;"] * 3
    assert connects == []


async def _plans(db: Database, statement: str, *, planned: bool) -> tuple[int, int]:
    """Runs `statement` for 12 guilds in one read; its generic and custom plans."""
    async with db.read() as session:
        if planned:
            await plan_each_call(session)
        for guild in range(12):
            await session.execute(text(statement), {"guild": guild})
        plans = await session.execute(
            text(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                "WHERE statement = :prepared"
            ),
            {"prepared": statement.replace(":guild", "$1")},
        )
        generic, custom = plans.one()
    return generic, custom


async def test_postgresql_plans_a_search_for_its_own_parameters(db: Database) -> None:
    """The driver prepares a statement once per connection and runs it again and again; a
    generic plan (PostgreSQL's choice from the sixth run, made for an average guild) would
    serve a guild a hundred times larger than the others with a plan made for a small one.
    A search's exact ordering is planned at each run, with or without words; the
    leaderboard keeps the generic plan that suits its walk down the snapshot index."""
    if db.is_sqlite:
        pytest.skip("PostgreSQL only")
    count = "SELECT count(*) FROM venue WHERE guild_id = :guild AND status = '{}'"
    assert await _plans(db, count.format("active"), planned=True) == (0, 12)
    generic, custom = await _plans(db, count.format("removed"), planned=False)
    assert generic > 0 and custom < 12
    draft = validate_proposal(name="Café des devs", kind="meetup", city="Paris")
    await VenueService(db).propose(GUILD, 10_000_000_000_000_001, draft)
    sent: list[str] = []
    record = lambda *args: sent.append(args[2])  # noqa: E731 (statement)
    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        await SearchService(db).search(GUILD, query="café")
        with_words, sent[:] = list(sent), []
        await SearchService(db).search(GUILD, city="Paris")
        without_words, sent[:] = list(sent), []
        await SearchService(db).top(GUILD, period="all")
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)
    assert PLANNED_PER_CALL in with_words
    assert PLANNED_PER_CALL in without_words
    assert PLANNED_PER_CALL not in sent
