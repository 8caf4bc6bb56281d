"""`python -m bot`: settings -> database -> services -> Bot, closed cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Callable

import discord

from bot.app import BonnesPlaces
from bot.discord_endpoints import point_discord_at
from bot.services import Services
from bot.settings import Settings, SettingsError, load_settings
from db.engine import Database
from db.migrate import upgrade

log = logging.getLogger("bot")


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("discord").setLevel(max(logging.getLevelName(level), logging.INFO))
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    # The bot has no voice features; discord.py's voice-library warnings are noise here.
    logging.getLogger("discord.client").addFilter(
        lambda record: "voice will NOT be supported" not in record.getMessage()
    )


async def serve(
    settings: Settings,
    *,
    stop: asyncio.Event | None = None,
    on_bot: Callable[[BonnesPlaces], None] | None = None,
) -> None:
    """Run the bot until `stop` is set (SIGTERM/SIGINT set it under `main`)."""
    stop = stop or asyncio.Event()
    point_discord_at(settings.discord_api_base, settings.discord_gateway_url)
    await upgrade(settings.database_url)
    db = Database(settings.database_url)
    try:
        async with BonnesPlaces(settings, Services.build(db)) as bot:
            if on_bot is not None:
                on_bot(bot)
            runner = asyncio.create_task(
                bot.start(settings.discord_token.get_secret_value()), name="bot"
            )
            stopper = asyncio.create_task(stop.wait(), name="stop")
            await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            if not runner.done():
                log.info("stopping")
                await bot.close()
            await runner
    finally:
        await db.dispose()
        log.info("stopped")


async def _run_until_signal(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await serve(settings, stop=stop)


def main() -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"bonnes-places: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    try:
        asyncio.run(_run_until_signal(settings))
    except discord.LoginFailure:
        print(
            "bonnes-places: Discord rejected DISCORD_TOKEN; copy a fresh token from "
            "https://discord.com/developers/applications -> your app -> Bot",
            file=sys.stderr,
        )
        return 1
    except discord.PrivilegedIntentsRequired as exc:
        print(f"bonnes-places: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
