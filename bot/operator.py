"""Operator commands: `python -m bot backup PATH` and `python -m bot export --guild ID`.

Neither creates nor upgrades a database: a mistyped DATABASE_URL is reported, not turned
into a new empty database. Every failure is one line (`OperatorError`)."""

from __future__ import annotations

import asyncio
import csv
import shlex
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, pool, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from bot.startup import one_line
from db.models import Rating, Routine, RoutineMember, Venue, VenueTag, Visit, Vote

#: Discord ids are positive 64-bit integers (stored as BIGINT).
DISCORD_ID_MAX = 2**63 - 1
#: Seconds to wait for a database that does not answer.
CONNECT_TIMEOUT = 10

EXPORTS = {
    "venues": (
        Venue,
        [
            "id",
            "name",
            "kind",
            "city",
            "address",
            "url",
            "description",
            "proposer_id",
            "status",
            "created_at",
            "net_votes",
        ],
    ),
    "venue_tags": (VenueTag, ["venue_id", "tag", "label"]),
    "ratings": (
        Rating,
        [
            "venue_id",
            "member_id",
            "worth",
            "substance",
            "experience",
            "connections",
            "hours",
            "comment",
            "created_at",
            "updated_at",
        ],
    ),
    "votes": (Vote, ["venue_id", "member_id", "value", "created_at"]),
    "visits": (Visit, ["venue_id", "member_id", "visited_on", "hours"]),
    "routines": (Routine, ["id", "venue_id", "weekday", "local_time", "title", "creator_id"]),
    "routine_members": (RoutineMember, ["routine_id", "member_id", "joined_at"]),
}

#: A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class OperatorError(Exception):
    """What went wrong, as one line an operator can act on."""


def _sqlite_file(url: URL) -> Path:
    """The existing SQLite file `url` names: never created here."""
    path = Path(url.database or "").expanduser()
    if not path.is_file():
        raise OperatorError(f"no database at {path} (check DATABASE_URL)")
    return path


def backup(database_url: str, target: Path) -> str:
    """An online, consistent copy of a SQLite database (the bot may keep running), checked
    with PRAGMA integrity_check; on PostgreSQL, the pg_dump command that does it."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        without_password = URL.create(
            "postgresql",
            username=url.username,
            host=url.host,
            port=url.port,
            database=url.database,
            query=url.query,
        )
        dsn = without_password.render_as_string(hide_password=False)
        return (
            "For PostgreSQL use pg_dump, which copies a running database consistently, e.g. "
            f"pg_dump --format=custom --file={shlex.quote(str(target))} {shlex.quote(dsn)}"
        )
    source = _sqlite_file(url)
    if target.exists():
        if target.resolve() == source.resolve():
            raise OperatorError(f"{target} is the database itself; give another path")
        raise OperatorError(f"{target} already exists; give a new path")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        readonly = f"{source.resolve().as_uri()}?mode=ro"
        with (
            closing(sqlite3.connect(readonly, uri=True)) as src,
            closing(sqlite3.connect(target)) as dst,
        ):
            src.backup(dst)
        with closing(sqlite3.connect(target)) as check:
            problems = [row[0] for row in check.execute("PRAGMA integrity_check")]
    except sqlite3.Error as exc:
        raise OperatorError(f"could not copy {source}: {exc}") from None
    if problems != ["ok"]:
        raise OperatorError(
            f"the copy at {target} failed its integrity check ({len(problems)} problems, "
            f"first: {problems[0]}); the database itself may be damaged"
        )
    return f"backed up {source} to {target} (integrity: ok)"


def check_guild_id(guild_id: int) -> int:
    if not 0 < guild_id <= DISCORD_ID_MAX:
        raise OperatorError(f"--guild {guild_id} is not a Discord server id")
    return guild_id


def _read_only(url: URL) -> tuple[URL, dict[str, object]]:
    """A URL and connect arguments that can neither create nor change the database."""
    if url.get_backend_name() == "sqlite":
        path = _sqlite_file(url).resolve()
        return url.set(database=path.as_uri(), query={"mode": "ro", "uri": "true"}), {}
    return url, {"timeout": CONNECT_TIMEOUT}


async def guild_rows(database_url: str, guild_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """The guild's rows of each exported table."""
    url, connect_args = _read_only(make_url(database_url))
    engine = create_async_engine(url, poolclass=pool.NullPool, connect_args=connect_args)
    found: dict[str, list[tuple[Any, ...]]] = {}
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
            missing = sorted(model.__tablename__ for model, _ in EXPORTS.values())
            missing = [name for name in missing if name not in tables]
            if missing:
                raise OperatorError(
                    f"the database has no {', '.join(missing)} table: is DATABASE_URL the "
                    "bot's database, and has the bot started on it once?"
                )
            for name, (model, columns) in EXPORTS.items():
                rows = await connection.execute(
                    select(*(getattr(model, c) for c in columns)).where(
                        model.__table__.c.guild_id == guild_id
                    )
                )
                found[name] = [tuple(row) for row in rows]
    except (SQLAlchemyError, OSError, TimeoutError) as exc:
        raise OperatorError(f"cannot read the database: {one_line(exc)}") from None
    finally:
        await engine.dispose()
    return found


def spreadsheet_safe(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, quoted so it shows as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_guild(database_url: str, guild_id: int, folder: Path) -> list[Path]:
    """One CSV file per table with the guild's rows, in `folder` (which must not exist)."""
    check_guild_id(guild_id)
    if folder.exists():
        raise OperatorError(f"{folder} already exists; give a new --out folder")
    tables = asyncio.run(guild_rows(database_url, guild_id))
    if not any(tables.values()):
        raise OperatorError(f"nothing is stored for server {guild_id}; check --guild")
    folder.mkdir(parents=True)
    written = []
    for name, rows in tables.items():
        path = folder / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(EXPORTS[name][1])
            writer.writerows([spreadsheet_safe(value) for value in row] for row in rows)
        written.append(path)
    return written
