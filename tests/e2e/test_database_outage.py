"""PostgreSQL that stops answering, through a proxy the test controls (the shared server
itself is never touched): members hear "try again" in time, votes wait and are stored
once it answers again, no restart needed, and the bot still stops when asked."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.engine import make_url

from db.models import Vote
from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import count, propose, refused, run, venue_id_of
from tests.tcpproxy import TcpProxy

BUSY = "The database is busy right now. Please try again in a moment."
VOTERS = 30


@pytest.fixture
async def proxied(harness: Harness) -> AsyncIterator[tuple[Harness, TcpProxy, str]]:
    if not harness.database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL behind a proxy")
    url = make_url(harness.database_url)
    proxy = await TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    try:
        yield harness, proxy, through
    finally:
        await harness.stop()
        await proxy.stop()


async def test_blackholed_database_answers_try_again_and_recovers(
    proxied: tuple[Harness, TcpProxy, str],
) -> None:
    h, proxy, through = proxied
    await h.start(DATABASE_URL=through)
    announcement = await propose(h)
    venue = venue_id_of(announcement)
    voters = [h.fake.add_member(h.guild, f"voter{i}").user for i in range(VOTERS)]

    proxy.blackhole()
    started = time.perf_counter()
    message = await refused(h, "venue rate", h.bob, venue=venue, worth=4, hours="1.0")
    elapsed = time.perf_counter() - started
    assert message == BUSY
    assert elapsed < 3, f"answered after {elapsed:.1f} s"
    print(f"try again after {elapsed:.2f} s with the database blackholed")
    for voter in voters:
        await h.fake.react(announcement, "👍", voter)
    await asyncio.sleep(3)

    proxy.restore()

    async def all_stored() -> bool:
        return await count(h, Vote) == VOTERS

    await eventually(all_stored, timeout=30)
    _, reply = await run(h, "venue rate", h.bob, venue=venue, worth=4, hours="1.0")
    assert reply.content.startswith("Thanks! Your rating"), reply.content


async def test_shutdown_finishes_with_the_database_blackholed(
    proxied: tuple[Harness, TcpProxy, str],
) -> None:
    h, proxy, through = proxied
    await h.start(DATABASE_URL=through)
    announcement = await propose(h)
    proxy.blackhole()
    await h.fake.react(announcement, "👍", h.bob)  # a vote the writer cannot store
    await asyncio.sleep(0.5)
    h.expected_errors.append("vote events were not stored before shutdown")
    # A scheduler whose round falls in the outage says it could not read what is due (on
    # a loaded machine the first rounds after the start can come this late).
    h.expected_errors.append("could not read")
    started = time.perf_counter()
    await h.stop()
    elapsed = time.perf_counter() - started
    print(f"stopped in {elapsed:.2f} s with the database blackholed")
    assert elapsed < 15
