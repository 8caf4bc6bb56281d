"""SQL helpers every repository uses."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, Result
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def dialect_insert(session: AsyncSession, table: Any) -> postgresql.Insert | sqlite.Insert:
    """`INSERT` that knows `ON CONFLICT` on both backends."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def affected(result: Result[Any]) -> int:
    """How many rows an INSERT, UPDATE or DELETE changed."""
    assert isinstance(result, CursorResult)  # what executing such a statement returns
    return result.rowcount
