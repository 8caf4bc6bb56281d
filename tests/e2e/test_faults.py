"""Faults: Discord answering 429 / 500, a dropped gateway, a locked database, SIGTERM."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from db.models import Rating, Venue, Vote
from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import count, propose, refused, run, venue_id_of


async def test_rate_limited_announcement_is_posted_once(running: Harness) -> None:
    h = running
    h.fake.fail(
        "POST",
        r"^/channels/\d+/messages$",
        429,
        retry_after=0.3,
        message="You are being rate limited.",
    )
    await propose(h)
    assert len(h.fake.channel_messages(h.general)) == 1
    assert len(h.fake.requests_to("POST", r"^/channels/\d+/messages$")) == 2
    assert await count(h, Venue) == 1


async def test_the_member_is_answered_while_discord_paces_the_vote_reactions(
    running: Harness,
) -> None:
    """Discord paces reactions per channel: the proposer's confirmation does not wait for
    the announcement's 👍 and 👎, which follow once Discord lets them."""
    h = running
    h.fake.fail(
        "PUT",
        r"/reactions/",
        429,
        retry_after=2.0,
        message="You are being rate limited.",
    )
    announcement = await propose(h)
    assert announcement.reactions == {}, "the reply waited for the reactions"

    async def reacted() -> bool:
        return len(announcement.reactions) == 2

    await eventually(reacted)
    assert announcement.reactions == {"👍": [h.fake.bot_user.id], "👎": [h.fake.bot_user.id]}


async def test_server_error_is_retried_and_posts_once(running: Harness) -> None:
    h = running
    h.fake.fail("POST", r"^/channels/\d+/messages$", 500, message="oops")
    await propose(h)
    assert len(h.fake.channel_messages(h.general)) == 1
    assert await count(h, Venue) == 1


async def test_votes_sent_while_the_gateway_is_down_are_counted_once(running: Harness) -> None:
    h = running
    announcement = await propose(h)
    (session,) = h.fake.sessions.values()
    await h.fake.drop_gateway()
    carol = h.fake.add_member(h.guild, "carol").user
    await h.fake.react(announcement, "👍", h.bob)  # buffered, replayed on RESUME
    await h.fake.react(announcement, "👎", carol)

    async def counted() -> bool:
        return await count(h, Vote) == 2

    await eventually(counted, timeout=15)
    assert len(h.fake.sessions) == 1 and session.ws is not None


async def test_locked_database_answers_try_again_then_recovers(running: Harness) -> None:
    h = running
    if not h.database_url.startswith("sqlite"):
        pytest.skip("a SQLite lock held by another process")
    venue = venue_id_of(await propose(h))
    path = h.database_url.split("///", 1)[1]
    locked = threading.Event()
    release = threading.Event()

    def hold_lock() -> None:
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("BEGIN EXCLUSIVE")
        locked.set()
        release.wait(10)
        connection.execute("ROLLBACK")
        connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        await asyncio.to_thread(locked.wait, 5)
        started = time.perf_counter()
        message = await refused(h, "venue rate", h.bob, venue=venue, worth=4, hours="1.0")
        assert message == "The database is busy right now. Please try again in a moment."
        assert time.perf_counter() - started < 3
    finally:
        release.set()
        await asyncio.to_thread(holder.join)
    _, reply = await run(h, "venue rate", h.bob, venue=venue, worth=4, hours="1.0")
    assert reply.content.startswith("Thanks! Your rating")
    assert await count(h, Rating) == 1
    h.expected_errors.clear()


async def test_database_failing_while_the_venue_option_resolves_answers_try_again(
    running: Harness,
) -> None:
    """Resolving the venue option is part of the command: a database failure there is
    answered like one in the command itself, not as an invalid value."""
    h = running
    if not h.database_url.startswith("sqlite"):
        pytest.skip("the SQLite file moved away")
    assert h.bot is not None
    venue = venue_id_of(await propose(h))
    path = Path(h.database_url.split("///", 1)[1])
    away = path.with_name(path.name + ".away")
    db = h.bot.services.venues.db
    await db.dispose()
    # The next connection opens an empty database: no such table.
    await asyncio.to_thread(path.rename, away)
    try:
        message = await refused(h, "venue show", h.bob, venue=venue)
    finally:
        await db.dispose()
        await asyncio.to_thread(path.unlink, missing_ok=True)
        await asyncio.to_thread(away.rename, path)
    assert message == "The database is busy right now. Please try again in a moment."
    _, reply = await run(h, "venue show", h.bob, venue=venue)
    assert reply.embeds[0]["title"].startswith("Café")


async def test_sigterm_during_a_vote_burst_loses_no_vote(harness: Harness) -> None:
    h = harness
    await h.start()
    announcement = await propose(h)
    voters = [h.fake.add_member(h.guild, f"voter{i}").user for i in range(400)]
    for voter in voters:
        await h.fake.react(announcement, "👍", voter)
    (session,) = h.fake.sessions.values()
    assert h.bot is not None
    shard = h.bot._AutoShardedClient__shards[0]  # type: ignore[attr-defined]

    def received() -> bool:  # the bot has read every event the fake sent
        return shard.ws.sequence == session.seq

    for _ in range(500):
        if received():
            break
        await asyncio.sleep(0.002)
    assert received()
    stored_before = await count(h, Vote)
    await h.stop()  # what SIGTERM does: the signal handler sets the same stop event
    assert stored_before < len(voters), "the burst was already stored: nothing was tested"
    assert await count(h, Vote) == len(voters)


async def test_postgresql_connections_cut_are_replaced_without_a_restart(
    running: Harness,
) -> None:
    """What the bot sees when PostgreSQL restarts: every connection dies at once."""
    h = running
    if not h.database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    import asyncpg
    from sqlalchemy.engine import make_url

    venue = venue_id_of(await propose(h))
    url = make_url(h.database_url)
    admin = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, database=url.database
    )
    try:
        killed = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await admin.close()
    assert killed >= 1
    _, reply = await run(h, "venue rate", h.bob, venue=venue, worth=5, hours="2.0")
    assert reply.content.startswith("Thanks! Your rating")
    announcement = h.fake.channel_messages(h.general)[0]
    await h.fake.react(announcement, "👍", h.bob)

    async def voted() -> bool:
        return await count(h, Vote) == 1

    await eventually(voted)
