"""Engines and transactions.

`Database.read()` and `Database.write()` each open one unit of work; `Database.read_one()`
runs one statement with no transaction around it (a read asked at every keystroke). On
SQLite, writes go through their own single-connection engine whose transactions start with
`BEGIN IMMEDIATE`: the write lock is taken up front, so a read-then-write transaction can
never fail half-way with "database is locked", and writers in this process queue on the
pool instead of spinning on the busy timeout. On PostgreSQL both share one pooled engine.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

#: Under Discord's 3-second deadline: a command blocked by another writer answers "try again"
#: in time (the vote writer and the digest scheduler retry on their own).
SQLITE_BUSY_TIMEOUT_MS = 2_000
#: PostgreSQL that stops answering (packets dropped, no reset) must not hold a command past
#: Discord's 3 seconds, nor a background task forever: opening a connection and each
#: statement (the pool's check of a connection included) give up after these many
#: seconds; the caller answers "try again" or retries, and the dead connection is replaced.
PG_CONNECT_TIMEOUT = 1.0
PG_STATEMENT_TIMEOUT = 1.0
#: What `plan_each_call` sends on PostgreSQL: the transaction's later statements are
#: planned for their own parameters. The driver prepares each statement once per
#: connection; from its sixth execution PostgreSQL may keep one generic plan for every
#: guild, made for an average guild. For the search statement that orders a guild's
#: matches exactly (`MatchStatsRepository.ranked`) that plan is several times slower, in a
#: big guild as in a small one (a word and a city among 20,000 venues: 180 ms generic,
#: 13 ms planned for it); for the read of a guild's unrated venues
#: (`RatingStatsRepository.unrated`) it walks every guild's venues in id order (37 ms
#: against 0.5 in a small guild). Not for every statement: the leaderboards' walks down the
#: snapshot index are better served by the generic plan (the big guild's top month: 9 ms
#: generic, 40 ms planned each time).
PLANNED_PER_CALL = "SET LOCAL plan_cache_mode = force_custom_plan"


log = logging.getLogger(__name__)

#: Marks a PostgreSQL connection just opened: the pool's first hand-out does not ping it.
FRESH = "bonnes_places_fresh"
#: The execution option of `Database.read_one` on SQLite: no BEGIN is sent.
ONE_STATEMENT = "bonnes_places_one_statement"


class _DeadConnectionFilter(logging.Filter):
    """A connection to a server that stopped answering cannot be closed politely; the pool
    logs that as an error with a traceback, though it is expected and handled (the
    connection is dropped and replaced). Keep it as one warning line."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if record.getMessage().startswith("Exception ") and isinstance(
            error, TimeoutError | OSError | asyncio.CancelledError
        ):
            record.msg = f"{record.getMessage()} (the server did not answer: dropped)"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


for _pool in ("AsyncAdaptedQueuePool", "QueuePool", "NullPool"):
    logging.getLogger(f"sqlalchemy.pool.impl.{_pool}").addFilter(_DeadConnectionFilter())


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Autocommit at the driver level: SQLAlchemy's "begin" listener emits BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_reset(_dbapi_connection: Any, record: Any, reset_state: Any) -> None:
    """The pool's reset of a connection coming back, only when a transaction is still open
    on it: a unit of work ends with its commit or rollback, after which the pool's own
    rollback would be one more hand-off to aiosqlite's thread for nothing."""
    if not reset_state.asyncio_safe:  # as the pool's own reset: nothing to await here
        return
    try:
        open_transaction = bool(record.driver_connection.in_transaction)
    except Exception:  # closed under us: the rollback reports it as the pool's would
        open_transaction = True
    if open_transaction:
        record.dbapi_connection.rollback()


def _sqlite_engine(url: URL, *, begin: str, pool_size: int) -> AsyncEngine:
    engine = create_async_engine(
        url,
        hide_parameters=True,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=60,
        pool_reset_on_return=None,  # _sqlite_reset instead
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    event.listen(engine.sync_engine, "reset", _sqlite_reset)

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn: Any) -> None:
        if not conn.get_execution_options().get(ONE_STATEMENT):
            conn.exec_driver_sql(begin)

    return engine


def _pg_fresh(_dbapi_connection: Any, record: Any) -> None:
    record.info[FRESH] = True


def _pg_ping(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """The pool's check of a PostgreSQL connection it hands out again, in one round trip:
    SQLAlchemy's own pre-ping wraps its query in BEGIN and ROLLBACK (for pgbouncer's
    transaction mode), three round trips before every unit of work. A connection found
    closed is dropped with every connection pooled before it (a server restart cuts them
    all), and the pool hands out a new one."""
    if record.info.pop(FRESH, False):
        return
    try:
        dbapi_connection.run_async(lambda connection: connection.execute("SELECT 1"))
    except Exception as error:
        if dbapi_connection.driver_connection.is_closed():  # as the dialect's is_disconnect
            raise InvalidatePoolError(f"connection lost: {error!r}") from error
        raise  # a timeout: the caller answers "try again"; the pool drops the connection


def ensure_sqlite_directory(url: URL) -> None:
    if url.database and url.database != ":memory:":
        Path(url.database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)


class Database:
    """Owns the engines and hands out sessions, one transaction each."""

    def __init__(
        self,
        url: str | URL,
        *,
        pool_size: int = 5,
        connect_timeout: float = 10.0,
        statement_timeout: float | None = None,
    ) -> None:
        """`connect_timeout` and `statement_timeout` (PostgreSQL, seconds) default to
        lenient values for scripts and tests; the bot passes its strict ones (settings,
        default PG_CONNECT_TIMEOUT and PG_STATEMENT_TIMEOUT)."""
        self.url = make_url(url)
        if self.is_sqlite:
            ensure_sqlite_directory(self.url)
            self.engine = _sqlite_engine(self.url, begin="BEGIN", pool_size=pool_size)
            self.write_engine = _sqlite_engine(self.url, begin="BEGIN IMMEDIATE", pool_size=1)
        else:
            self.engine = create_async_engine(
                self.url,
                hide_parameters=True,
                pool_size=pool_size,
                max_overflow=pool_size,
                pool_recycle=1800,
                pool_timeout=connect_timeout,
                connect_args={"timeout": connect_timeout, "command_timeout": statement_timeout},
            )
            event.listen(self.engine.sync_engine, "connect", _pg_fresh)
            event.listen(self.engine.sync_engine, "checkout", _pg_ping)
            self.write_engine = self.engine
        self._read = async_sessionmaker(self.engine, expire_on_commit=False)
        self._write = async_sessionmaker(self.write_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @asynccontextmanager
    async def read(self, *, consistent: bool = False) -> AsyncIterator[AsyncSession]:
        """A read. `consistent`: every statement sees the same committed state (PostgreSQL
        REPEATABLE READ; a SQLite read transaction always does), for reads that combine
        kept sums with the rows they were kept from."""
        async with self._read() as session, session.begin():
            if consistent and not self.is_sqlite:
                await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            yield session

    @asynccontextmanager
    async def read_one(self) -> AsyncIterator[AsyncSession]:
        """A read of one statement, with no transaction around it: a statement sees one
        committed state on its own, and BEGIN and COMMIT are round trips (SQLite: its BEGIN
        a hand-off to aiosqlite's thread) that a read asked at every keystroke saves."""
        options = {ONE_STATEMENT: True} if self.is_sqlite else {"isolation_level": "AUTOCOMMIT"}
        async with self._read() as session, session.begin():
            await session.connection(execution_options=options)
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        async with self._write() as session, session.begin():
            yield session

    async def dispose(self, timeout: float = 5.0) -> None:
        """Close the connections; those a server does not acknowledge within `timeout`
        seconds are dropped without a goodbye, so shutdown never waits on the network."""
        for engine in {self.engine, self.write_engine}:
            try:
                await asyncio.wait_for(engine.dispose(), timeout)
            except TimeoutError:
                log.warning("the database did not answer at shutdown; connections dropped")
                await engine.dispose(close=False)


async def plan_each_call(session: AsyncSession) -> None:
    """On PostgreSQL, the rest of the session's transaction plans each statement for its
    own parameters (`PLANNED_PER_CALL`); nothing on SQLite, which always does."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text(PLANNED_PER_CALL))
