"""Start-up: login, gateway, command sync policy, and where every request goes."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import sys
from pathlib import Path

import discord

from bot.discord_cache import NO_OVERWRITES
from tests.e2e.harness import Harness, eventually
from tests.fakediscord.state.permissions import Permissions

ROOT = Path(__file__).resolve().parents[2]
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MESSAGE_REACTIONS = 1 << 10


async def test_ready_with_only_guild_and_reaction_intents(running: Harness) -> None:
    fake = running.fake
    assert running.bot is not None
    assert running.bot.is_ready()
    assert running.bot.get_guild(running.guild.id) is not None
    (session,) = fake.sessions.values()
    assert session.intents == INTENT_GUILDS | INTENT_GUILD_MESSAGE_REACTIONS
    assert session.identify["token"] == fake.token
    paths = [(r.method, r.path) for r in fake.requests]
    assert ("GET", "/users/@me") in paths
    assert ("GET", "/oauth2/applications/@me") in paths


async def test_global_sync_only_when_the_schema_changes(harness: Harness) -> None:
    fake = harness.fake
    await harness.start()
    assert [guild for guild, _ in fake.command_puts] == [None]
    names = {c["name"] for c in fake.global_commands}
    assert "venue" in names
    venue = next(c for c in fake.global_commands if c["name"] == "venue")
    assert venue["name_localizations"] == {"fr": "lieu"}

    await harness.restart()
    assert len(fake.command_puts) == 1, "an unchanged schema was synced again"


async def test_dev_guild_is_synced_at_every_start(harness: Harness) -> None:
    fake = harness.fake
    await harness.start(DEV_GUILD_ID=str(harness.guild.id))
    await harness.restart(DEV_GUILD_ID=str(harness.guild.id))
    assert [guild for guild, _ in fake.command_puts] == [harness.guild.id, harness.guild.id]
    assert fake.global_commands == []
    assert {c["name"] for c in fake.guild_commands[harness.guild.id]} >= {"venue"}


async def test_bot_resumes_after_the_gateway_drops(running: Harness) -> None:
    fake = running.fake
    (session,) = fake.sessions.values()
    await fake.drop_gateway()
    for _ in range(200):
        if session.ws is not None and not session.ws.closed:
            break
        await asyncio.sleep(0.05)
    assert session.ws is not None and not session.ws.closed, "the bot did not come back"
    assert len(fake.sessions) == 1, "the bot identified anew instead of resuming"
    interaction = await fake.slash(
        "venue show", guild=running.guild, user=running.alice, venue="nothing"
    )
    assert (await interaction.response())["data"]["flags"] & 64


async def test_python_m_bot_runs_and_stops_on_sigterm(harness: Harness, tmp_path: Path) -> None:
    """The real entry point, as an operator starts it, against the fake."""
    fake = harness.fake
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))},
        **fake.env(),
        "DATABASE_URL": harness.database_url,
        "GUILD_READY_TIMEOUT": "0.05",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await fake.wait_until_identified(timeout=30)
        interaction = await fake.slash(
            "venue show", guild=harness.guild, user=harness.alice, venue="nothing"
        )
        await interaction.response(timeout=10)
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 20)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    log = output.decode()
    assert process.returncode == 0, log
    assert "stopped" in log
    assert "Traceback" not in log


async def test_four_shards_identify_at_once_when_discord_allows(harness: Harness) -> None:
    """/gateway/bot advertises max_concurrency 16: four shards need not wait 5 s apart."""
    h = harness
    bot = await h.start(SHARD_COUNT="4")
    assert bot.identify_limiter.max_concurrency == 16
    assert bot.identify_limiter.waited == 0
    shards = sorted(s.shard for s in h.fake.sessions.values())
    assert shards == [(0, 4), (1, 4), (2, 4), (3, 4)]


async def test_shards_that_may_identify_together_connect_together(harness: Harness) -> None:
    """discord.py connects a shard once the one before it has identified, while that one's
    guilds already arrive; those Discord lets identify at once connect at once."""
    h = harness
    for index in range(200):  # enough guilds that each shard's take a while to parse
        h.fake.add_guild(f"Server {index}")
    await h.start(SHARD_COUNT="4")
    assert h.fake.gateway_log[:4] == ["open"] * 4, h.fake.gateway_log


async def test_what_start_up_leaves_is_frozen_once_ready_and_released_at_stop(
    harness: Harness,
) -> None:
    """The collector is held while the guilds arrive and the survivors are frozen once
    the bot is ready (bot/memory.py); a stopped bot leaves the collector as it found it."""
    bot = await harness.start()
    await eventually(lambda: _settled(), timeout=5)
    guild = bot.get_guild(harness.guild.id)
    assert guild is not None
    assert not any(o is guild for o in gc.get_objects()), "the guild is still collected over"
    await harness.stop()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


async def _settled() -> bool:
    return gc.isenabled() and gc.get_freeze_count() > 0


async def test_channels_without_overwrites_share_one_empty_tuple(harness: Harness) -> None:
    """bot/discord_cache.py: a channel without permission overwrites holds no list of its
    own; one with overwrites keeps them, and the bot's permissions are read from them."""
    h = harness
    locked = h.fake.add_channel(h.guild, "locked")
    locked.deny(h.guild.id, Permissions.SEND_MESSAGES)
    bot = await h.start()
    general = bot.get_channel(h.general.id)
    closed = bot.get_channel(locked.id)
    assert isinstance(general, discord.TextChannel)
    assert isinstance(closed, discord.TextChannel)
    assert general._overwrites is NO_OVERWRITES
    assert len(closed._overwrites) == 1
    me = closed.guild.me
    assert general.permissions_for(me).send_messages
    assert not closed.permissions_for(me).send_messages


async def test_the_bots_member_in_every_guild_is_its_one_user(harness: Harness) -> None:
    """bot/discord_cache.py: without the members intent, `guild.me` of each guild shares the
    bot's own user; a member who is not the bot is not cached."""
    h = harness
    other = h.fake.add_guild("Other")
    bot = await h.start()
    assert bot.user is not None
    for guild_id in (h.guild.id, other.id):
        guild = bot.get_guild(guild_id)
        assert guild is not None
        assert guild.me._user is bot.user
        assert guild.me.name == bot.user.name
    assert bot.get_user(h.alice.id) is None
