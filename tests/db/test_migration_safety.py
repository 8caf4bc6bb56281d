"""Migrations that cannot leave a database half-upgraded, and that clean up what a new
constraint would refuse."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine

from db.migrate import upgrade_sync

ROOT = Path(__file__).resolve().parents[2]
VENUES = 1_000
#: The upgrade, run in a process of its own that stops half-way through 0002 (which
#: rewrites every venue) and says so, to be killed there whatever the machine's speed.
UPGRADE = (
    "import logging, sys, time\n"
    "from sqlalchemy import event\n"
    "from sqlalchemy.engine import Engine\n"
    "logging.basicConfig(level=logging.INFO, stream=sys.stdout)\n"
    "rewritten = []\n"
    "@event.listens_for(Engine, 'before_cursor_execute')\n"
    "def half_way(conn, cursor, statement, *args):\n"
    "    if statement.startswith('UPDATE venue SET search_text'):\n"
    "        rewritten.append(1)\n"
    f"        if len(rewritten) == {VENUES // 2}:\n"
    "            print('half-way through 0002', flush=True)\n"
    "            time.sleep(60)\n"
    "from db.migrate import upgrade_sync\n"
    "upgrade_sync(sys.argv[1])\n"
)


def _seed_first_revision(path: Path) -> str:
    url = f"sqlite+aiosqlite:///{path}"
    upgrade_sync(url, "0001")
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO venue (id, guild_id, name, normalized_name, kind, city, description, "
            "proposer_id, status, created_at, updated_at) VALUES (?, 7, ?, ?, 'meetup', "
            "'Paris', 'A venue', 3, 'active', '2026-01-01', '2026-01-01')",
            [(i, f"Venue {i}", f"venue {i}") for i in range(1, VENUES + 1)],
        )
    return url


def _columns(path: Path, table: str) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}


def _version(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def test_sqlite_migration_killed_half_way_is_rolled_back(tmp_path: Path) -> None:
    path = tmp_path / "bp.db"
    url = _seed_first_revision(path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-u", "-c", UPGRADE, url],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if "half-way through 0002" in line:
                break
        assert process.poll() is None, "the migration ended before it could be killed"
        process.kill()
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert _version(path) == "0001"
    assert "search_text" not in _columns(path, "venue"), "0002 was left half-applied"

    upgrade_sync(url)  # the next start upgrades normally

    assert "search_text" in _columns(path, "venue")
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM venue").fetchone()[0] == VENUES
        assert (
            connection.execute("SELECT count(*) FROM venue WHERE city_key = 'paris'").fetchone()[0]
            == VENUES
        )


async def _run(url: str, *statements: str) -> list[tuple]:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            result: list[tuple] = []
            for statement in statements:
                rows = await connection.execute(text(statement))
                if rows.returns_rows:
                    result = [tuple(row) for row in rows]
            return result
    finally:
        await engine.dispose()


def test_live_duplicates_are_removed_before_the_unique_index(empty_database_url: str) -> None:
    url = empty_database_url
    upgrade_sync(url, "0003")
    insert = (
        "INSERT INTO venue (id, guild_id, name, normalized_name, kind, city, city_key, "
        "description, proposer_id, status, created_at, updated_at) VALUES "
        "({id}, 7, 'Café', 'cafe', 'meetup', 'Paris', 'paris', '', {id}, '{status}', "
        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    statuses = ["removed", "active", "active", "pending", "active"]
    asyncio.run(
        _run(url, *(insert.format(id=i, status=s) for i, s in enumerate(statuses, start=1)))
    )

    upgrade_sync(url)

    rows = asyncio.run(_run(url, "SELECT id, status FROM venue ORDER BY id"))
    assert rows == [(1, "removed"), (2, "active"), (3, "removed"), (4, "removed"), (5, "removed")]
    with pytest.raises(IntegrityError):
        asyncio.run(_run(url, insert.format(id=6, status="active")))
    asyncio.run(_run(url, insert.format(id=7, status="removed")))
