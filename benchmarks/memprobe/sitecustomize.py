"""Loaded into the bot's process by benchmarks/memory.py (on PYTHONPATH) when MEMPROBE names
a file: on SIGUSR1, appends to it what the process holds (RSS, glibc's heap figures, the
threads, the objects by type, and with MEMPROBE_TRACE, tracing from the first probe on,
the largest allocations made since, by traceback); on SIGUSR2, collects and trims the C
heap first. Each report ends with "=== end". Not part of the bot."""

from __future__ import annotations

import os

if os.environ.get("MEMPROBE"):
    import collections
    import ctypes
    import gc
    import signal
    import sys
    import threading
    import time
    import tracemalloc

    class _Mallinfo2(ctypes.Structure):
        _fields_ = [
            (name, ctypes.c_size_t)
            for name in (
                "arena",
                "ordblks",
                "smblks",
                "hblks",
                "hblkhd",
                "usmblks",
                "fsmblks",
                "uordblks",
                "fordblks",
                "keepcost",
            )
        ]

    _libc = ctypes.CDLL("libc.so.6")
    _libc.mallinfo2.restype = _Mallinfo2

    def _rss() -> float:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def _dump(label: str) -> None:
        info = _libc.mallinfo2()
        out = [f"=== {label}: rss {_rss():.1f} MB"]
        out.append(
            f"malloc main arena+others: arena {info.arena / 2**20:.1f} MB, in use "
            f"{info.uordblks / 2**20:.1f} MB, free {info.fordblks / 2**20:.1f} MB, "
            f"mmapped {info.hblkhd / 2**20:.1f} MB"
        )
        out.append(f"threads: {[t.name for t in threading.enumerate()]}")
        try:  # SQLite's own allocations, page caches included (SQLITE_STATUS_MEMORY_USED)
            sqlite = ctypes.CDLL("libsqlite3.so.0")
            used, high = ctypes.c_int64(), ctypes.c_int64()
            sqlite.sqlite3_status64(0, ctypes.byref(used), ctypes.byref(high), 0)
            out.append(f"sqlite memory {used.value / 2**20:.1f} MB (high {high.value / 2**20:.1f})")
        except OSError:
            pass
        counts = collections.Counter(type(o).__qualname__ for o in gc.get_objects())
        out.append(f"gc objects {sum(counts.values())} (frozen {gc.get_freeze_count()})")
        out.extend(f"  {n:8d} {name}" for name, n in counts.most_common(35))
        if tracemalloc.is_tracing():
            snapshot = tracemalloc.take_snapshot().filter_traces(
                [tracemalloc.Filter(False, tracemalloc.__file__)]
            )
            total = sum(s.size for s in snapshot.statistics("filename"))
            out.append(f"tracemalloc total {total / 2**20:.1f} MB; by file:")
            for stat in snapshot.statistics("filename")[:25]:
                out.append(f"  {stat.size / 2**20:7.2f} MB {stat.count:8d} {stat.traceback}")
            out.append("by traceback:")
            for stat in snapshot.statistics("traceback")[:30]:
                out.append(f"  {stat.size / 2**20:7.2f} MB {stat.count:8d}")
                out.extend(f"      {line}" for line in stat.traceback.format()[-12:])
        with open(os.environ["MEMPROBE"], "a") as sink:
            sink.write("\n".join(out) + "\n")
            sink.flush()
            saved = os.dup(2)
            os.dup2(sink.fileno(), 2)
            try:
                sys._debugmallocstats()
            finally:
                os.dup2(saved, 2)
                os.close(saved)
            sink.write("=== end\n")

    def _on_usr1(signum: int, frame: object) -> None:
        _dump("probe")
        frames = int(os.environ.get("MEMPROBE_TRACE", "0"))
        if frames and not tracemalloc.is_tracing():
            tracemalloc.start(frames)  # from now on: what the work adds

    def _on_usr2(signum: int, frame: object) -> None:
        before = _rss()
        gc.collect()
        began = time.perf_counter()
        _libc.malloc_trim(0)
        took = (time.perf_counter() - began) * 1000
        _dump(f"after collect + malloc_trim in {took:.1f} ms (rss before {before:.1f} MB)")

    signal.signal(signal.SIGUSR1, _on_usr1)
    signal.signal(signal.SIGUSR2, _on_usr2)
    print("memprobe installed", file=sys.stderr)
