"""Reaction votes and each venue's net count."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, exists, func, select, text, union, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import DigestRun, Venue, Vote, VoteReaction
from db.repositories.sql import dialect_insert

VoteKey = tuple[int, int, int]  # (venue, member, value)
ReactionKey = tuple[int, int, str]  # (message, member, emoji)
#: A reaction to store: its key, then (guild, venue, value) of the vote it makes.
ReactionRow = tuple[ReactionKey, tuple[int, int, int]]


#: Discord's epoch, in ms since the Unix epoch: a snowflake's top 42 bits count from it.
DISCORD_EPOCH_MS = 1_420_070_400_000


def snowflake_at(when: dt.datetime) -> int:
    """The smallest Discord id of anything created at or after `when`."""
    return max(0, int(when.timestamp() * 1000) - DISCORD_EPOCH_MS) << 22


@dataclass(frozen=True, slots=True)
class VoteMessageRecord:
    """A message whose reactions are votes: an announcement (`listed` is None) or a digest
    listing `listed` venues behind its numbered reactions."""

    guild_id: int
    channel_id: int
    message_id: int
    listed: int | None


class VoteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _find(
        self,
        table: str,
        columns: tuple[str, str, str],
        keys: Sequence[tuple[Any, ...]],
        found: str = "t.id",
    ) -> list[tuple[Any, ...]]:
        """(the 3 columns, `found`) of the rows of `table` whose columns equal one of `keys`:
        one index look-up per key, in a statement whose text does not depend on how many
        keys there are. (SQLite plans a tuple IN list as a scan, and two IN lists as
        every pair of their values.)"""
        a, b, c = columns
        if self.session.get_bind().dialect.name == "sqlite":
            sql = (
                f"SELECT t.{a}, t.{b}, t.{c}, {found} FROM json_each(:keys) AS k "
                f"CROSS JOIN {table} AS t ON t.{a} = json_extract(k.value, '$[0]') "
                f"AND t.{b} = json_extract(k.value, '$[1]') "
                f"AND t.{c} = json_extract(k.value, '$[2]')"
            )
            params: dict[str, Any] = {"keys": json.dumps([list(key) for key in keys])}
        else:
            kind = "TEXT" if c == "emoji" else "SMALLINT"
            sql = (
                f"SELECT t.{a}, t.{b}, t.{c}, {found} FROM unnest(CAST(:a AS BIGINT[]), "
                f"CAST(:b AS BIGINT[]), CAST(:c AS {kind}[])) AS k(a, b, c) "
                f"JOIN {table} AS t ON t.{a} = k.a AND t.{b} = k.b AND t.{c} = k.c"
            )
            params = {
                "a": [key[0] for key in keys],
                "b": [key[1] for key in keys],
                "c": [key[2] for key in keys],
            }
        return [tuple(row) for row in await self.session.execute(text(sql), params)]

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

    async def reactions(self, keys: Sequence[ReactionKey]) -> set[ReactionKey]:
        """The stored reactions among `keys`."""
        if not keys:
            return set()
        rows = await self._find(
            "vote_reaction",
            ("member_id", "message_id", "emoji"),
            [(u, m, e) for m, u, e in keys],
            found="1",
        )
        return {(m, u, e) for u, m, e, _ in rows}

    async def reactors(self, message_id: int) -> dict[str, set[int]]:
        """Per emoji, the members whose reaction on the message is stored."""
        rows = await self.session.execute(
            select(VoteReaction.emoji, VoteReaction.member_id).where(
                VoteReaction.message_id == message_id
            )
        )
        found: dict[str, set[int]] = {}
        for emoji, member_id in rows:
            found.setdefault(emoji, set()).add(member_id)
        return found

    async def add_reactions(self, rows: Sequence[ReactionRow]) -> list[VoteKey]:
        """Store reactions; the vote of each one really inserted (one already stored,
        maybe by a concurrent transaction, is not)."""
        if not rows:
            return []
        now = dt.datetime.now(dt.UTC)
        table = VoteReaction.__table__  # Core, not the ORM's bulk machinery: the hot path
        stmt = (
            dialect_insert(self.session, table)
            .on_conflict_do_nothing(index_elements=["member_id", "message_id", "emoji"])
            .returning(table.c.venue_id, table.c.member_id, table.c.value)
        )
        result = await self.session.execute(
            stmt,
            [
                {
                    "guild_id": g,
                    "message_id": m,
                    "member_id": u,
                    "emoji": e,
                    "venue_id": v,
                    "value": value,
                    "created_at": now,
                }
                for (m, u, e), (g, v, value) in rows
            ],
        )
        return [(v, u, value) for v, u, value in result]

    async def remove_reactions(self, rows: Sequence[tuple[ReactionKey, VoteKey]]) -> list[VoteKey]:
        """Delete stored reactions (found by `reactions` in this transaction) by their key:
        one primary-key probe each; the vote of each one."""
        if not rows:
            return []
        table = VoteReaction.metadata.tables[VoteReaction.__tablename__]
        await self.session.execute(
            delete(table).where(
                table.c.member_id == bindparam("u"),
                table.c.message_id == bindparam("m"),
                table.c.emoji == bindparam("e"),
            ),
            [{"u": u, "m": m, "e": e} for (m, u, e), _ in rows],
        )
        return [vote for _, vote in rows]

    async def supported(self, keys: Sequence[VoteKey]) -> set[VoteKey]:
        """Which of these votes still have a reaction stored."""
        if not keys:
            return set()
        rows = await self._find(
            "vote_reaction",
            ("member_id", "venue_id", "value"),
            [(m, v, value) for v, m, value in keys],
            found="1",
        )
        return {(v, m, value) for m, v, value, _ in rows}

    async def vote_messages_since(
        self, since: dt.datetime, message_ids: Sequence[int] = ()
    ) -> list[VoteMessageRecord]:
        """Announcements of active venues and posted digests created since `since` (their
        ids tell when), or, with `message_ids`, those among them whatever their age."""
        announcements = select(
            Venue.guild_id, Venue.announcement_channel_id, Venue.announcement_message_id
        ).where(Venue.status == "active", Venue.announcement_channel_id.is_not(None))
        digests = select(
            DigestRun.guild_id, DigestRun.channel_id, DigestRun.message_id, DigestRun.venue_ids
        ).where(DigestRun.channel_id.is_not(None))
        if message_ids:
            wanted = sorted(set(message_ids))
            announcements = announcements.where(Venue.announcement_message_id.in_(wanted))
            digests = digests.where(DigestRun.message_id.in_(wanted))
        else:
            first = snowflake_at(since)
            announcements = announcements.where(Venue.announcement_message_id >= first)
            digests = digests.where(DigestRun.message_id >= first)
        found = [
            VoteMessageRecord(guild, channel, message, None)
            for guild, channel, message in await self.session.execute(announcements)
            if channel is not None and message is not None
        ]
        found += [
            VoteMessageRecord(guild, channel, message, len(json.loads(listed or "[]")))
            for guild, channel, message, listed in await self.session.execute(digests)
            if channel is not None and message is not None
        ]
        return sorted(found, key=lambda record: record.message_id)

    async def existing(self, keys: Sequence[VoteKey]) -> dict[VoteKey, int]:
        """The stored votes among `keys`, with their row ids."""
        if not keys:
            return {}
        rows = await self._find("vote", ("venue_id", "member_id", "value"), keys)
        return {(v, m, value): row_id for v, m, value, row_id in rows}

    async def add_many(self, rows: Sequence[tuple[int, int, int, int]]) -> list[VoteKey]:
        """Insert (guild, venue, member, value) votes; returns the (venue, member, value)
        really inserted (one already stored, maybe by a concurrent transaction, is not)."""
        if not rows:
            return []
        now = dt.datetime.now(dt.UTC)
        table = Vote.__table__
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

    async def remove_by_ids(self, row_ids: Sequence[int]) -> list[VoteKey]:
        """Delete votes by the row ids `existing` found; returns those deleted."""
        if not row_ids:
            return []
        result = await self.session.execute(
            delete(Vote)
            .where(Vote.id.in_(list(row_ids)))
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
        """(👍, 👎) of the venue, each member counted once: by their last vote standing."""
        return (await self.counts_for([venue_id])).get(venue_id, (0, 0))

    async def counts_for(self, venue_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
        """(👍, 👎) per venue; a member who reacted both ways counts once, by the last."""
        if not venue_ids:
            return {}
        newer = aliased(Vote)
        last = ~exists().where(
            newer.venue_id == Vote.venue_id,
            newer.member_id == Vote.member_id,
            newer.id > Vote.id,
        )
        rows = await self.session.execute(
            select(Vote.venue_id, Vote.value, func.count())
            .where(Vote.venue_id.in_(list(venue_ids)), last)
            .group_by(Vote.venue_id, Vote.value)
        )
        found: dict[int, list[int]] = {}
        for venue_id, value, count in rows:
            pair = found.setdefault(venue_id, [0, 0])
            pair[0 if value == 1 else 1] = count
        return {venue_id: (up, down) for venue_id, (up, down) in found.items()}
