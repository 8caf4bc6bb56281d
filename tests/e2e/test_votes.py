"""Votes as members make them through the fake Discord: one vote behind several
reactions, and votes kept in step with Discord's reactions across restarts."""

from __future__ import annotations

from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import propose, run, show, venue_id_of
from tests.fakediscord import Message


async def digest_of(h: Harness, venue: str) -> Message:
    """This week's digest, listing `venue` (rated by Bob) at 1️⃣."""
    await run(h, "venue rate", h.bob, venue=venue, worth=5, hours=2.0)
    channel = await h.fake.create_channel(h.guild, "digest")
    await run(h, "digest setup", h.fake.owner, channel=channel, weekday=0, hour=9)
    await run(h, "digest send", h.fake.owner)
    (digest,) = h.fake.channel_messages(channel)

    async def numbered() -> bool:
        return "1️⃣" in digest.reactions

    await eventually(numbered)
    return digest


async def upvotes(h: Harness, venue: str, expected: int) -> None:
    async def shown() -> bool:
        return f"👍 {expected} · 👎 0" in (await show(h, venue)).embed_text()

    await eventually(shown)


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
