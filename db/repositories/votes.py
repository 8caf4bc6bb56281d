"""Reaction votes and each venue's net count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import bindparam, delete, func, select, tuple_, union, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import DigestRun, Venue, Vote
from db.repositories.sql import dialect_insert


class VoteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def vote_messages(self, message_ids: Sequence[int]) -> set[int]:
        """Which of these messages are a venue's announcement or a posted digest: the
        only messages whose reactions are votes."""
        if not message_ids:
            return set()
        wanted = list(message_ids)
        rows = await self.session.scalars(
            union(
                select(Venue.announcement_message_id).where(
                    Venue.announcement_message_id.in_(wanted)
                ),
                select(DigestRun.message_id).where(DigestRun.message_id.in_(wanted)),
            )
        )
        return {message_id for message_id in rows if message_id is not None}

    async def existing(self, keys: Sequence[tuple[int, int, int]]) -> set[tuple[int, int, int]]:
        """Which (venue, member, value) votes are stored."""
        if not keys:
            return set()
        venues = sorted({k[0] for k in keys})
        members = sorted({k[1] for k in keys})
        rows = await self.session.execute(
            select(Vote.venue_id, Vote.member_id, Vote.value).where(
                Vote.venue_id.in_(venues), Vote.member_id.in_(members)
            )
        )
        wanted = set(keys)
        return {(v, m, value) for v, m, value in rows if (v, m, value) in wanted}

    async def add_many(
        self, rows: Sequence[tuple[int, int, int, int]]
    ) -> list[tuple[int, int, int]]:
        """Insert (guild, venue, member, value) votes; returns the (venue, member, value)
        really inserted (one already stored, maybe by a concurrent transaction, is not)."""
        if not rows:
            return []
        now = dt.datetime.now(dt.UTC)
        table = Vote.__table__  # Core, not the ORM's bulk machinery: this is the hot path
        stmt = (
            dialect_insert(self.session, table)
            .on_conflict_do_nothing(index_elements=["venue_id", "member_id", "value"])
            .returning(table.c.venue_id, table.c.member_id, table.c.value)
        )
        result = await self.session.execute(
            stmt,
            [
                {"guild_id": g, "venue_id": v, "member_id": m, "value": value, "created_at": now}
                for g, v, m, value in rows
            ],
        )
        return [(v, m, value) for v, m, value in result]

    async def remove_many(self, keys: Sequence[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """Delete (venue, member, value) votes in one statement; returns those really
        deleted."""
        if not keys:
            return []
        columns = tuple_(Vote.venue_id, Vote.member_id, Vote.value)
        result = await self.session.execute(
            delete(Vote)
            .where(columns.in_(list(keys)))
            .returning(Vote.venue_id, Vote.member_id, Vote.value)
        )
        return [(v, m, value) for v, m, value in result]

    async def shift_net(self, deltas: dict[int, int]) -> None:
        """Move each venue's net votes by its delta: one Core executemany."""
        rows = [{"venue": venue_id, "delta": d} for venue_id, d in deltas.items() if d]
        if not rows:
            return
        table = Venue.metadata.tables[Venue.__tablename__]
        stmt = (
            update(table)
            .where(table.c.id == bindparam("venue"))
            .values(net_votes=table.c.net_votes + bindparam("delta"))
        )
        await self.session.execute(stmt, rows)

    async def counts(self, venue_id: int) -> tuple[int, int]:
        rows = await self.session.execute(
            select(Vote.value, func.count()).where(Vote.venue_id == venue_id).group_by(Vote.value)
        )
        counts = {value: count for value, count in rows}
        return counts.get(1, 0), counts.get(-1, 0)

    async def counts_for(self, venue_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
        if not venue_ids:
            return {}
        rows = await self.session.execute(
            select(Vote.venue_id, Vote.value, func.count())
            .where(Vote.venue_id.in_(list(venue_ids)))
            .group_by(Vote.venue_id, Vote.value)
        )
        found: dict[int, list[int]] = {}
        for venue_id, value, count in rows:
            pair = found.setdefault(venue_id, [0, 0])
            pair[0 if value == 1 else 1] = count
        return {venue_id: (up, down) for venue_id, (up, down) in found.items()}
