"""Process-wide facts kept in the database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import BotState
from db.repositories.sql import dialect_insert


class BotStateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, key: str) -> str | None:
        return await self.session.scalar(select(BotState.value).where(BotState.key == key))

    async def put(self, key: str, value: str) -> None:
        now = dt.datetime.now(dt.UTC)
        stmt = dialect_insert(self.session, BotState).values(key=key, value=value, updated_at=now)
        stmt = stmt.on_conflict_do_update(
            index_elements=["key"], set_={"value": value, "updated_at": now}
        )
        await self.session.execute(stmt)
