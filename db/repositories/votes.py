"""Reaction votes and each venue's net count."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, bindparam, delete, func, select, text, union, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import DigestRun, Venue, Vote, VoteReaction
from db.repositories.sql import dialect_insert
from db.repositories.vote_counts import counts_statement

VoteKey = tuple[int, int, int]  # (venue, member, value)
ReactionKey = tuple[int, int, str]  # (message, member, emoji)
#: A reaction to store: its key, then (guild, venue, value) of the vote it makes.
ReactionRow = tuple[ReactionKey, tuple[int, int, int]]
#: A vote to insert: (guild, venue, member, value, on_announcement).
VoteRow = tuple[int, int, int, int, bool]
#: The announcement's reactions, by the value of the vote they make.
ANNOUNCEMENT_EMOJIS = {1: "👍", -1: "👎"}


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


@dataclass(frozen=True, slots=True)
class VoteTarget:
    """What deciding a vote needs of its venue, read as a plain row (no ORM object)."""

    id: int
    guild_id: int
    status: str
    proposer_id: int
    proposer_mark: str | None


@dataclass(frozen=True, slots=True)
class DigestListing:
    """A posted digest: its numbered reactions vote for `venue_ids`, in order."""

    guild_id: int
    venue_ids: tuple[int, ...]


_TARGET_COLUMNS = (Venue.id, Venue.guild_id, Venue.status, Venue.proposer_id, Venue.proposer_mark)


class VoteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.is_postgresql = session.get_bind().dialect.name == "postgresql"

    def _among(self, column: Any, ids: Sequence[int]) -> Any:
        """`column` is one of `ids`: an IN list on SQLite; on PostgreSQL `= ANY` of one
        array, a statement whose text (and prepared plan) does not depend on the count."""
        if self.is_postgresql:
            ids_array = bindparam("ids", list(ids), type_=ARRAY(BigInteger), unique=True)
            return column == func.any(ids_array)
        return column.in_(list(ids))

    async def targets_by_announcements(self, message_ids: Sequence[int]) -> dict[int, VoteTarget]:
        """The venues announced by these messages, by message id."""
        if not message_ids:
            return {}
        rows = await self.session.execute(
            select(Venue.announcement_message_id, *_TARGET_COLUMNS).where(
                self._among(Venue.announcement_message_id, message_ids)
            )
        )
        return {
            message_id: VoteTarget(venue_id, guild_id, status, proposer_id, mark)
            for message_id, venue_id, guild_id, status, proposer_id, mark in rows
            if message_id is not None
        }

    async def targets_by_ids(self, venue_ids: Sequence[int]) -> dict[int, VoteTarget]:
        if not venue_ids:
            return {}
        rows = await self.session.execute(
            select(*_TARGET_COLUMNS).where(self._among(Venue.id, sorted(set(venue_ids))))
        )
        return {
            venue_id: VoteTarget(venue_id, guild_id, status, proposer_id, mark)
            for venue_id, guild_id, status, proposer_id, mark in rows
        }

    async def digest_listings(self, message_ids: Sequence[int]) -> dict[int, DigestListing]:
        """The posted digests among these messages, by message id."""
        if not message_ids:
            return {}
        rows = await self.session.execute(
            select(DigestRun.message_id, DigestRun.guild_id, DigestRun.venue_ids).where(
                self._among(DigestRun.message_id, message_ids)
            )
        )
        return {
            message_id: DigestListing(guild_id, tuple(json.loads(listed or "[]")))
            for message_id, guild_id, listed in rows
            if message_id is not None
        }

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
        rows = await self.session.scalars(
            union(
                select(Venue.announcement_message_id).where(
                    self._among(Venue.announcement_message_id, message_ids)
                ),
                select(DigestRun.message_id).where(self._among(DigestRun.message_id, message_ids)),
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
        """Per emoji, the members whose reaction on the message is stored: the flags of
        the votes of the venue it announces, or a digest's numbered reactions."""
        found: dict[str, set[int]] = {}
        flagged = await self.session.execute(
            select(Vote.value, Vote.member_id)
            .join(Venue, Venue.id == Vote.venue_id)
            .where(Venue.announcement_message_id == message_id, Vote.on_announcement)
        )
        for value, member_id in flagged:
            found.setdefault(ANNOUNCEMENT_EMOJIS[value], set()).add(member_id)
        rows = await self.session.execute(
            select(VoteReaction.emoji, VoteReaction.member_id).where(
                VoteReaction.message_id == message_id
            )
        )
        for emoji, member_id in rows:
            found.setdefault(emoji, set()).add(member_id)
        return found

    async def add_reactions(self, rows: Sequence[ReactionRow]) -> list[VoteKey]:
        """Store digest reactions not stored yet (`reactions` says so in this transaction);
        the vote of each one inserted. On PostgreSQL, where another transaction may have
        stored one meanwhile, those are told apart (`RETURNING`); SQLite's write lock,
        taken at the transaction's start, rules that out."""
        if not rows:
            return []
        now = dt.datetime.now(dt.UTC)
        if self.is_postgresql:
            result = await self.session.execute(
                text(
                    "INSERT INTO vote_reaction (guild_id, message_id, member_id, emoji, "
                    "venue_id, value, created_at) SELECT g, m, u, e, v, val, "
                    "CAST(:now AS TIMESTAMPTZ) FROM unnest(CAST(:g AS BIGINT[]), "
                    "CAST(:m AS BIGINT[]), CAST(:u AS BIGINT[]), CAST(:e AS TEXT[]), "
                    "CAST(:v AS BIGINT[]), CAST(:val AS SMALLINT[])) AS k(g, m, u, e, v, val) "
                    "ON CONFLICT (member_id, message_id, emoji) DO NOTHING "
                    "RETURNING venue_id, member_id, value"
                ),
                {
                    "now": now,
                    "g": [g for _, (g, _, _) in rows],
                    "m": [m for (m, _, _), _ in rows],
                    "u": [u for (_, u, _), _ in rows],
                    "e": [e for (_, _, e), _ in rows],
                    "v": [v for _, (_, v, _) in rows],
                    "val": [value for _, (_, _, value) in rows],
                },
            )
            return [(v, u, value) for v, u, value in result]
        table = VoteReaction.__table__  # Core, not the ORM's bulk machinery: the hot path
        await self.session.execute(
            dialect_insert(self.session, table).on_conflict_do_nothing(
                index_elements=["member_id", "message_id", "emoji"]
            ),
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
        return [(v, u, value) for (_, u, _), (_, v, value) in rows]

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

    async def existing(self, keys: Sequence[VoteKey]) -> dict[VoteKey, tuple[int, bool]]:
        """The stored votes among `keys`: their row id and whether their reaction on the
        announcement stands."""
        if not keys:
            return {}
        rows = await self._find(
            "vote", ("venue_id", "member_id", "value"), keys, found="t.id, t.on_announcement"
        )
        return {(v, m, value): (row_id, bool(flag)) for v, m, value, row_id, flag in rows}

    async def insert(self, rows: Sequence[VoteRow]) -> list[VoteKey]:
        """Insert votes `existing` did not find, in this order (a member's last vote has
        the highest id); the (venue, member, value) inserted. On PostgreSQL one already
        stored by a concurrent transaction is left out (`RETURNING`); SQLite's write lock
        rules that out, and a plain executemany costs it least."""
        if not rows:
            return []
        now = dt.datetime.now(dt.UTC)
        if self.is_postgresql:
            result = await self.session.execute(
                text(
                    "INSERT INTO vote (guild_id, venue_id, member_id, value, on_announcement, "
                    "created_at) SELECT g, v, m, val, f, CAST(:now AS TIMESTAMPTZ) FROM "
                    "unnest(CAST(:g AS BIGINT[]), CAST(:v AS BIGINT[]), CAST(:m AS BIGINT[]), "
                    "CAST(:val AS SMALLINT[]), CAST(:f AS BOOLEAN[])) WITH ORDINALITY "
                    "AS k(g, v, m, val, f, n) ORDER BY n "
                    "ON CONFLICT (venue_id, member_id, value) DO NOTHING "
                    "RETURNING venue_id, member_id, value"
                ),
                {
                    "now": now,
                    "g": [row[0] for row in rows],
                    "v": [row[1] for row in rows],
                    "m": [row[2] for row in rows],
                    "val": [row[3] for row in rows],
                    "f": [row[4] for row in rows],
                },
            )
            return [(v, m, value) for v, m, value in result]
        table = Vote.__table__
        await self.session.execute(
            dialect_insert(self.session, table).on_conflict_do_nothing(
                index_elements=["venue_id", "member_id", "value"]
            ),
            [
                {
                    "guild_id": g,
                    "venue_id": v,
                    "member_id": m,
                    "value": value,
                    "on_announcement": flag,
                    "created_at": now,
                }
                for g, v, m, value, flag in rows
            ],
        )
        return [(v, m, value) for _, v, m, value, _ in rows]

    async def delete(self, rows: Sequence[tuple[int, VoteKey]]) -> list[VoteKey]:
        """Delete votes by the row ids `existing` found; the (venue, member, value) deleted
        (on PostgreSQL, not one a concurrent transaction deleted first)."""
        if not rows:
            return []
        ids = [row_id for row_id, _ in rows]
        if self.is_postgresql:
            result = await self.session.execute(
                text(
                    "DELETE FROM vote WHERE id = ANY(CAST(:ids AS BIGINT[])) "
                    "RETURNING venue_id, member_id, value"
                ),
                {"ids": ids},
            )
            return [(v, m, value) for v, m, value in result]
        await self.session.execute(
            text("DELETE FROM vote WHERE id IN (SELECT value FROM json_each(:ids))"),
            {"ids": json.dumps(ids)},
        )
        return [key for _, key in rows]

    async def set_on_announcement(self, rows: Sequence[tuple[int, bool]]) -> None:
        """Set whether the announcement's reaction of these votes (by row id) stands."""
        if not rows:
            return
        if self.is_postgresql:
            await self.session.execute(
                text(
                    "UPDATE vote SET on_announcement = k.f FROM unnest(CAST(:ids AS BIGINT[]), "
                    "CAST(:f AS BOOLEAN[])) AS k(id, f) WHERE vote.id = k.id"
                ),
                {"ids": [row_id for row_id, _ in rows], "f": [flag for _, flag in rows]},
            )
            return
        table = Vote.metadata.tables[Vote.__tablename__]
        await self.session.execute(
            update(table)
            .where(table.c.id == bindparam("row"))
            .values(on_announcement=bindparam("f")),
            [{"row": row_id, "f": flag} for row_id, flag in rows],
        )

    async def shift_net(self, deltas: dict[int, int]) -> None:
        """Move each venue's net votes by its delta, venues in id order: one statement
        (PostgreSQL: over arrays) or one Core executemany (SQLite)."""
        changed = sorted((venue_id, d) for venue_id, d in deltas.items() if d)
        if not changed:
            return
        if self.is_postgresql:
            await self.session.execute(
                text(
                    "UPDATE venue SET net_votes = venue.net_votes + k.d FROM "
                    "unnest(CAST(:ids AS BIGINT[]), CAST(:d AS INTEGER[])) AS k(id, d) "
                    "WHERE venue.id = k.id"
                ),
                {"ids": [venue_id for venue_id, _ in changed], "d": [d for _, d in changed]},
            )
            return
        table = Venue.metadata.tables[Venue.__tablename__]
        stmt = (
            update(table)
            .where(table.c.id == bindparam("venue"))
            .values(net_votes=table.c.net_votes + bindparam("delta"))
        )
        await self.session.execute(stmt, [{"venue": v, "delta": d} for v, d in changed])

    async def counts(self, venue_id: int) -> tuple[int, int]:
        """(👍, 👎) of the venue, each member counted once: by their last vote standing."""
        return (await self.counts_for([venue_id])).get(venue_id, (0, 0))

    async def counts_for(self, venue_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
        """(👍, 👎) per venue; a member who reacted both ways counts once, by the last."""
        if not venue_ids:
            return {}
        rows = await self.session.execute(counts_statement(), {"venue_ids": list(venue_ids)})
        found: dict[int, list[int]] = {}
        for venue_id, value, count in rows:
            pair = found.setdefault(venue_id, [0, 0])
            pair[0 if value == 1 else 1] = count
        return {venue_id: (up, down) for venue_id, (up, down) in found.items()}
