"""The weekly digest through the fake Discord: setup, preview, send, schedule, restarts,
several processes, missing permissions, and votes by numbered reactions."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.domain.digest import DigestService
from db.engine import Database
from db.models import DigestRun
from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import (
    EPHEMERAL,
    bot_env,
    propose,
    refused,
    run,
    run_processes_until,
    show,
    venue_id_of,
)
from tests.fakediscord import Channel, FakeDiscord, Message, Permissions

PNG = b"\x89PNG\r\n\x1a\n"
COMPONENTS_V2 = 1 << 15


async def rated_venues(h: Harness, count: int = 2) -> list[str]:
    ids = []
    for name in ["Café des Devs", "Rust Paris", "Forum Cloud"][:count]:
        venue = venue_id_of(await propose(h, name=name))
        await run(h, "venue rate", h.bob, venue=venue, worth=5, hours="2.0")
        ids.append(venue)
    return ids


async def digest_channel(h: Harness) -> Channel:
    return await h.fake.create_channel(h.guild, "digest")


async def runs(url: str) -> list[DigestRun]:
    db = Database(url)
    try:
        async with db.read() as session:
            return list(await session.scalars(select(DigestRun)))
    finally:
        await db.dispose()


async def schedule_now(
    url: str, guild_id: int, channel_id: int, now: dt.datetime | None = None
) -> None:
    """A digest due right now (today, 00:00 UTC), set up last week."""
    now = now or dt.datetime.now(dt.UTC)
    db = Database(url)
    try:
        await DigestService(db).configure(
            guild_id,
            channel_id=channel_id,
            weekday=now.weekday(),
            hour=0,
            timezone="UTC",
            now=now - dt.timedelta(days=8),
        )
    finally:
        await db.dispose()


async def test_setup_send_posts_exactly_one_digest(running: Harness) -> None:
    h = running
    channel = await digest_channel(h)
    await rated_venues(h)
    _, reply = await run(
        h, "digest setup", h.fake.owner, channel=channel, weekday=0, hour=9, timezone="Europe/Paris"
    )
    assert reply.flags & EPHEMERAL
    assert reply.content.startswith(f"The digest will be posted in <#{channel.id}>, next on <t:")
    assert reply.content.endswith("(Europe/Paris).")

    _, sent = await run(h, "digest send", h.fake.owner)
    assert sent.content.startswith("This week's digest is posted: https://discord.com/channels/")
    (digest,) = h.fake.channel_messages(channel)
    assert digest.flags & COMPONENTS_V2 and not digest.content and not digest.embeds
    text = h.fake.render(digest)
    assert "│ ## Weekly digest · week of " in text
    assert "### Best places this week" in text
    year, week, _ = dt.datetime.now(dt.UTC).astimezone(ZoneInfo("Europe/Paris")).isocalendar()
    name = f"irl-hours-{year}-w{week:02d}.png"
    assert f"[image {name}]" in text
    (chart,) = digest.attachments
    assert chart["filename"] == name and chart["content"].startswith(PNG)
    await eventually(lambda: _reactions(digest, 2))
    assert list(digest.reactions) == ["1️⃣", "2️⃣"]

    message = await refused(h, "digest send", h.fake.owner)
    assert message.startswith("This week's digest is already posted: https://")
    assert len(h.fake.channel_messages(channel)) == 1
    (stored,) = await runs(h.database_url)
    assert stored.posted_at is not None and stored.message_id == digest.id


async def _reactions(message: Message, count: int) -> bool:
    return len(message.reactions) == count


async def test_numbered_reactions_vote_for_the_listed_venues(running: Harness) -> None:
    h = running
    channel = await digest_channel(h)
    ids = await rated_venues(h)
    await run(h, "digest setup", h.fake.owner, channel=channel, weekday=0, hour=9)
    await run(h, "digest send", h.fake.owner)
    (digest,) = h.fake.channel_messages(channel)
    carol = h.fake.add_member(h.guild, "carol").user
    await h.fake.react(digest, "1️⃣", carol)
    first = h.fake.render(digest).split("1️⃣ **", 1)[1].split("**")[0]
    venue = ids[0] if first == "Café des Devs" else ids[1]

    async def counted() -> bool:
        return "👍 1 · 👎 0" in (await show(h, venue)).embed_text()

    await eventually(counted)


async def test_preview_is_ephemeral_and_posts_nothing(running: Harness) -> None:
    h = running
    channel = await digest_channel(h)
    await rated_venues(h, 1)
    _, off = await run(h, "digest preview", h.fake.owner)
    assert off.flags & EPHEMERAL
    assert h.fake.render(off).splitlines()[1] == "  The weekly digest is off."
    await run(
        h,
        "digest setup",
        h.fake.owner,
        locale="fr",
        channel=channel,
        weekday=4,
        hour=18,
        language="fr",
    )
    interaction = await h.fake.slash("digest preview", guild=h.guild, user=h.fake.owner)
    preview = await interaction.reply()
    assert preview.flags & EPHEMERAL
    text = h.fake.render(preview)
    assert text.splitlines()[1].startswith(f"  Posted in <#{channel.id}>; next on <t:")
    assert "│ ## Récapitulatif hebdomadaire" in text
    assert preview.attachments[0]["content"].startswith(PNG)
    assert h.fake.channel_messages(channel) == []
    assert await runs(h.database_url) == []


async def test_digest_commands_need_manage_server(running: Harness) -> None:
    h = running
    channel = await digest_channel(h)
    for command, options in [
        ("digest setup", {"channel": channel, "weekday": 0, "hour": 9}),
        ("digest send", {}),
        ("digest preview", {}),
        ("digest off", {}),
    ]:
        message = await refused(h, command, h.bob, **options)
        assert message == "You need the Manage Server permission for this.", command
    assert await runs(h.database_url) == []


async def test_bad_setup_values_are_refused(running: Harness) -> None:
    h = running
    channel = await digest_channel(h)
    message = await refused(
        h, "digest setup", h.fake.owner, validate=False, channel=channel, weekday=0, hour=24
    )
    assert message == "The hour must be from 0 to 23."
    message = await refused(
        h, "digest setup", h.fake.owner, validate=False, channel=channel, weekday=9, hour=9
    )
    assert message == "Choose a day of the week."
    message = await refused(
        h, "digest setup", h.fake.owner, channel=channel, weekday=0, hour=9, timezone="Paris"
    )
    assert message.startswith("“Paris” is not a time zone.")
    message = await refused(h, "digest send", h.fake.owner)
    assert message == "The digest is not set up. Use /digest setup first."


async def test_channel_without_permission_is_refused_and_nothing_is_posted(
    running: Harness,
) -> None:
    h = running
    locked = h.fake.add_channel(h.guild, "locked")
    locked.deny(h.fake.bot_role(h.guild).id, Permissions.ATTACH_FILES)
    await h.fake.dispatch(h.guild.id, "CHANNEL_CREATE", locked.to_dict())
    message = await refused(h, "digest setup", h.fake.owner, channel=locked, weekday=0, hour=9)
    assert message == (
        f"I can't post in <#{locked.id}>: I need these permissions there: Attach Files. "
        "Ask a server admin to grant them."
    )
    _, reply = await run(h, "digest preview", h.fake.owner)
    assert reply.text().startswith("The weekly digest is off.")

    channel = await digest_channel(h)
    await run(h, "digest setup", h.fake.owner, channel=channel, weekday=0, hour=9)
    channel.deny(h.fake.bot_role(h.guild).id, Permissions.EMBED_LINKS)
    await h.fake.update_channel(channel)
    message = await refused(h, "digest send", h.fake.owner)
    assert "I need these permissions there: Embed Links." in message
    assert h.fake.channel_messages(channel) == []
    assert all(r.posted_at is None for r in await runs(h.database_url))


async def test_scheduled_digest_posts_once_and_not_again_after_a_restart(
    harness: Harness,
) -> None:
    h = harness
    channel = h.fake.add_channel(h.guild, "digest")
    await schedule_now(h.database_url, h.guild.id, channel.id)
    await h.start(DIGEST_CHECK_SECONDS="0.2")
    (digest,) = await h.fake.wait_for_message(channel)
    await h.restart(DIGEST_CHECK_SECONDS="0.2")
    await asyncio.sleep(1.5)
    assert h.fake.channel_messages(channel) == [digest]
    (stored,) = await runs(h.database_url)
    assert stored.message_id == digest.id and stored.attempts == 1


async def test_failed_scheduled_digest_is_retried_then_reported(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    channel = h.fake.add_channel(h.guild, "digest")
    await schedule_now(h.database_url, h.guild.id, channel.id)
    h.fake.fail(
        "POST",
        rf"^/channels/{channel.id}/messages$",
        403,
        code=50013,
        message="Missing Permissions",
        times=3,
    )
    h.expected_errors.append("giving up")
    await h.start(DIGEST_CHECK_SECONDS="0.1", DIGEST_RETRY_SECONDS="0.1")

    async def given_up() -> bool:
        stored = await runs(h.database_url)
        return bool(stored) and stored[0].attempts == 3 and stored[0].next_attempt_at is None

    await eventually(given_up, timeout=60)  # three chart renders on a busy machine
    assert h.fake.channel_messages(channel) == []
    assert "giving up" in caplog.text
    _, preview = await run(h, "digest preview", h.fake.owner)
    assert "3 attempts failed. Last error: 403 Missing Permissions" in preview.text()
    # Once the cause is gone, an admin posts it by hand; it then counts for the week.
    _, sent = await run(h, "digest send", h.fake.owner)
    assert sent.content.startswith("This week's digest is posted")
    assert len(h.fake.channel_messages(channel)) == 1


async def _run_processes(
    envs: list[dict[str, str]], tmp_path: Path, fake: FakeDiscord, until: list[Channel]
) -> list[str]:
    async def digests_posted() -> None:
        for channel in until:
            await fake.wait_for_message(channel, timeout=60)
        await asyncio.sleep(2.0)  # several more scheduler rounds in every process

    return await run_processes_until(envs, tmp_path, digests_posted)


async def test_two_processes_sharing_the_database_post_one_digest_per_guild(
    database_url: str, tmp_path: Path
) -> None:
    from db.migrate import upgrade

    await upgrade(database_url)
    fake = await FakeDiscord().start()
    try:
        guilds = [fake.add_guild(f"Guild {i}") for i in range(3)]
        channels = [fake.add_channel(g, "digest") for g in guilds]
        for guild, channel in zip(guilds, channels, strict=True):
            await schedule_now(database_url, guild.id, channel.id)
        env = bot_env(fake, database_url)
        await _run_processes([env, env], tmp_path, fake, channels)
        for channel in channels:
            assert len(fake.channel_messages(channel)) == 1, channel.name
        assert len(fake.sessions) == 2  # both processes were connected and due
        assert len(await runs(database_url)) == 3
    finally:
        await fake.stop()


async def test_each_shard_process_posts_its_own_guilds_digests(
    database_url: str, tmp_path: Path
) -> None:
    from db.migrate import upgrade

    await upgrade(database_url)
    fake = await FakeDiscord().start()
    try:
        guilds = [fake.add_guild(f"Shard {s} guild", shard=(s, 2)) for s in (0, 1, 0, 1)]
        channels = [fake.add_channel(g, "digest") for g in guilds]
        for guild, channel in zip(guilds, channels, strict=True):
            await schedule_now(database_url, guild.id, channel.id)
        outputs = await _run_processes(
            [bot_env(fake, database_url, SHARD_COUNT="2", SHARD_IDS=str(s)) for s in (0, 1)],
            tmp_path,
            fake,
            channels,
        )
        for channel in channels:
            assert len(fake.channel_messages(channel)) == 1
        for shard, output in enumerate(outputs):
            for guild in guilds:
                owned = (guild.id >> 22) % 2 == shard
                posted = f"posted the digest of guild {guild.id}" in output
                assert posted == owned, (shard, guild.name)
        assert sorted(s.shard for s in fake.sessions.values()) == [(0, 2), (1, 2)]
    finally:
        await fake.stop()


async def test_moving_the_clock_forward_posts_the_digest_when_it_falls_due(
    harness: Harness,
) -> None:
    """The scheduler reads CLOCK_URL: a digest set for three days ahead is posted as soon as
    the fake's clock reaches it, and once only."""
    h = harness
    await h.start(DIGEST_CHECK_SECONDS="0.1")
    channel = await digest_channel(h)
    await rated_venues(h, 1)
    due = (h.fake.now() + dt.timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    await run(
        h,
        "digest setup",
        h.fake.owner,
        channel=channel,
        weekday=due.weekday(),
        hour=due.hour,
        timezone="UTC",
    )
    await asyncio.sleep(0.5)  # several scheduler rounds: nothing is due yet
    assert h.fake.channel_messages(channel) == []
    h.fake.set_clock(due + dt.timedelta(minutes=1))
    await h.fake.wait_for_message(channel, timeout=15)
    await asyncio.sleep(0.5)
    assert len(h.fake.channel_messages(channel)) == 1
    stored = await runs(h.database_url)
    week = due.isocalendar()
    assert [(r.iso_year, r.iso_week) for r in stored] == [(week.year, week.week)]
