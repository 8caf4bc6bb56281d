"""Engines and transactions.

`Database.read()` and `Database.write()` each open one unit of work. On SQLite, writes go
through their own single-connection engine whose transactions start with
`BEGIN IMMEDIATE`: the write lock is taken up front, so a read-then-write transaction can
never fail half-way with "database is locked", and writers in this process queue on the
pool instead of spinning on the busy timeout. On PostgreSQL both share one pooled engine.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

#: Under Discord's 3-second deadline: a command blocked by another writer answers "try again"
#: in time (the vote writer and the digest scheduler retry on their own).
SQLITE_BUSY_TIMEOUT_MS = 2_000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Autocommit at the driver level: SQLAlchemy's "begin" listener emits BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_engine(url: URL, *, begin: str, pool_size: int) -> AsyncEngine:
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=60,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)

    return engine


def ensure_sqlite_directory(url: URL) -> None:
    if url.database and url.database != ":memory:":
        Path(url.database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)


class Database:
    """Owns the engines and hands out sessions, one transaction each."""

    def __init__(self, url: str | URL, *, pool_size: int = 5) -> None:
        self.url = make_url(url)
        if self.is_sqlite:
            ensure_sqlite_directory(self.url)
            self.engine = _sqlite_engine(self.url, begin="BEGIN", pool_size=pool_size)
            self.write_engine = _sqlite_engine(self.url, begin="BEGIN IMMEDIATE", pool_size=1)
        else:
            self.engine = create_async_engine(
                self.url,
                pool_size=pool_size,
                max_overflow=pool_size,
                pool_pre_ping=True,
                pool_recycle=1800,
            )
            self.write_engine = self.engine
        self._read = async_sessionmaker(self.engine, expire_on_commit=False)
        self._write = async_sessionmaker(self.write_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._read() as session, session.begin():
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        async with self._write() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.write_engine is not self.engine:
            await self.write_engine.dispose()
