"""Member actions through the fake Discord, shared by the end-to-end tests."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from db.engine import Database
from db.models import Rating
from tests.e2e.harness import Harness
from tests.fakediscord import FakeDiscord, FakeInteraction, Message, User

ROOT = Path(__file__).resolve().parents[2]

EPHEMERAL = 64


async def propose(
    h: Harness, user: User | None = None, locale: str = "en-US", **options: Any
) -> Message:
    """Propose a venue and return the announcement the bot posted."""
    before = len(h.fake.channel_messages(h.general))
    fields = {"name": "Café des Devs", "kind": "meetup", "city": "Paris", **options}
    interaction = await h.fake.slash(
        "venue propose", guild=h.guild, user=user or h.alice, locale=locale, **fields
    )
    reply = await interaction.reply()
    assert reply.ephemeral, reply
    messages = await h.fake.wait_for_message(h.general, before + 1)
    announcement = messages[-1]
    assert str(announcement.id) in reply.content, reply.content
    return announcement


async def run(
    h: Harness,
    command: str,
    user: User | None = None,
    locale: str = "en-US",
    validate: bool = True,
    **options: Any,
) -> tuple[FakeInteraction, Message]:
    interaction = await h.fake.slash(
        command,
        guild=h.guild,
        user=user or h.alice,
        locale=locale,
        validate=validate,
        **options,
    )
    return interaction, await interaction.reply()


async def refused(
    h: Harness,
    command: str,
    user: User | None = None,
    locale: str = "en-US",
    validate: bool = True,
    **options: Any,
) -> str:
    """Run a command that must be refused; return the ephemeral message."""
    _, reply = await run(h, command, user, locale, validate, **options)
    assert reply.flags & EPHEMERAL, f"not ephemeral: {reply}"
    return reply.content


async def show(h: Harness, venue: str, locale: str = "en-US") -> Message:
    _, reply = await run(h, "venue show", h.bob, locale, venue=venue)
    return reply


def venue_id_of(announcement: Message) -> str:
    """The venue id, as autocomplete would give it, from an announcement's footer."""
    footer = announcement.embed["footer"]["text"]
    return footer.rsplit("#", 1)[-1].rsplit("°", 1)[-1].strip()


async def count(h: Harness, model: type) -> int:
    """Rows of `model` in the bot's database."""
    db = Database(h.database_url)
    try:
        async with db.read() as session:
            return await session.scalar(select(func.count()).select_from(model)) or 0
    finally:
        await db.dispose()


async def rating_count(h: Harness) -> int:
    return await count(h, Rating)


def bot_env(fake: FakeDiscord, url: str, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "DATABASE_", "SHARD_", "DEV_GUILD"))
    }
    return {
        **env,
        **fake.env(),
        "DATABASE_URL": url,
        "GUILD_READY_TIMEOUT": "0.05",
        "DIGEST_CHECK_SECONDS": "0.2",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


async def run_processes_until(
    envs: list[dict[str, str]], tmp_path: Path, scenario: Callable[[], Awaitable[None]]
) -> list[str]:
    """Start one `python -m bot` per environment, run `scenario`, then SIGTERM them all
    and return their output; each must exit cleanly."""
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        for env in envs
    ]
    try:
        await scenario()
        for process in processes:
            process.send_signal(signal.SIGTERM)
        outputs = [(await asyncio.wait_for(p.communicate(), 30))[0].decode() for p in processes]
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
    for process, output in zip(processes, outputs, strict=True):
        assert process.returncode == 0, output
        assert "Traceback" not in output, output
    return outputs
