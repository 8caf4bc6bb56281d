"""Bring a database to the newest schema with Alembic, as the bot does at start."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from db.engine import ensure_sqlite_directory

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


UNMODELLED = ("venue_fts", "ix_venue_search")


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Leave the hand-made search structures out of autogenerate comparisons."""
    return not (name or "").startswith(UNMODELLED)


def alembic_config(url: str) -> Config:
    """Alembic is imported here, not with this module: the bot runs its upgrade in a
    process of its own (bot/startup.py) and never holds Alembic itself."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["url"] = url
    return config


def upgrade_sync(url: str, revision: str = "head") -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        ensure_sqlite_directory(parsed)
    from alembic import command

    command.upgrade(alembic_config(url), revision)


async def upgrade(url: str, revision: str = "head") -> None:
    """Run the upgrade in a worker thread: Alembic drives its own event loop there."""
    await asyncio.to_thread(upgrade_sync, url, revision)
