"""`python -m tests.fakediscord.play`: the real bot against the fake Discord, used from a
web page.

Starts the fake (with the playground's server and page), runs `python -m bot` as a child
process on SQLite in the data folder, prints the page's URL and serves until Ctrl-C,
which stops the bot first, then saves the fake's state next to the database."""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import sys
from pathlib import Path

from tests.fakediscord.play.api import PlayAPI
from tests.fakediscord.play.world import PlayWorld, build, load, save
from tests.fakediscord.server import FakeDiscord

DEFAULT_PORT = 8765
BOT_STOP_SECONDS = 20.0
SAVE_EVERY_SECONDS = 10.0


def bot_env(fake: FakeDiscord, data: Path) -> dict[str, str]:
    """The bot's environment: the fake's addresses and clock, SQLite in `data`, and a
    scheduler that looks for due digests every 2 seconds so a moved clock shows at once."""
    return {
        **os.environ,
        **fake.env(),
        "DATABASE_URL": f"sqlite+aiosqlite:///{(data / 'bonnes_places.db').resolve()}",
        "DIGEST_CHECK_SECONDS": "2",
        "GUILD_READY_TIMEOUT": "0.5",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "PYTHONUNBUFFERED": "1",
    }


def prepare(data: Path, fresh: bool) -> tuple[FakeDiscord, PlayWorld]:
    """The data folder (emptied with `fresh`) and the fake with the server it holds."""
    if fresh and data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True, exist_ok=True)
    fake = FakeDiscord()
    return fake, load(fake, data) or build(fake)


async def play(fake: FakeDiscord, world: PlayWorld, port: int, data: Path) -> int:
    await fake.start(port=port, extend=PlayAPI(fake, world.guild).routes)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with (data / "bot.log").open("ab") as log:
        bot = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            env=bot_env(fake, data),
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
            stdin=asyncio.subprocess.DEVNULL,
            start_new_session=True,
        )
    status = 0
    exited = asyncio.create_task(bot.wait())
    stopped = asyncio.create_task(stop.wait())
    try:
        ready = asyncio.create_task(fake.wait_until_identified(timeout=60))
        await asyncio.wait({ready, exited, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if ready.done() and not ready.exception():
            print(f"http://127.0.0.1:{fake.port}/play/", flush=True)
            while not stop.is_set() and not exited.done():
                await asyncio.wait({exited, stopped}, timeout=SAVE_EVERY_SECONDS)
                save(fake, world, data)
        ready.cancel()
        if exited.done() and not stop.is_set():
            print(f"the bot stopped (exit {bot.returncode}); see {data / 'bot.log'}", flush=True)
            status = 1
    finally:
        stopped.cancel()
        if bot.returncode is None:
            bot.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(asyncio.shield(exited), BOT_STOP_SECONDS)
            except TimeoutError:
                bot.kill()
                await exited
        save(fake, world, data)
        await fake.stop()
    return status


def main() -> int:
    parser = argparse.ArgumentParser(prog="make play", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="0: any free port")
    parser.add_argument("--data", type=Path, default=Path("play-data"))
    parser.add_argument("--fresh", action="store_true", help="start from an empty server")
    args = parser.parse_args()
    fake, world = prepare(args.data, args.fresh)
    return asyncio.run(play(fake, world, args.port, args.data))


if __name__ == "__main__":
    sys.exit(main())
