"""Operator commands: `python -m bot backup PATH` and `python -m bot export --guild ID`."""

from __future__ import annotations

import asyncio
import csv
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import make_url

from db.engine import Database
from db.models import Rating, Routine, RoutineMember, Venue, VenueTag, Visit, Vote

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
    "venue_tags": (VenueTag, ["venue_id", "tag"]),
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


def backup(database_url: str, target: Path) -> str:
    """An online, consistent copy of a SQLite database (the bot may keep running)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return (
            "For PostgreSQL use pg_dump, which copies a running database consistently, e.g. "
            f"pg_dump --format=custom --file={target} "
            f"'postgresql://{url.username or 'USER'}@{url.host or 'HOST'}/{url.database}'"
        )
    source = Path(url.database or "")
    if not source.exists():
        raise FileNotFoundError(f"no database at {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    with sqlite3.connect(target) as check:
        status = check.execute("PRAGMA integrity_check").fetchone()[0]
    return f"backed up {source} to {target} (integrity: {status})"


async def guild_rows(database_url: str, guild_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """The guild's rows of each exported table."""
    db = Database(database_url)
    found: dict[str, list[tuple[Any, ...]]] = {}
    try:
        async with db.read() as session:
            for name, (model, columns) in EXPORTS.items():
                rows = await session.execute(
                    select(*(getattr(model, c) for c in columns)).where(
                        model.__table__.c.guild_id == guild_id
                    )
                )
                found[name] = [tuple(row) for row in rows]
    finally:
        await db.dispose()
    return found


def export_guild(database_url: str, guild_id: int, folder: Path) -> list[Path]:
    """One CSV file per table with the guild's rows, in `folder`."""
    tables = asyncio.run(guild_rows(database_url, guild_id))
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in tables.items():
        path = folder / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(EXPORTS[name][1])
            writer.writerows(rows)
        written.append(path)
    return written
