"""Bot-wide state kept in the database (not guild data)."""

from __future__ import annotations

from db.engine import Database
from db.repositories import BotStateRepository


class BotStateService:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, key: str) -> str | None:
        async with self.db.read() as session:
            return await BotStateRepository(session).get(key)

    async def put(self, key: str, value: str) -> None:
        async with self.db.write() as session:
            await BotStateRepository(session).put(key, value)
