"""Freed memory is handed back to the system once the guilds are parsed."""

from __future__ import annotations

import sys

from bot.memory import trim


def test_trim_releases_the_heap_on_linux() -> None:
    garbage = [bytes(1000) for _ in range(20_000)]
    del garbage
    released = trim()
    assert released if sys.platform.startswith("linux") else released is False
