"""Start-up and shutdown that end in one clear line, never a traceback.

A database that cannot be reached yet (refused, timed out, still starting) is retried with
back-off, one log line per attempt; one that can never work as configured (no such role or
database, a file that is not a database, a folder where the file should be) stops the bot
with one line. Discord's own reconnection attempts are logged as one line each, not as a
traceback chained to every earlier attempt."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import socket
import sqlite3
from contextlib import closing
from multiprocessing.connection import Connection

import aiohttp
import discord
from sqlalchemy import pool
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from db.engine import ensure_sqlite_directory
from db.migrate import upgrade, upgrade_sync

log = logging.getLogger("bot")

#: SQLSTATEs of a server that may answer later: connection exceptions (class 08), "the
#: database system is starting up" (57P03), too many connections (53300).
_TRANSIENT_SQLSTATES = ("08", "57P03", "53300")
RETRY_FIRST_SECONDS = 1.0
RETRY_MAX_SECONDS = 30.0


class StartupError(Exception):
    """Why the bot cannot start, as one line an operator can act on."""


class MigrationFailed(Exception):
    """The upgrade failed in its own process: its first line, and whether the database
    may answer later."""

    def __init__(self, line: str, *, transient: bool) -> None:
        super().__init__(line)
        self.transient = transient


def one_line(error: BaseException) -> str:
    """The first line of an error's text (SQLAlchemy's run over several)."""
    origin = getattr(error, "orig", None) or error
    text = str(origin).strip() or type(origin).__name__
    return text.splitlines()[0]


def is_transient(error: BaseException) -> bool:
    """True for a database that may answer later, False for a configuration problem."""
    if isinstance(error, MigrationFailed):
        return error.transient
    origin = getattr(error, "orig", None) or error
    if isinstance(origin, ConnectionError | TimeoutError | socket.gaierror):
        return True
    if "database is locked" in str(origin):  # another process is upgrading it
        return True
    sqlstate = str(getattr(origin, "sqlstate", None) or getattr(origin, "pgcode", None) or "")
    return sqlstate.startswith(_TRANSIENT_SQLSTATES)


def describe_database(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"the SQLite database {parsed.database}"
    where = f"{parsed.host}:{parsed.port or 5432}"
    return f"PostgreSQL database {parsed.database!r} at {where}"


def check_sqlite_file(url: str) -> None:
    """Open a SQLite file for writing, as the bot will, with the standard driver: a file
    that is not a database, a folder, or a read-only file fails here in one line."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    ensure_sqlite_directory(parsed)
    with closing(sqlite3.connect(parsed.database, timeout=5)) as connection:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        connection.execute(f"PRAGMA user_version = {int(version)}")  # a write, unchanged


async def prepare_database(url: str, stop: asyncio.Event, wait_seconds: float) -> bool:
    """Bring the database to the current schema; False if `stop` was set while waiting.

    Raises StartupError when it can never work as configured, or when it could not be
    reached for `wait_seconds`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_seconds
    delay = RETRY_FIRST_SECONDS
    attempt = 1
    while True:
        try:
            await asyncio.to_thread(check_sqlite_file, url)
            await check_server(url)
            await upgrade_apart(url)
            return True
        except Exception as exc:
            what = describe_database(url)
            if not is_transient(exc):
                raise StartupError(f"cannot use {what}: {one_line(exc)}") from None
            if loop.time() + delay > deadline:
                raise StartupError(
                    f"cannot reach {what} after {attempt} attempts: {one_line(exc)}"
                ) from None
            log.warning(
                "cannot reach %s (attempt %d, next in %.0f s): %s",
                what,
                attempt,
                delay,
                one_line(exc),
            )
        try:
            await asyncio.wait_for(stop.wait(), delay)
            return False
        except TimeoutError:
            pass
        delay = min(delay * 2, RETRY_MAX_SECONDS)
        attempt += 1


#: Seconds to open a connection to PostgreSQL before start-up retries (as the upgrade's).
CONNECT_TIMEOUT = 10


async def check_server(url: str) -> None:
    """Connect once to a database server before the upgrade's process is forked: a server
    that cannot be reached yet is retried at the cost of a connection, not of importing
    Alembic again."""
    if make_url(url).get_backend_name() == "sqlite":
        return
    engine = create_async_engine(
        url, poolclass=pool.NullPool, connect_args={"timeout": CONNECT_TIMEOUT}
    )
    try:
        async with engine.connect():
            pass
    finally:
        await engine.dispose()


def _upgrade_in_child(url: str, outcome: Connection) -> None:
    try:
        upgrade_sync(url)
    except Exception as exc:
        outcome.send((one_line(exc), is_transient(exc)))
    else:
        outcome.send(None)
    finally:
        outcome.close()


def _outcome(receiver: Connection) -> tuple[str, bool] | EOFError | None:
    try:
        result: tuple[str, bool] | None = receiver.recv()
    except EOFError as exc:
        return exc
    return result


async def upgrade_apart(url: str) -> None:
    """The upgrade in a forked process of its own: Alembic and the migration scripts
    (11 MB once imported) never enter the bot's memory. Where processes cannot be forked,
    in a thread of this one. Raises MigrationFailed."""
    if "fork" not in multiprocessing.get_all_start_methods():
        await upgrade(url)
        return
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_upgrade_in_child, args=(url, sender), daemon=True)
    child.start()
    sender.close()
    try:
        outcome = await asyncio.to_thread(_outcome, receiver)
    finally:
        receiver.close()
        await asyncio.to_thread(child.join)
    if isinstance(outcome, EOFError):
        raise MigrationFailed(
            f"the upgrade's process ended with code {child.exitcode}", transient=False
        )
    if outcome is not None:
        line, transient = outcome
        raise MigrationFailed(line, transient=transient)


#: Errors of a network that is down: expected, retried by discord.py, worth one line.
NETWORK_ERRORS = (
    OSError,
    aiohttp.ClientError,
    discord.GatewayNotFound,
    discord.ConnectionClosed,
)


#: discord.py's messages for a failed connection attempt that it retries.
_RECONNECTING = ("Failed to connect for shard_id", "Attempting a reconnect")


class _OneLineNetworkErrors(logging.Filter):
    """discord.py logs each failed (re)connection with its traceback, and at start-up
    chains each attempt to the previous ones: keep the message and the reason only."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        reconnecting = str(record.msg).startswith(_RECONNECTING)
        if reconnecting and isinstance(error, NETWORK_ERRORS):
            record.msg = f"{record.getMessage()} ({one_line(error)})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def quiet_network_tracebacks() -> None:
    for name in ("discord.shard", "discord.client", "discord.gateway"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _OneLineNetworkErrors) for f in logger.filters):
            logger.addFilter(_OneLineNetworkErrors())
