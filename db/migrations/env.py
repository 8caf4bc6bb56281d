"""Alembic environment: runs migrations over the async engine of the configured URL."""

from __future__ import annotations

import asyncio
import os
from typing import Any

from alembic import context
from sqlalchemy import event, pool
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from db.migrate import include_object
from db.models import Base

#: Seconds to open a connection to PostgreSQL before start-up retries.
CONNECT_TIMEOUT = 10

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        from bot.settings import DEFAULT_DATABASE_URL, normalize_database_url

        raw = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
        url = normalize_database_url(raw).render_as_string(hide_password=False)
    return str(url)


def _configure(connection: Connection | None = None, **kwargs: object) -> None:
    """Each migration runs in its own transaction, the version stamp included: a process
    killed half-way leaves the database at the previous revision, never in between."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        render_as_batch=True,
        compare_type=True,
        transactional_ddl=True,
        transaction_per_migration=True,
        **kwargs,
    )


def _transactional_sqlite(engine: AsyncEngine) -> None:
    """SQLite's DDL is transactional, but the sqlite3 driver runs a CREATE or ALTER outside
    any transaction it did not open itself (it only begins one before INSERT/UPDATE/DELETE).
    With the driver in autocommit mode and BEGIN emitted by SQLAlchemy, every statement of
    a migration, DDL included, is inside the migration's transaction."""

    @event.listens_for(engine.sync_engine, "connect")
    def _autocommit_driver(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def run_migrations_offline() -> None:
    _configure(url=_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def _run_sync(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    url = _url()
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_async_engine(url, poolclass=pool.NullPool)
        _transactional_sqlite(engine)
    else:  # a server that does not answer is retried by the caller, not waited on
        engine = create_async_engine(
            url, poolclass=pool.NullPool, connect_args={"timeout": CONNECT_TIMEOUT}
        )
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_sync)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_sync(connection)
    else:
        asyncio.run(_run_async())


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
