"""The process's memory and its garbage collector around the start-up burst.

At start the gateway sends every guild (10,000 guilds of 25 channels and 17 roles: about
130 MB of JSON parsed into some 1.5 million objects). Python's collector would traverse
the growing heap again and again while they are built (full collections each time it
grows by a quarter) and then at every later full collection, each a pause of the event
loop that every guild's commands wait behind. So the collector is held while the guilds
arrive (`hold`), and once the bot is ready what is left is moved out of its reach
(`settle`: collected once, then `gc.freeze`); the freed blocks parsing leaves in the C
heap are handed back to the system (`malloc_trim`).

Later work leaves freed blocks in the C heap too: each command's rows and replies, the
reaction storms' events, the digests, SQLite's reads in its connections' threads. glibc
keeps them: of the 31 MB the benchmark's work added to the process (benchmarks/memory.py),
`malloc_trim` handed 7 MB back. So once settled the free heap is handed back every
`TRIM_SECONDS`: under a millisecond of the event loop each time (0.8 ms after that work).

A frozen object is never collected as part of a reference cycle: a guild the bot leaves,
or the guilds of a shard that identifies again, would stay. `refresh` brings them back
within reach (done after each later shard ready and, at most every `REFRESH_SECONDS`,
after guilds were removed)."""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import logging
import sys

log = logging.getLogger(__name__)

#: At most this long between a guild's removal and the collection that frees it.
REFRESH_SECONDS = 600.0
#: The collector comes back by itself after this long even if the bot never got ready.
HOLD_LIMIT_SECONDS = 300.0
#: How often the free heap is handed back once the bot is ready.
TRIM_SECONDS = 10.0


def release_free_heap() -> bool:
    """Hand the free pages of the C heap back to the system (glibc only); True if any."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        return bool(libc.malloc_trim(0))
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return False


def trim() -> bool:
    """Collect, then release the free heap pages (glibc only); True when trimmed."""
    gc.collect()
    return release_free_heap()


class Collector:
    """When the garbage collector runs, for one bot process."""

    def __init__(
        self, refresh_seconds: float = REFRESH_SECONDS, trim_seconds: float = TRIM_SECONDS
    ) -> None:
        self.refresh_seconds = refresh_seconds
        self.trim_seconds = trim_seconds
        #: How many times the free heap was handed back since the bot got ready.
        self.trims = 0
        self._release: asyncio.TimerHandle | None = None
        self._pending: asyncio.TimerHandle | None = None
        self._trimmer: asyncio.TimerHandle | None = None

    def hold(self, limit: float = HOLD_LIMIT_SECONDS) -> None:
        """No automatic collection until `settle` (or `limit` seconds)."""
        gc.disable()
        self._release = asyncio.get_running_loop().call_later(limit, gc.enable)

    def settle(self) -> None:
        """Collect what start-up left, freeze the survivors, give the freed heap back."""
        if self._release is not None:
            self._release.cancel()
            self._release = None
        gc.unfreeze()
        trimmed = trim()
        gc.freeze()
        gc.enable()
        log.info(
            "memory settled: %d objects frozen%s",
            gc.get_freeze_count(),
            ", free heap returned" if trimmed else "",
        )
        if self._trimmer is None:
            self._trimmer = asyncio.get_running_loop().call_later(self.trim_seconds, self._trim)

    def _trim(self) -> None:
        """Hand the free heap back, again in `trim_seconds`."""
        release_free_heap()
        self.trims += 1
        self._trimmer = asyncio.get_running_loop().call_later(self.trim_seconds, self._trim)

    def refresh_soon(self) -> None:
        """Settle again within `refresh_seconds` (once for many calls)."""
        if self._pending is None:
            self._pending = asyncio.get_running_loop().call_later(
                self.refresh_seconds, self._refresh
            )

    def _refresh(self) -> None:
        self._pending = None
        self.settle()

    def close(self) -> None:
        for handle in (self._release, self._pending, self._trimmer):
            if handle is not None:
                handle.cancel()
        self._release = self._pending = self._trimmer = None
        gc.unfreeze()
        gc.enable()
