"""Many members reacting at once: the stored votes are the ones of each member's last event,
in one process, and across two processes (one shard each) sharing the database."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

from sqlalchemy import select

from bot.domain.venues import VenueService, validate_proposal
from db.engine import Database
from db.models import Venue, Vote
from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import bot_env, propose, run_processes_until
from tests.fakediscord import FakeDiscord, Message, User

EVENTS = 1000
MEMBERS = 200


def expected_votes(
    messages: dict[int, Message], venue_of: dict[int, int], proposers: dict[int, int]
) -> set[tuple[int, int, int]]:
    """What Discord shows at the end: every reaction still there is a vote."""
    wanted = set()
    for message_id, message in messages.items():
        for emoji, users in message.reactions.items():
            value = {"👍": 1, "👎": -1}[emoji]
            for user in users:
                venue = venue_of[message_id]
                if user not in (proposers[venue], message.author.id):
                    wanted.add((venue, user, value))
    return wanted


async def stored_votes(url: str) -> set[tuple[int, int, int]]:
    db = Database(url)
    try:
        async with db.read() as session:
            rows = await session.execute(select(Vote.venue_id, Vote.member_id, Vote.value))
            return {tuple(row) for row in rows}  # type: ignore[misc]
    finally:
        await db.dispose()


async def net_votes_consistent(url: str) -> bool:
    db = Database(url)
    try:
        async with db.read() as session:
            venues = await session.execute(select(Venue.id, Venue.net_votes))
            votes = await session.execute(select(Vote.venue_id, Vote.value))
    finally:
        await db.dispose()
    totals: dict[int, int] = {}
    for venue_id, value in votes:
        totals[venue_id] = totals.get(venue_id, 0) + value
    return all(net == totals.get(venue_id, 0) for venue_id, net in venues)


async def burst(fake: FakeDiscord, messages: list[Message], members: list[User], seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(EVENTS):
        message = rng.choice(messages)
        member = rng.choice(members)
        emoji = rng.choice(["👍", "👎"])
        if rng.random() < 0.6:
            await fake.react(message, emoji, member)
        else:
            await fake.unreact(message, emoji, member)


async def test_last_event_of_each_member_wins(running: Harness) -> None:
    h = running
    announcements = [await propose(h, name=f"Lieu {i}") for i in range(3)]
    members = [h.fake.add_member(h.guild, f"m{i}").user for i in range(MEMBERS)]
    db = Database(h.database_url)
    try:
        async with db.read() as session:
            venues = list(await session.scalars(select(Venue)))
    finally:
        await db.dispose()
    venue_of = {v.announcement_message_id: v.id for v in venues}
    proposers = {v.id: v.proposer_id for v in venues}
    await burst(h.fake, announcements, members, seed=1)
    expected = expected_votes({m.id: m for m in announcements}, venue_of, proposers)

    async def matches() -> bool:
        return await stored_votes(h.database_url) == expected

    await eventually(matches, timeout=20)
    assert await net_votes_consistent(h.database_url)


async def test_two_shard_processes_sharing_the_database(database_url: str, tmp_path: Path) -> None:
    from db.migrate import upgrade

    await upgrade(database_url)
    fake = await FakeDiscord().start()
    try:
        guilds = [fake.add_guild(f"Shard {s}", shard=(s, 2)) for s in (0, 1)]
        messages, venue_of, proposers, members = [], {}, {}, {}
        db = Database(database_url)
        try:
            service = VenueService(db)
            for guild in guilds:
                channel = next(iter(guild.channels.values()))
                members[guild.id] = [
                    fake.add_member(guild, f"g{guild.id % 97}m{i}").user
                    for i in range(MEMBERS // 2)
                ]
                for i in range(2):
                    draft = validate_proposal(name=f"Lieu {i}", kind="meetup", city="Paris")
                    venue = await service.propose(guild.id, fake.owner.id, draft)
                    message = fake.add_message(channel)
                    await service.set_announcement(guild.id, venue.id, channel.id, message.id)
                    messages.append(message)
                    venue_of[message.id] = venue.id
                    proposers[venue.id] = fake.owner.id
        finally:
            await db.dispose()

        async def scenario() -> None:
            await fake.wait_until_identified(count=2, timeout=60)
            await asyncio.sleep(0.5)  # both processes past ready
            await asyncio.gather(
                *(
                    burst(
                        fake,
                        [m for m in messages if m.guild_id == guild.id],
                        members[guild.id],
                        seed=guild.id % 1000,
                    )
                    for guild in guilds
                )
            )
            expected = expected_votes({m.id: m for m in messages}, venue_of, proposers)

            async def matches() -> bool:
                return await stored_votes(database_url) == expected

            await eventually(matches, timeout=30)

        await run_processes_until(
            [bot_env(fake, database_url, SHARD_COUNT="2", SHARD_IDS=str(s)) for s in (0, 1)],
            tmp_path,
            scenario,
        )
        assert await net_votes_consistent(database_url)
    finally:
        await fake.stop()
