"""Plain SQL against a database at a given migration, for tests of the migrations' data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine


async def execute(url: str, *statements: tuple[str, dict[str, Any]]) -> None:
    """Each (SQL, parameters) in one transaction, on an engine of its own."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            for sql, params in statements:
                await connection.execute(text(sql), params)
    finally:
        await engine.dispose()
