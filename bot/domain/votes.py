"""Reaction votes: applied in arrival order, in batches, by one writer per process.

A vote is a 👍 / 👎 reaction on a venue's announcement, or a numbered reaction on a digest
(a 👍 for the venue listed at that number). One row per (venue, member, value); bots are
filtered out before this point; a venue's proposer's reactions are not votes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from db.digests import DigestRepository
from db.engine import Database
from db.repositories import VenueRecord, VenueRepository, VoteRepository

log = logging.getLogger(__name__)

VOTE_EMOJIS = {"👍": 1, "👎": -1}
NUMBER_EMOJIS = ("1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣")
MAX_BATCH = 500
RETRY_MAX_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class VoteEvent:
    guild_id: int
    message_id: int
    member_id: int
    emoji: str
    added: bool


def is_vote_emoji(emoji: str) -> bool:
    return emoji in VOTE_EMOJIS or emoji in NUMBER_EMOJIS


class VoteService:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record_vote(
        self, guild_id: int, message_id: int, member_id: int, emoji: str, *, added: bool
    ) -> bool | None:
        """One event: True when a vote changed, False when not, None when the message is
        neither an announcement nor a digest."""
        (outcome,) = await self.apply([VoteEvent(guild_id, message_id, member_id, emoji, added)])
        return outcome

    async def apply(self, events: Sequence[VoteEvent]) -> list[bool | None]:
        """Apply `events` in order in one transaction; an outcome per event (see
        `record_vote`). For each (venue, member, value) the last event decides, exactly as
        applying them one by one would."""
        async with self.db.write() as session:
            venues = VenueRepository(session)
            message_ids = sorted({e.message_id for e in events})
            announced = await venues.by_announcements(message_ids)
            digests = await DigestRepository(session).by_messages(message_ids)
            listed = [vid for run in digests.values() for vid in run.venue_ids]
            listed_venues = await venues.by_ids(listed)
            targets: list[tuple[VenueRecord, int] | bool | None] = []
            for e in events:
                targets.append(self._target(e, announced, digests, listed_venues))
            wanted: dict[tuple[int, int, int], bool] = {}
            last: dict[tuple[int, int, int], int] = {}
            for index, (event, target) in enumerate(zip(events, targets, strict=True)):
                if isinstance(target, tuple):
                    key = (target[0].id, event.member_id, target[1])
                    wanted[key] = event.added
                    last[key] = index
            votes = VoteRepository(session)
            present = await votes.existing(list(wanted))
            to_add = [k for k, want in wanted.items() if want and k not in present]
            to_remove = [k for k, want in wanted.items() if not want and k in present]
            guild_of = {t[0].id: t[0].guild_id for t in targets if isinstance(t, tuple)}
            to_add = await votes.add_many([(guild_of[k[0]], *k) for k in to_add])
            to_remove = await votes.remove_many(to_remove)
            delta: dict[int, int] = {}
            for venue_id, _, value in to_add:
                delta[venue_id] = delta.get(venue_id, 0) + value
            for venue_id, _, value in to_remove:
                delta[venue_id] = delta.get(venue_id, 0) - value
            await votes.shift_net(delta)
        changed = set(to_add) | set(to_remove)
        outcomes: list[bool | None] = []
        for index, (event, target) in enumerate(zip(events, targets, strict=True)):
            if target is None:
                outcomes.append(None)
            elif isinstance(target, bool):
                outcomes.append(target)
            else:
                key = (target[0].id, event.member_id, target[1])
                outcomes.append(last[key] == index and key in changed)
        return outcomes

    @staticmethod
    def _target(event, announced, digests, listed_venues):  # type: ignore[no-untyped-def]
        """(venue, value) the event votes for; False if it is no vote; None if unknown."""
        if event.emoji in VOTE_EMOJIS:
            venue = announced.get(event.message_id)
            value = VOTE_EMOJIS[event.emoji]
        elif event.emoji in NUMBER_EMOJIS:
            run = digests.get(event.message_id)
            if run is None or run.guild_id != event.guild_id:
                return None
            index = NUMBER_EMOJIS.index(event.emoji)
            if index >= len(run.venue_ids):
                return False
            venue, value = listed_venues.get(run.venue_ids[index]), 1
            if venue is None:
                return False
        else:
            return False
        if venue is None or venue.guild_id != event.guild_id:
            return None
        if venue.status != "active" or venue.proposer_id == event.member_id:
            return False
        return (venue, value)


class VoteWriter:
    """One task per process applies the votes in the order the gateway delivered them,
    in batches of up to MAX_BATCH per transaction. Database errors are retried (the events
    stay queued); `close()` waits until everything queued is stored."""

    def __init__(
        self,
        service: VoteService,
        *,
        settle: Callable[[int], Awaitable[bool]] | None = None,
    ) -> None:
        self.service = service
        self.settle = settle
        self.queue: asyncio.Queue[VoteEvent] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="vote-writer")

    def submit(self, event: VoteEvent) -> None:
        self.queue.put_nowait(event)

    async def _run(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while len(batch) < MAX_BATCH and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            try:
                await self._apply(batch)
            except Exception:
                log.exception("could not store %d vote events", len(batch))
            finally:
                for _ in batch:
                    self.queue.task_done()

    async def _apply(self, batch: list[VoteEvent]) -> None:
        outcomes = await self._with_retries(batch)
        unknown = [e for e, outcome in zip(batch, outcomes, strict=True) if outcome is None]
        if unknown and self.settle is not None:
            # A reaction can arrive before the bot has recorded the announcement it was
            # posting: wait for the guild's announcements in flight, then look again.
            waited = [await self.settle(guild) for guild in sorted({e.guild_id for e in unknown})]
            if any(waited):
                await self._with_retries(unknown)

    async def _with_retries(self, batch: list[VoteEvent]) -> list[bool | None]:
        delay = 0.1
        while True:
            try:
                return await self.service.apply(batch)
            except (OperationalError, DBAPIError, PoolTimeoutError, OSError) as exc:
                log.warning(
                    "database unavailable for %d votes, retrying in %.1f s: %s",
                    len(batch),
                    delay,
                    exc,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_SECONDS)

    async def close(self, timeout: float = 30.0) -> None:
        """Store what is queued, then stop."""
        if self._task is None:
            return
        try:
            await asyncio.wait_for(self.queue.join(), timeout)
        except TimeoutError:
            log.error("%d vote events were not stored before shutdown", self.queue.qsize())
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
