"""The migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from db.migrate import include_object, upgrade_sync
from db.models import Base


def _diff(url: str) -> tuple[list, set[str]]:
    async def run() -> tuple[list, set[str]]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:

                def compare(sync_connection):  # type: ignore[no-untyped-def]
                    context = MigrationContext.configure(
                        sync_connection,
                        opts={"compare_type": True, "include_object": include_object},
                    )
                    tables = set(inspect(sync_connection).get_table_names())
                    return compare_metadata(context, Base.metadata), tables

                return await connection.run_sync(compare)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_head_matches_models_and_upgrade_is_repeatable(database_url: str) -> None:
    upgrade_sync(database_url)  # already at head: a no-op
    differences, tables = _diff(database_url)
    assert differences == []
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_sqlite_file_and_its_folder_are_created_where_the_url_says(tmp_path) -> None:
    target = tmp_path / "data" / "nested" / "bp.db"
    upgrade_sync(f"sqlite+aiosqlite:///{target}")
    assert target.exists()
