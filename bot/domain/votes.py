"""Reaction votes: applied in arrival order, in batches, by one writer per process.

A vote is a 👍 / 👎 reaction on a venue's announcement, or a numbered reaction on a digest
(a 👍 for the venue listed at that number). One row per (venue, member, value), which
exists while at least one of the reactions that make it is stored; bots are filtered out
before this point; a venue's proposer's reactions are not votes.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from bot.domain.marks import is_proposer
from bot.domain.vote_batch import Wanted, store
from db.engine import Database
from db.repositories import DigestListing, VoteMessageRecord, VoteRepository, VoteTarget

log = logging.getLogger(__name__)

VOTE_EMOJIS = {"👍": 1, "👎": -1}
NUMBER_EMOJIS = ("1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣")
MAX_BATCH = 500
#: Vote events waiting for the writer, at most; beyond, an event is left to reconciliation.
MAX_QUEUED = 20_000
RETRY_MAX_SECONDS = 5.0
#: Announcement and digest message ids remembered as vote targets (most recent kept).
KNOWN_MESSAGES = 4096

VoteKey = tuple[int, int, int]  # (venue, member, value)
ReactionKey = tuple[int, int, str]  # (message, member, emoji)
Target = tuple[VoteTarget, int] | bool | None


@dataclass(frozen=True, slots=True)
class VoteEvent:
    guild_id: int
    message_id: int
    member_id: int
    emoji: str
    added: bool
    #: When the bot received it (`time.monotonic()`), for the metrics.
    received_at: float = 0.0


def is_vote_emoji(emoji: str) -> bool:
    return emoji in VOTE_EMOJIS or emoji in NUMBER_EMOJIS


def vote_emojis(message: VoteMessageRecord) -> tuple[str, ...]:
    """The reactions that are votes on this announcement or digest."""
    if message.listed is None:
        return tuple(VOTE_EMOJIS)
    return NUMBER_EMOJIS[: message.listed]


@dataclass(eq=False)
class Converge:
    """Make the stored reactions of one message what Discord listed (`reactors`: member
    ids per emoji, bots left out), except those a live event touched since the listing
    began (`touched`: (member, emoji)): that event is newer and decides."""

    guild_id: int
    message_id: int
    reactors: Mapping[str, frozenset[int]]
    touched: set[tuple[int, str]]
    done: asyncio.Future[int] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


def _target(
    event: VoteEvent,
    announced: dict[int, VoteTarget],
    digests: dict[int, DigestListing],
    listed_venues: dict[int, VoteTarget],
    marker_key: bytes,
) -> Target:
    """(venue, value) the event votes for; False if it is no vote; None if unknown."""
    venue: VoteTarget | None
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
    if venue.status != "active" or is_proposer(venue, event.member_id, marker_key):
        return False
    return (venue, value)


class KnownMessages:
    """Message ids known to be announcements or digests, most recent kept.

    Only ever a shortcut: an id is added once the database says so, and every vote is
    checked again in its write transaction, so another process's changes cannot make a
    remembered id give a wrong answer."""

    def __init__(self, size: int = KNOWN_MESSAGES) -> None:
        self.size = size
        self._ids: OrderedDict[int, None] = OrderedDict()

    def __contains__(self, message_id: object) -> bool:
        return message_id in self._ids

    def add(self, message_ids: set[int]) -> None:
        for message_id in message_ids:
            self._ids[message_id] = None
            self._ids.move_to_end(message_id)
        while len(self._ids) > self.size:
            self._ids.popitem(last=False)


class VoteService:
    def __init__(self, db: Database, marker_key: bytes = b"") -> None:
        self.db = db
        self.marker_key = marker_key
        self.known = KnownMessages()

    async def record_vote(
        self, guild_id: int, message_id: int, member_id: int, emoji: str, *, added: bool
    ) -> bool | None:
        """One event: True when a vote changed, False when not, None when the message is
        neither an announcement nor a digest."""
        (outcome,) = await self.apply([VoteEvent(guild_id, message_id, member_id, emoji, added)])
        return outcome

    async def vote_messages(self, message_ids: set[int]) -> set[int]:
        """Which of these messages take votes, read without the write lock."""
        unsure = {message_id for message_id in message_ids if message_id not in self.known}
        if unsure:
            async with self.db.read() as session:
                self.known.add(await VoteRepository(session).vote_messages(sorted(unsure)))
        return {message_id for message_id in message_ids if message_id in self.known}

    async def recent_messages(
        self, since: dt.datetime, message_ids: Sequence[int] = ()
    ) -> list[VoteMessageRecord]:
        """Announcements and digests posted since `since` (or those of `message_ids`)."""
        async with self.db.read() as session:
            return await VoteRepository(session).vote_messages_since(since, message_ids)

    async def converge_events(self, converge: Converge) -> list[VoteEvent]:
        """The events that turn the stored reactions of the message into Discord's."""
        async with self.db.read() as session:
            stored = await VoteRepository(session).reactors(converge.message_id)
        events = []
        for emoji, members in converge.reactors.items():
            have = stored.get(emoji, set())
            for member_id, added in [(m, True) for m in sorted(members - have)] + [
                (m, False) for m in sorted(have - members)
            ]:
                if (member_id, emoji) not in converge.touched:
                    events.append(
                        VoteEvent(converge.guild_id, converge.message_id, member_id, emoji, added)
                    )
        return events

    async def apply(self, events: Sequence[VoteEvent]) -> list[bool | None]:
        """Apply `events` in order in one transaction; an outcome per event (see
        `record_vote`). For each (venue, member, value) the last event decides, exactly as
        applying them one by one would. Reactions on other messages (most of a chat's)
        are told apart first, in a read: they never wait for the write lock."""
        known = await self.vote_messages({e.message_id for e in events})
        votes = [e for e in events if e.message_id in known]
        outcomes = iter(await self._apply(votes) if votes else [])
        return [next(outcomes) if e.message_id in known else None for e in events]

    async def _apply(self, events: Sequence[VoteEvent]) -> list[bool | None]:
        async with self.db.write() as session:
            votes = VoteRepository(session)
            targets = await self._targets(votes, events)
            # Per reaction, the state its last event leaves, in the order of those events.
            wanted: dict[ReactionKey, Wanted] = {}
            last: dict[VoteKey, int] = {}
            for index, (event, target) in enumerate(zip(events, targets, strict=True)):
                if isinstance(target, tuple):
                    venue, value = target
                    key = (event.message_id, event.member_id, event.emoji)
                    wanted.pop(key, None)
                    wanted[key] = Wanted(event.added, venue, value)
                    last[(venue.id, event.member_id, value)] = index
            changed = await store(votes, wanted)
        outcomes: list[bool | None] = []
        for index, (event, target) in enumerate(zip(events, targets, strict=True)):
            if target is None or isinstance(target, bool):
                outcomes.append(target)
            else:
                vote = (target[0].id, event.member_id, target[1])
                outcomes.append(last[vote] == index and vote in changed)
        return outcomes

    async def _targets(self, votes: VoteRepository, events: Sequence[VoteEvent]) -> list[Target]:
        # A 👍/👎 counts on an announcement, a number on a digest: each read only if needed.
        announced = await votes.targets_by_announcements(
            sorted({e.message_id for e in events if e.emoji in VOTE_EMOJIS})
        )
        digests = await votes.digest_listings(
            sorted({e.message_id for e in events if e.emoji in NUMBER_EMOJIS})
        )
        listed = await votes.targets_by_ids(
            [venue_id for run in digests.values() for venue_id in run.venue_ids]
        )
        return [_target(e, announced, digests, listed, self.marker_key) for e in events]


class VoteWriter:
    """One task per process applies the votes in the order the gateway delivered them,
    in batches of up to MAX_BATCH per transaction. Database errors are retried (the events
    stay queued); an unexpected error retries the batch event by event, so only the
    faulty event is dropped. `close()` waits until everything queued is stored.

    A reaction can arrive before the bot has recorded the announcement it was posting:
    such events wait, in a task of their guild's own, for the guild's announcements in
    flight (`settle`), then are looked at again. Later events on the same messages queue
    behind them, so a member's last reaction still wins; other guilds' votes go on."""

    def __init__(
        self,
        service: VoteService,
        *,
        settle: Callable[[int], Awaitable[bool]] | None = None,
        overflow: Callable[[VoteEvent], None] | None = None,
        max_queued: int = MAX_QUEUED,
        on_stored: Callable[[list[float]], None] | None = None,
    ) -> None:
        self.service = service
        self.settle = settle
        #: Called with each written batch's arrival times (the metrics).
        self.on_stored = on_stored
        #: Called with an event the full queue could not take (reconciliation re-reads
        #: its message from Discord): memory stays bounded whatever the rate offered.
        self.overflow = overflow
        self.queue: asyncio.Queue[VoteEvent | Converge] = asyncio.Queue(max_queued)
        self.dropped = 0
        #: Per message being listed from Discord: (member, emoji) of live events since.
        self._watched: dict[int, set[tuple[int, str]]] = {}
        self._task: asyncio.Task[None] | None = None
        #: Per guild: events waiting for its announcements to settle, in arrival order,
        #: each with whether it was found on no known message (else it queued behind one).
        self._waiting: dict[int, list[tuple[VoteEvent, bool]]] = {}
        self._settling: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="vote-writer")

    def submit(self, event: VoteEvent) -> bool:
        """Queue a live event; False when the queue is full and it went to `overflow`."""
        if self.queue.full():
            if self.dropped % 10_000 == 0:
                log.warning(
                    "vote queue full (%d events): reactions left to reconciliation",
                    self.queue.maxsize,
                )
            self.dropped += 1
            if self.overflow is not None:
                self.overflow(event)
            return False
        touched = self._watched.get(event.message_id)
        if touched is not None:
            touched.add((event.member_id, event.emoji))
        self.queue.put_nowait(event)
        return True

    def watch(self, message_id: int) -> set[tuple[int, str]]:
        """Start noting the live events on a message about to be listed from Discord."""
        return self._watched.setdefault(message_id, set())

    async def converge(
        self, guild_id: int, message_id: int, reactors: Mapping[str, frozenset[int]]
    ) -> int:
        """Make the message's stored reactions Discord's `reactors`, listed since `watch`,
        in order with the live events; the number of events that took. Waits for room in
        the queue (back-pressure on reconciliation, never on live votes)."""
        item = Converge(guild_id, message_id, reactors, self._watched.get(message_id, set()))
        try:
            await self.queue.put(item)
            return await item.done
        finally:
            self._watched.pop(message_id, None)

    async def _run(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while (
                len(batch) < MAX_BATCH
                and not self.queue.empty()
                and not isinstance(batch[-1], Converge)
            ):
                batch.append(self.queue.get_nowait())
            try:
                await self._apply_or_isolate(
                    [
                        e
                        for e in batch
                        if isinstance(e, VoteEvent) and not self._queued_behind_settling(e)
                    ]
                )
                if isinstance(batch[-1], Converge):
                    await self._converge(batch[-1])
            finally:
                for _ in batch:
                    self.queue.task_done()

    async def _converge(self, item: Converge) -> None:
        try:
            events = await self.service.converge_events(item)
            for start in range(0, len(events), MAX_BATCH):
                chunk = events[start : start + MAX_BATCH]
                await self._apply_or_isolate(
                    [e for e in chunk if not self._queued_behind_settling(e)]
                )
        except Exception as exc:
            if not item.done.done():
                item.done.set_exception(exc)
        else:
            if not item.done.done():
                item.done.set_result(len(events))

    async def _apply_or_isolate(self, batch: list[VoteEvent]) -> None:
        if not batch:
            return
        try:
            await self._apply(batch)
        except Exception:
            if len(batch) == 1:
                log.exception("dropped vote event %s", batch[0])
                return
            log.warning("could not store %d vote events at once, one by one now", len(batch))
            for event in batch:
                await self._apply_or_isolate([event])

    async def _apply(self, batch: list[VoteEvent]) -> None:
        outcomes = await self._with_retries(batch)
        if self.on_stored is not None:
            self.on_stored([e.received_at for e in batch])
        unknown = [e for e, outcome in zip(batch, outcomes, strict=True) if outcome is None]
        if unknown and self.settle is not None:
            for event in unknown:
                self._wait_for_settle(event)

    def _queued_behind_settling(self, event: VoteEvent) -> bool:
        waiting = self._waiting.get(event.guild_id)
        if waiting is None or all(w.message_id != event.message_id for w, _ in waiting):
            return False
        waiting.append((event, False))
        return True

    def _wait_for_settle(self, event: VoteEvent) -> None:
        waiting = self._waiting.get(event.guild_id)
        if waiting is not None:
            waiting.append((event, True))
            return
        self._waiting[event.guild_id] = [(event, True)]
        task = asyncio.create_task(self._settle(event.guild_id), name="vote-settle")
        self._settling.add(task)
        task.add_done_callback(self._settling.discard)

    async def _settle(self, guild_id: int) -> None:
        """Wait for the guild's announcements in flight, then apply its waiting events
        (and those that queued behind them meanwhile) in order. With nothing in flight,
        an event found on no known message is no vote: only those behind it are left."""
        assert self.settle is not None
        try:
            waited = await self.settle(guild_id)
            while self._waiting[guild_id]:
                waiting, self._waiting[guild_id] = self._waiting[guild_id], []
                events = [event for event, unknown in waiting if waited or not unknown]
                if events:
                    await self._isolated(events)
        except Exception:
            log.exception("votes of guild %s waiting for an announcement were lost", guild_id)
        finally:
            del self._waiting[guild_id]

    async def _isolated(self, events: list[VoteEvent]) -> None:
        try:
            await self._with_retries(events)
        except Exception:
            if len(events) == 1:
                log.exception("dropped vote event %s", events[0])
                return
            for event in events:
                await self._isolated([event])

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
        """Store what is queued (and what waits for an announcement), then stop."""
        if self._task is None:
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            await asyncio.wait_for(self.queue.join(), timeout)
            if self._settling:
                await asyncio.wait_for(
                    asyncio.gather(*self._settling), max(0.0, deadline - loop.time())
                )
        except TimeoutError:
            log.error(
                "%d vote events were not stored before shutdown",
                self.queue.qsize() + sum(len(w) for w in self._waiting.values()),
            )
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
