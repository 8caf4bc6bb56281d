"""Serve the fake Discord by itself: `python -m tests.fakediscord [PORT]`.

Prints the environment that points a bot at it; handy to try `make run` without Discord.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys

from tests.fakediscord.server import FakeDiscord


async def _serve(port: int) -> None:
    fake = await FakeDiscord().start(port=port)
    guild = fake.add_guild("Local guild")
    fake.add_member(guild, "alice")
    for name, value in fake.env().items():
        print(f"export {name}={value}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await fake.stop()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(int(sys.argv[1]) if len(sys.argv) > 1 else 8080))
