"""Giving memory back to the system after a burst.

At start the gateway sends every guild (10,000 guilds: about 130 MB of JSON parsed), and
the parsing leaves the C heap full of freed blocks that glibc keeps for later. Once the
bot is ready they are garbage; `malloc_trim` returns them to the system."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import sys

log = logging.getLogger(__name__)


def trim() -> bool:
    """Collect, then release the free heap pages (glibc only); True when trimmed."""
    gc.collect()
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
