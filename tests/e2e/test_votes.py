"""Votes as members make them through the fake Discord: one vote behind several
reactions, and votes kept in step with Discord's reactions across restarts."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from sqlalchemy import select

from cogs.venues.reconcile import Reconciler
from db.engine import Database
from db.models import Vote
from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import bot_env, propose, run, show, venue_id_of
from tests.fakediscord import Message, User
from tests.fakediscord.gateway import Session


async def digest_of(h: Harness, venue: str) -> Message:
    """This week's digest, listing `venue` (rated by Bob) at 1️⃣."""
    await run(h, "venue rate", h.bob, venue=venue, worth=5, hours="2")
    channel = await h.fake.create_channel(h.guild, "digest")
    await run(h, "digest setup", h.fake.owner, channel=channel, weekday=0, hour=9)
    await run(h, "digest send", h.fake.owner)
    (digest,) = h.fake.channel_messages(channel)

    async def numbered() -> bool:
        return "1️⃣" in digest.reactions

    await eventually(numbered)
    return digest


async def upvotes(
    h: Harness, venue: str, expected: int, *, down: int = 0, timeout: float = 5.0
) -> None:
    async def shown() -> bool:
        return f"👍 {expected} · 👎 {down}" in (await show(h, venue)).embed_text()

    await eventually(shown, timeout=timeout)


async def test_a_vote_stays_while_one_of_its_reactions_does(running: Harness) -> None:
    h = running
    announcement = await propose(h)
    venue = venue_id_of(announcement)
    digest = await digest_of(h, venue)
    carol = h.fake.add_member(h.guild, "carol").user

    await h.fake.react(announcement, "👍", carol)
    await h.fake.react(digest, "1️⃣", carol)
    await upvotes(h, venue, 1)
    await h.fake.unreact(digest, "1️⃣", carol)
    await upvotes(h, venue, 1)  # the 👍 on the announcement is still there

    await h.fake.react(digest, "1️⃣", carol)
    await h.fake.unreact(announcement, "👍", carol)
    await upvotes(h, venue, 1)  # the 1️⃣ on the digest is still there
    await h.fake.unreact(digest, "1️⃣", carol)
    await upvotes(h, venue, 0)


def react_unseen(message: Message, emoji: str, user: User) -> None:
    """A reaction Discord holds but whose event the bot never received."""
    message.reactions.setdefault(emoji, []).append(user.id)


def unreact_unseen(message: Message, emoji: str, user: User) -> None:
    message.reactions[emoji].remove(user.id)


async def test_reactions_changed_while_the_bot_was_down_are_counted(running: Harness) -> None:
    h = running
    announcement = await propose(h)
    venue = venue_id_of(announcement)
    digest = await digest_of(h, venue)
    carol, dave = (h.fake.add_member(h.guild, name).user for name in ("carol", "dave"))
    await h.fake.react(announcement, "👍", carol)
    await h.fake.react(announcement, "👎", h.bob)
    await h.fake.react(digest, "1️⃣", h.bob)
    await upvotes(h, venue, 2, down=0)  # Bob counts once, by his last vote: the 1️⃣

    await h.stop()
    react_unseen(announcement, "👍", dave)
    unreact_unseen(announcement, "👍", carol)
    unreact_unseen(announcement, "👎", h.bob)
    react_unseen(digest, "1️⃣", carol)  # Carol's vote now stands on the digest
    unreact_unseen(digest, "1️⃣", h.bob)
    await h.start()
    await upvotes(h, venue, 2, down=0)
    assert await stored_votes(h) == {(carol.id, 1), (dave.id, 1)}


async def test_the_owners_vote_given_while_the_bot_was_down_counts(running: Harness) -> None:
    """Discord lists the server owner among a message's reactions like any member."""
    h = running
    announcement = await propose(h)
    venue = venue_id_of(announcement)
    await h.stop()
    react_unseen(announcement, "👍", h.fake.owner)
    await h.start()
    await upvotes(h, venue, 1, down=0)
    assert await stored_votes(h) == {(h.fake.owner.id, 1)}


async def test_a_resume_reconciles(running: Harness) -> None:
    h = running
    announcement = await propose(h)
    venue = venue_id_of(announcement)
    assert h.bot is not None
    before = _reconciler(h).stats.passes
    carol = h.fake.add_member(h.guild, "carol").user
    (session,) = h.fake.sessions.values()
    await h.fake.drop_gateway()
    react_unseen(announcement, "👍", carol)  # its event is lost with the connection
    await eventually(lambda: _resumed(session))
    assert len(h.fake.sessions) == 1, "the bot identified anew instead of resuming"
    await upvotes(h, venue, 1)
    assert _reconciler(h).stats.passes > before


async def test_many_voters_are_listed_page_by_page(running: Harness) -> None:
    h = running
    announcement = await propose(h)
    venue = venue_id_of(announcement)
    await h.stop()
    for index in range(250):
        react_unseen(announcement, "👍", h.fake.add_member(h.guild, f"voter{index}").user)
    h.fake.requests.clear()
    await h.start()
    await upvotes(h, venue, 250, timeout=20)
    pages = h.fake.requests_to("GET", rf"/messages/{announcement.id}/reactions/")
    assert len(pages) == 3 + 1  # 👍: 100, 100, 50 (+ the bot itself); 👎: one page


async def test_a_bot_killed_mid_storm_converges_after_restart(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await h.start()
    announcement = await propose(h)
    venue = venue_id_of(announcement)
    await h.stop()
    voters = [h.fake.add_member(h.guild, f"voter{i}").user for i in range(300)]
    identified = len(h.fake.sessions)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=bot_env(h.fake, h.database_url),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await h.fake.wait_until_identified(identified + 1, timeout=30)
        await asyncio.sleep(0.5)  # ready: its guilds are sent
        for index, voter in enumerate(voters):
            await h.fake.react(announcement, "👍", voter)
            if index % 3 == 0:
                await h.fake.unreact(announcement, "👍", voter)
        process.kill()  # kill -9, mid-storm
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()
    kept = [v for i, v in enumerate(voters) if i % 3]
    await h.start()
    await upvotes(h, venue, len(kept), timeout=20)
    assert await stored_votes(h) == {(v.id, 1) for v in kept}


def _reconciler(h: Harness) -> Reconciler:
    assert h.bot is not None
    reconciler = getattr(h.bot.get_cog("VenueVotes"), "reconciler", None)
    assert reconciler is not None  # the extension's own copy of the class
    return reconciler  # type: ignore[no-any-return]


async def _resumed(session: Session) -> bool:
    return session.ws is not None and not session.ws.closed


async def stored_votes(h: Harness) -> set[tuple[int, int]]:
    db = Database(h.database_url)
    try:
        async with db.read() as session:
            rows = await session.execute(select(Vote.member_id, Vote.value))
            return {(member, value) for member, value in rows}
    finally:
        await db.dispose()
