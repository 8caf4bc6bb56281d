"""The engine's guarantees: SQLite pragmas, and write transactions that never deadlock."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt

import pytest
from sqlalchemy import text

from db.engine import SQLITE_BUSY_TIMEOUT_MS, Database


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


async def test_postgresql_plans_every_statement_for_its_own_parameters(db: Database) -> None:
    """The driver prepares a statement once per connection and runs it again and again; a
    generic plan (PostgreSQL's choice from the sixth run, made for an average guild) would
    serve a guild a hundred times larger than the others with a plan made for a small one."""
    if db.is_sqlite:
        pytest.skip("PostgreSQL only")
    statement = text("SELECT count(*) FROM venue WHERE guild_id = :guild AND status = 'active'")
    async with db.read() as session:
        for guild in range(12):
            await session.execute(statement, {"guild": guild})
        plans = (
            await session.execute(
                text(
                    "SELECT sum(generic_plans), sum(custom_plans) FROM pg_prepared_statements "
                    "WHERE statement LIKE 'SELECT count(*) FROM venue WHERE guild_id = $1%'"
                )
            )
        ).one()
    assert plans == (0, 12)
