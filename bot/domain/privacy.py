"""A member's data rights: a copy of everything stored about them, and erasure."""

from __future__ import annotations

import datetime as dt
import json

from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.marks import proposer_mark
from db.engine import Database
from db.repositories import PrivacyRepository


class PrivacyService:
    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK, marker_key: bytes = b"") -> None:
        self.db = db
        self.clock = clock
        self.marker_key = marker_key

    async def export(self, member_id: int, *, now: dt.datetime | None = None) -> bytes:
        """Everything stored about the member, in every server, as JSON."""
        async with self.db.read() as session:
            data = await PrivacyRepository(session).export(member_id)
        document = {
            "member_id": str(member_id),
            "exported_at": (now or await self.clock.now()).isoformat(),
            **data,
        }
        return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode()

    async def erase(self, member_id: int) -> dict[str, int]:
        async with self.db.write() as session:
            return await PrivacyRepository(session).erase(
                member_id, lambda guild_id: proposer_mark(self.marker_key, guild_id, member_id)
            )
