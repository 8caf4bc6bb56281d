"""The reaction vote path: what takes the write lock, what waits, what a fault costs."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence

import pytest
from sqlalchemy import inspect, select, text

from bot.domain.digest import DigestPosted, DigestService
from bot.domain.venues import VenueService, validate_proposal
from bot.domain.votes import VoteEvent, VoteService, VoteWriter
from db.engine import Database
from db.models import Venue, Vote, VoteReaction
from db.repositories import VoteRepository

GUILD, OTHER_GUILD = 111_111_111_111_111_111, 222_222_222_222_222_222
ALICE, BOB, CAROL, DAVE = (10_000_000_000_000_001 + i for i in range(4))
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
WEEK = (2026, 48)


async def venue(db: Database, guild: int = GUILD, message_id: int | None = None) -> int:
    service = VenueService(db)
    draft = validate_proposal(name="Café des Devs", kind="meetup", city="Paris")
    created = await service.propose(guild, ALICE, draft)
    if message_id is not None:
        await service.set_announcement(guild, created.id, 5, message_id)
    return created.id


async def stored(db: Database) -> set[tuple[int, int, int]]:
    async with db.read() as session:
        rows = await session.execute(select(Vote.venue_id, Vote.member_id, Vote.value))
        return {(v, m, value) for v, m, value in rows}


async def test_reactions_on_other_messages_never_wait_for_the_write_lock(db: Database) -> None:
    """A 👍 on a chat message is told apart in a read, while another transaction holds
    the write lock (and the vote table); a real vote waits for it."""
    await venue(db, message_id=555)
    votes = VoteService(db)
    chat = [VoteEvent(GUILD, 900 + i, BOB, "👍", True) for i in range(20)]
    async with db.write() as session:
        if session.get_bind().dialect.name == "postgresql":
            await session.execute(text("LOCK TABLE vote IN ACCESS EXCLUSIVE MODE"))
        else:
            await session.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: the write lock
        assert await asyncio.wait_for(votes.apply(chat), 5) == [None] * 20
        real = asyncio.create_task(votes.record_vote(GUILD, 555, BOB, "👍", added=True))
        done, _ = await asyncio.wait([real], timeout=0.5)
        assert not done  # the real vote waits for the lock
    assert await real is True


async def test_a_guild_waiting_for_its_announcement_holds_up_no_other_guild(
    db: Database,
) -> None:
    waiting_venue = await venue(db)  # its announcement is being posted
    other_venue = await venue(db, OTHER_GUILD, message_id=556)
    settled = asyncio.Event()

    async def settle(guild_id: int) -> bool:
        if guild_id != GUILD:
            return False
        await settled.wait()
        return True

    writer = VoteWriter(VoteService(db), settle=settle)
    writer.start()
    try:
        writer.submit(VoteEvent(GUILD, 700, BOB, "👍", True))  # before the id is recorded
        await writer.queue.join()
        await VenueService(db).set_announcement(GUILD, waiting_venue, 5, 700)
        writer.submit(VoteEvent(GUILD, 700, BOB, "👍", False))  # must stay behind the first
        writer.submit(VoteEvent(GUILD, 700, CAROL, "👍", True))
        writer.submit(VoteEvent(OTHER_GUILD, 556, BOB, "👍", True))
        await writer.queue.join()
        for _ in range(50):
            if await stored(db):
                break
            await asyncio.sleep(0.05)
        assert await stored(db) == {(other_venue, BOB, 1)}  # GUILD still settling
        settled.set()
    finally:
        await writer.close(timeout=10)
    assert await stored(db) == {(other_venue, BOB, 1), (waiting_venue, CAROL, 1)}


class FaultyVotes(VoteService):
    """Fails, as a bug would, on any batch with one of CAROL's reactions."""

    async def apply(self, events: Sequence[VoteEvent]) -> list[bool | None]:
        if any(event.member_id == CAROL for event in events):
            raise RuntimeError("unexpected")
        return await super().apply(events)


async def test_an_unexpected_error_drops_only_the_faulty_event(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    venue_id = await venue(db, message_id=555)
    writer = VoteWriter(FaultyVotes(db))
    for member in (BOB, CAROL, DAVE):
        writer.submit(VoteEvent(GUILD, 555, member, "👍", True))
    writer.start()
    await writer.close(timeout=10)
    assert await stored(db) == {(venue_id, BOB, 1), (venue_id, DAVE, 1)}
    dropped = [r for r in caplog.records if r.getMessage().startswith("dropped vote event")]
    assert len(dropped) == 1 and str(CAROL) in dropped[0].getMessage()


async def digest_listing(db: Database, message_id: int, *venue_ids: int) -> None:
    """A posted digest whose numbered reactions vote for `venue_ids`, in order."""
    service = DigestService(db)
    run = await service.claim(GUILD, WEEK, NOW)
    assert run is not None
    await service.record(run, DigestPosted(5, message_id, venue_ids), NOW)


async def test_a_vote_lasts_while_one_of_its_reactions_does(db: Database) -> None:
    """👍 on the announcement and 1️⃣ on a digest are one vote: removing either one keeps
    it while the other stays; removing both removes it."""
    venue_id = await venue(db, message_id=555)
    await digest_listing(db, 99, venue_id)
    votes = VoteService(db)
    assert await votes.record_vote(GUILD, 555, BOB, "👍", added=True) is True
    assert await votes.record_vote(GUILD, 99, BOB, "1️⃣", added=True) is False
    assert await votes.record_vote(GUILD, 99, BOB, "1️⃣", added=False) is False
    assert await stored(db) == {(venue_id, BOB, 1)}
    assert await votes.record_vote(GUILD, 99, BOB, "1️⃣", added=True) is False
    assert await votes.record_vote(GUILD, 555, BOB, "👍", added=False) is False
    assert await stored(db) == {(venue_id, BOB, 1)}
    assert await votes.record_vote(GUILD, 99, BOB, "1️⃣", added=False) is True
    assert await stored(db) == set()
    assert (await VenueService(db).details(GUILD, venue_id)).upvotes == 0


async def test_both_reactions_in_one_batch_make_one_vote(db: Database) -> None:
    venue_id = await venue(db, message_id=555)
    await digest_listing(db, 99, venue_id)
    votes = VoteService(db)
    await votes.apply(
        [
            VoteEvent(GUILD, 555, BOB, "👍", True),
            VoteEvent(GUILD, 99, BOB, "1️⃣", True),
            VoteEvent(GUILD, 555, BOB, "👍", False),
            VoteEvent(GUILD, 99, CAROL, "1️⃣", True),
            VoteEvent(GUILD, 99, CAROL, "1️⃣", False),
        ]
    )
    assert await stored(db) == {(venue_id, BOB, 1)}
    async with db.read() as session:
        net = await session.scalar(select(Venue.net_votes).where(Venue.id == venue_id))
    assert net == 1
    await votes.apply([VoteEvent(GUILD, 99, BOB, "1️⃣", False)])
    assert await stored(db) == set()


async def reaction_rows(db: Database) -> set[tuple[int, int, str]]:
    async with db.read() as session:
        rows = await session.execute(
            select(VoteReaction.message_id, VoteReaction.member_id, VoteReaction.emoji)
        )
        return {(m, u, e) for m, u, e in rows}


async def test_an_announcement_reaction_is_kept_on_its_vote(db: Database) -> None:
    """The announcement's 👍/👎 is the vote row alone (one row written per reaction, the
    common case); only a digest's number is a row of its own. Both ways a member voted
    count once, by the last."""
    venue_id = await venue(db, message_id=555)
    await digest_listing(db, 99, venue_id)
    votes = VoteService(db)
    await votes.apply(
        [
            VoteEvent(GUILD, 555, BOB, "👍", True),
            VoteEvent(GUILD, 555, BOB, "👎", True),
            VoteEvent(GUILD, 555, CAROL, "👍", True),
            VoteEvent(GUILD, 99, DAVE, "1️⃣", True),
        ]
    )
    assert await stored(db) == {
        (venue_id, BOB, 1),
        (venue_id, BOB, -1),
        (venue_id, CAROL, 1),
        (venue_id, DAVE, 1),
    }
    assert await reaction_rows(db) == {(99, DAVE, "1️⃣")}
    details = await VenueService(db).details(GUILD, venue_id)
    assert (details.upvotes, details.downvotes) == (2, 1)  # Bob counts once: 👎, his last
    # Dave's 👍 on the announcement joins his 1️⃣: still one vote; removing the 1️⃣ keeps it.
    assert await votes.record_vote(GUILD, 555, DAVE, "👍", added=True) is False
    assert await votes.record_vote(GUILD, 99, DAVE, "1️⃣", added=False) is False
    assert await reaction_rows(db) == set()
    assert await votes.record_vote(GUILD, 555, DAVE, "👍", added=False) is True
    assert await votes.record_vote(GUILD, 555, BOB, "👎", added=False) is True
    assert await stored(db) == {(venue_id, BOB, 1), (venue_id, CAROL, 1)}
    async with db.read() as session:
        net = await session.scalar(select(Venue.net_votes).where(Venue.id == venue_id))
    assert net == 2


async def test_converging_an_announcement_keeps_a_vote_its_digest_reaction_holds(
    db: Database,
) -> None:
    """After a restart Discord lists no 👍 of Bob's on the announcement any more, but his
    1️⃣ on the digest is still there: the vote stays; Carol's, with no other reaction, goes,
    and Dave's 👍 that the bot never saw is counted."""
    venue_id = await venue(db, message_id=555)
    await digest_listing(db, 99, venue_id)
    votes = VoteService(db)
    await votes.apply(
        [
            VoteEvent(GUILD, 555, BOB, "👍", True),
            VoteEvent(GUILD, 99, BOB, "1️⃣", True),
            VoteEvent(GUILD, 555, CAROL, "👍", True),
        ]
    )
    writer = VoteWriter(votes)
    writer.start()
    try:
        writer.watch(555)
        changes = await writer.converge(GUILD, 555, {"👍": frozenset({DAVE}), "👎": frozenset()})
        writer.watch(99)
        unchanged = await writer.converge(GUILD, 99, {"1️⃣": frozenset({BOB})})
    finally:
        await writer.close(timeout=10)
    assert (changes, unchanged) == (3, 0)
    assert await stored(db) == {(venue_id, BOB, 1), (venue_id, DAVE, 1)}
    assert (await VenueService(db).details(GUILD, venue_id)).upvotes == 2


async def test_converging_keeps_live_events_newer_than_the_listing(db: Database) -> None:
    """Discord's list is a snapshot: a reaction event received after the listing began
    decides for its member, whatever the list says."""
    venue_id = await venue(db, message_id=555)
    writer = VoteWriter(VoteService(db))
    writer.start()
    try:
        writer.submit(VoteEvent(GUILD, 555, BOB, "👍", True))
        await writer.queue.join()
        writer.watch(555)
        writer.submit(VoteEvent(GUILD, 555, CAROL, "👍", True))  # after the snapshot
        writer.submit(VoteEvent(GUILD, 555, BOB, "👎", True))
        changes = await writer.converge(GUILD, 555, {"👍": frozenset({DAVE}), "👎": frozenset()})
    finally:
        await writer.close(timeout=10)
    assert changes == 2  # Dave added, Bob's 👍 removed
    assert await stored(db) == {(venue_id, CAROL, 1), (venue_id, DAVE, 1), (venue_id, BOB, -1)}


async def test_a_full_queue_hands_events_to_reconciliation(db: Database) -> None:
    await venue(db, message_id=555)
    overflowed: list[VoteEvent] = []
    writer = VoteWriter(VoteService(db), overflow=overflowed.append, max_queued=3)
    events = [VoteEvent(GUILD, 555, member, "👍", True) for member in (ALICE, BOB, CAROL, DAVE)]
    assert [writer.submit(event) for event in events] == [True, True, True, False]
    assert overflowed == events[3:] and writer.queue.qsize() == 3


async def test_a_vote_updates_its_venue_in_place(db: Database) -> None:
    """`net_votes` is in no index of the venue, so PostgreSQL rewrites no index for a
    vote: every update of the venue's row is heap-only (HOT)."""
    venue_id = await venue(db, message_id=555)
    async with db.read() as session:
        indexes = await session.run_sync(
            lambda s: inspect(s.connection()).get_indexes("venue")  # type: ignore[no-untyped-call]
        )
    assert not [i["name"] for i in indexes if "net_votes" in i["column_names"]]
    if db.url.get_backend_name() != "postgresql":
        return
    stats = text(
        "SELECT pg_stat_get_xact_tuples_updated('venue'::regclass), "
        "pg_stat_get_xact_tuples_hot_updated('venue'::regclass)"
    )
    deltas = []
    for _ in range(20):  # one transaction per batch, as the writer does
        async with db.write() as session:
            updated, hot = (await session.execute(stats)).one()
            await VoteRepository(session).shift_net({venue_id: 1})
            updated_after, hot_after = (await session.execute(stats)).one()
            deltas.append((updated_after - updated, hot_after - hot))
    assert deltas == [(1, 1)] * 20
