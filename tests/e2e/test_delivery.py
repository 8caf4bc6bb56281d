"""An announcement or a digest whose answer from Discord is lost (the connection dropped
after Discord created the message, or a 500 after it did) is posted once: the nonce Discord
enforces, and a look in the channel before any new attempt, across a restart too."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from db.engine import Database
from db.models import DigestRun, Venue
from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import count, propose, refused, run
from tests.e2e.test_digest import rated_venues, schedule_now

LOST = 0  # `fake.fail(..., 0, after=True)`: handled, then the connection closes unanswered


def posts_to(channel_id: int) -> str:
    return rf"^/channels/{channel_id}/messages$"


async def stored_announcements(h: Harness) -> list[int | None]:
    db = Database(h.database_url)
    try:
        async with db.read() as session:
            return list(await session.scalars(select(Venue.announcement_message_id)))
    finally:
        await db.dispose()


async def test_an_announcement_whose_answer_is_lost_is_posted_once(running: Harness) -> None:
    h = running
    h.fake.fail("POST", posts_to(h.general.id), LOST, after=True)
    announcement = await propose(h)
    assert len(h.fake.channel_messages(h.general)) == 1
    assert await stored_announcements(h) == [announcement.id]
    # The look in the channel found it: no second post was even tried.
    assert len(h.fake.requests_to("POST", posts_to(h.general.id))) == 1


async def test_a_500_after_the_announcement_was_created_posts_it_once(running: Harness) -> None:
    h = running
    h.fake.fail("POST", posts_to(h.general.id), 500, after=True)
    announcement = await propose(h)
    # discord.py sent it again with the same nonce; Discord answered with the first one.
    posts = h.fake.requests_to("POST", posts_to(h.general.id))
    assert len(posts) == 2 and posts[0].json["nonce"] == posts[1].json["nonce"]
    assert posts[0].json["enforce_nonce"] is True
    assert len(h.fake.channel_messages(h.general)) == 1
    assert await stored_announcements(h) == [announcement.id]


async def test_a_lost_answer_with_an_unreadable_history_is_saved_by_the_nonce(
    running: Harness,
) -> None:
    h = running
    h.fake.fail("POST", posts_to(h.general.id), LOST, after=True)
    h.fake.fail("GET", posts_to(h.general.id), 403, code=50001, message="Missing Access")
    announcement = await propose(h)
    assert len(h.fake.requests_to("POST", posts_to(h.general.id))) == 2
    assert len(h.fake.channel_messages(h.general)) == 1
    assert await stored_announcements(h) == [announcement.id]


async def test_an_announcement_that_cannot_be_confirmed_leaves_no_venue(
    running: Harness,
) -> None:
    h = running
    h.fake.fail("POST", posts_to(h.general.id), 503, times=20)
    message = await refused(h, "venue propose", name="Café", kind="meetup", city="Paris")
    assert message.startswith("I couldn't post the announcement"), message
    assert await count(h, Venue) == 0


async def test_a_digest_whose_answer_is_lost_is_posted_once(running: Harness) -> None:
    h = running
    channel = await h.fake.create_channel(h.guild, "digest")
    await rated_venues(h)
    await run(h, "digest setup", h.fake.owner, channel=channel, weekday=0, hour=9)
    h.fake.fail("POST", posts_to(channel.id), LOST, after=True)
    _, sent = await run(h, "digest send", h.fake.owner)
    assert sent.content.startswith("This week's digest is posted: https://"), sent.content
    (digest,) = h.fake.channel_messages(channel)
    assert str(digest.id) in sent.content
    (stored,) = await digest_runs(h)
    assert stored.message_id == digest.id and stored.posted_at is not None


async def digest_runs(h: Harness) -> list[DigestRun]:
    db = Database(h.database_url)
    try:
        async with db.read() as session:
            return list(await session.scalars(select(DigestRun)))
    finally:
        await db.dispose()


async def test_a_digest_posted_before_a_restart_is_found_not_posted_again(
    harness: Harness,
) -> None:
    """Every answer lost and the history unreadable: the attempt fails and is recorded;
    after a restart, well past the nonce's minutes, the next attempt finds the digest in
    the channel and records it."""
    h = harness
    channel = h.fake.add_channel(h.guild, "digest")
    # Midweek, so that the restart a quarter of an hour later is still in the same week.
    now = h.fake.now()
    wednesday = now.date() + dt.timedelta(days=(2 - now.weekday()) % 7 or 7)
    h.fake.set_clock(dt.datetime.combine(wednesday, dt.time(12), tzinfo=dt.UTC))
    await schedule_now(h.database_url, h.guild.id, channel.id, now=h.fake.now())
    h.fake.fail("POST", posts_to(channel.id), LOST, after=True, times=2)
    h.fake.fail("GET", posts_to(channel.id), 403, code=50001, message="Missing Access", times=2)
    await h.start(DIGEST_CHECK_SECONDS="0.1", DIGEST_RETRY_SECONDS="60")

    async def failed() -> bool:
        runs = await digest_runs(h)
        return bool(runs) and runs[0].failure_key == "digest.error.no_answer"

    await eventually(failed, timeout=10)
    assert len(h.fake.channel_messages(channel)) == 1  # the second send met the nonce
    await h.stop()
    h.fake.advance_clock(minutes=15)
    await h.start(DIGEST_CHECK_SECONDS="0.1", DIGEST_RETRY_SECONDS="60")

    async def posted() -> bool:
        runs = await digest_runs(h)
        return bool(runs) and runs[0].posted_at is not None

    await eventually(posted, timeout=10)
    (digest,) = h.fake.channel_messages(channel)
    (stored,) = await digest_runs(h)
    assert stored.message_id == digest.id
    assert len(h.fake.requests_to("POST", posts_to(channel.id))) == 2
