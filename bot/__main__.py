"""`python -m bot`: settings -> database -> services -> Bot, closed cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import discord

from bot.app import BonnesPlaces
from bot.clock import ClockUnavailable, clock_from
from bot.discord_cache import lighten_guild_caches
from bot.discord_endpoints import DISCORD_API_BASE, point_discord_at
from bot.domain.marks import marker_key
from bot.metrics import Metrics
from bot.private_logs import hide_database_values
from bot.services import Services
from bot.settings import Settings, SettingsError, load_database_settings, load_settings
from bot.startup import (
    NETWORK_ERRORS,
    StartupError,
    one_line,
    prepare_database,
    quiet_network_tracebacks,
)
from db.engine import Database

log = logging.getLogger("bot")

#: Seconds the client gets to end by itself once closed, before it is cancelled.
RUNNER_GRACE_SECONDS = 2.0


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("discord").setLevel(max(logging.getLevelName(level), logging.INFO))
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    # What Alembic logs as it is imported, by the upgrade's own process at every start.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
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
    """Run the bot until `stop` is set (SIGTERM/SIGINT set it under `main`).

    Raises StartupError when the database or Discord cannot be used as configured."""
    stop = stop or asyncio.Event()
    hide_database_values()
    quiet_network_tracebacks()
    lighten_guild_caches()
    point_discord_at(settings.discord_api_base, settings.discord_gateway_url)
    if not await prepare_database(settings.database_url, stop, settings.database_wait_seconds):
        log.info("stopped before start")
        return
    db = Database(
        settings.database_url,
        connect_timeout=settings.database_connect_timeout,
        statement_timeout=settings.database_statement_timeout,
    )
    metrics = Metrics()
    metrics.watch_database(db)
    try:
        await _serve_metrics(metrics, settings)
        async with (
            clock_from(settings.clock_url) as clock,
            BonnesPlaces(
                settings,
                Services.build(db, clock, marker_key(settings.discord_token.get_secret_value())),
                metrics,
            ) as bot,
        ):
            if on_bot is not None:
                on_bot(bot)
            await _run_until_stopped(bot, settings, stop)
    except NETWORK_ERRORS as exc:
        raise StartupError(
            f"cannot reach Discord at {settings.discord_api_base or DISCORD_API_BASE}: "
            f"{one_line(exc)}"
        ) from None
    except discord.HTTPException as exc:
        raise StartupError(
            f"Discord at {settings.discord_api_base or DISCORD_API_BASE} answered "
            f"{exc.status}: {one_line(exc)}"
        ) from None
    finally:
        await metrics.close()
        await db.dispose()
        log.info("stopped")


async def _serve_metrics(metrics: Metrics, settings: Settings) -> None:
    """Open the Prometheus endpoint when a port is configured; a taken port stops start-up."""
    if settings.metrics_port is None:
        return
    try:
        await metrics.serve(settings.metrics_host, settings.metrics_port)
    except OSError as exc:
        raise StartupError(
            f"cannot serve metrics on {settings.metrics_host}:{settings.metrics_port}: "
            f"{one_line(exc)}"
        ) from None


async def _run_until_stopped(bot: BonnesPlaces, settings: Settings, stop: asyncio.Event) -> None:
    """Run the client until it ends by itself or `stop` is set, then close it in bounded time."""
    runner = asyncio.create_task(bot.start(settings.discord_token.get_secret_value()), name="bot")
    stopper = asyncio.create_task(stop.wait(), name="stop")
    await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    if not runner.done():
        log.info("stopping")
        await bot.close()
        # A shard still retrying an unreachable gateway does not end with close().
        await asyncio.wait({runner}, timeout=RUNNER_GRACE_SECONDS)
        runner.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await runner


async def _run_until_signal(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await serve(settings, stop=stop)


def operator_command(argv: list[str]) -> int:
    """`backup PATH` or `export --guild ID [--out DIR]`: 0 when done, 1 with one line on
    stderr when not, 2 for a usage or configuration error."""
    parser = argparse.ArgumentParser(prog="python -m bot")
    commands = parser.add_subparsers(dest="command", required=True)
    backup_parser = commands.add_parser("backup", help="online copy of the SQLite database")
    backup_parser.add_argument("path", type=Path)
    export_parser = commands.add_parser("export", help="a server's data as CSV files")
    export_parser.add_argument("--guild", type=int, required=True)
    export_parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    try:
        url = load_database_settings().database_url
    except SettingsError as exc:
        print(f"bonnes-places: {exc}", file=sys.stderr)
        return 2
    from bot import operator

    try:
        if args.command == "backup":
            print(operator.backup(url, args.path))
            return 0
        folder = args.out or Path(f"export-{args.guild}")
        for path in operator.export_guild(url, args.guild, folder):
            print(path)
    except operator.OperatorError as exc:
        print(f"bonnes-places: {args.command} failed: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"bonnes-places: {args.command} failed: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv:
        return operator_command(argv)
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
    except ClockUnavailable as exc:
        print(
            f"bonnes-places: CLOCK_URL {settings.clock_url} answers no time: {exc}", file=sys.stderr
        )
        return 1
    except StartupError as exc:
        print(f"bonnes-places: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
