"""Votes reconciled with Discord, the source of truth for reactions.

After a shard's new session (at start, or after Discord invalidated the last one) and
after every resume, the reactions of the announcements and digests posted in the last
`RECONCILE_DAYS` are listed again over REST (paged, 100 members a request, at most
REQUESTS_PER_SECOND; discord.py also waits as the rate-limit headers say) and the
stored votes converge to them. Reactions added or removed while the bot was down, during
a session Discord dropped, or left out of a full vote queue, are then counted; a crash
loses nothing for good.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot.domain.votes import VoteEvent, VoteWriter, vote_emojis
from db.repositories import VoteMessageRecord

if TYPE_CHECKING:
    from bot.app import BonnesPlaces

log = logging.getLogger(__name__)

#: Members a reactions request lists (Discord's maximum).
PAGE = 100
#: Messages listed at once: requests to different channels run side by side.
CONCURRENCY = 4
#: Requests a second at most: half of Discord's global 50, the rest left to commands.
REQUESTS_PER_SECOND = 25.0


@dataclass(slots=True)
class ReconcileStats:
    """What reconciliation cost and found, since start (read by the benchmark)."""

    passes: int = 0
    messages: int = 0
    requests: int = 0
    changes: int = 0
    seconds: float = 0.0


class Reconciler:
    """One background task: passes run one at a time, requests made meanwhile coalesce
    into the next; live votes never wait for it (its writes queue behind theirs)."""

    def __init__(self, bot: BonnesPlaces, writer: VoteWriter, days: float) -> None:
        self.bot = bot
        self.writer = writer
        self.days = days
        self.stats = ReconcileStats()
        self.idle = asyncio.Event()
        self.idle.set()
        self._wanted = asyncio.Event()
        self._shards: set[int] = set()
        self._dirty: set[int] = set()
        self._task: asyncio.Task[None] | None = None
        self._next_request = 0.0

    def start(self) -> None:
        if self._task is None and self.days > 0:
            self._task = asyncio.create_task(self._run(), name="vote-reconciler")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def request(self, shard_id: int) -> None:
        """Reconcile the recent messages of the shard's guilds."""
        self._shards.add(shard_id)
        self._want()

    def mark(self, event: VoteEvent) -> None:
        """Reconcile the message of a live event that could not be queued."""
        self._dirty.add(event.message_id)
        self._want()

    def _want(self) -> None:
        if self._task is not None:
            self.idle.clear()
            self._wanted.set()

    async def _run(self) -> None:
        while True:
            await self._wanted.wait()
            self._wanted.clear()
            shards, self._shards = self._shards, set()
            dirty, self._dirty = self._dirty, set()
            started = time.perf_counter()
            try:
                await self._pass(shards, dirty)
            except Exception:
                log.exception("reconciling votes with Discord failed; next resume retries")
            finally:
                self.stats.seconds += time.perf_counter() - started
                if not self._wanted.is_set():
                    self.idle.set()

    async def _pass(self, shards: set[int], dirty: set[int]) -> None:
        votes = self.bot.services.votes
        mine = {g.id for g in self.bot.guilds if g.shard_id in shards}
        records: list[VoteMessageRecord] = []
        if mine:
            since = await self.bot.services.clock.now() - dt.timedelta(days=self.days)
            records = [r for r in await votes.recent_messages(since) if r.guild_id in mine]
        listed = {r.message_id for r in records}
        if dirty - listed:
            records += await votes.recent_messages(dt.datetime.now(dt.UTC), sorted(dirty - listed))
        before = (self.stats.requests, self.stats.changes)
        pending = iter(records)

        async def worker() -> None:
            for record in pending:
                await self._reconcile(record)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        self.stats.passes += 1
        self.stats.messages += len(records)
        log.info(
            "reconciled the votes of %d messages with Discord: %d requests, %d changes, %.1f s",
            len(records),
            self.stats.requests - before[0],
            self.stats.changes - before[1],
            time.perf_counter() - started,
        )

    async def _reconcile(self, record: VoteMessageRecord) -> None:
        self.writer.watch(record.message_id)
        reactors: dict[str, frozenset[int]] = {}
        try:
            for emoji in vote_emojis(record):
                reactors[emoji] = await self._reactors(record, emoji)
        except (discord.NotFound, discord.Forbidden) as exc:
            await self.writer.converge(record.guild_id, record.message_id, {})
            log.info("cannot read the reactions of message %s: %s", record.message_id, exc)
            return
        except discord.HTTPException as exc:
            await self.writer.converge(record.guild_id, record.message_id, {})
            log.warning("reading the reactions of message %s failed: %s", record.message_id, exc)
            return
        self.stats.changes += await self.writer.converge(
            record.guild_id, record.message_id, reactors
        )

    async def _reactors(self, record: VoteMessageRecord, emoji: str) -> frozenset[int]:
        """Every member (no bot) who reacted with `emoji`, page after page."""
        members: set[int] = set()
        after: int | None = None
        while True:
            await self._pace()
            page = await self.bot.http.get_reaction_users(
                record.channel_id, record.message_id, emoji, PAGE, after=after
            )
            self.stats.requests += 1
            members.update(int(user["id"]) for user in page if not user.get("bot"))
            if len(page) < PAGE:
                return frozenset(members)
            after = int(page[-1]["id"])

    async def _pace(self) -> None:
        """Space requests REQUESTS_PER_SECOND apart (per-route limits are discord.py's)."""
        loop = asyncio.get_running_loop()
        at = max(self._next_request, loop.time())
        self._next_request = at + 1 / REQUESTS_PER_SECOND
        await asyncio.sleep(at - loop.time())
