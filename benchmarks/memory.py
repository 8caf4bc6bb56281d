"""The bot's memory through the benchmark's work, and what holds it.

    .venv/bin/python -m benchmarks.memory [--backend sqlite] [--scale 1.0] [--repeats 40]
        [--trace] [--arena-max N] [--probe FILE]

Runs the real bot against the fake Discord on the benchmark's seed (benchmarks/run.py:
every command, the reaction votes at 2,000/s, the due digests) and prints its RSS at
ready, after the work, and after a collection and `malloc_trim` in the bot (the part of
the growth that is freed memory the C heap keeps, not objects). With `--probe` the bot
loads benchmarks/memprobe (on its PYTHONPATH), which writes to FILE what it holds at each
point: glibc's heap figures, its threads, its objects by type, and with `--trace` the
largest allocations made after ready that are still held, by traceback (tracemalloc: slower,
and RSS then includes its traces).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import tempfile
from pathlib import Path

from benchmarks.harness import ROOT, BotProcess, bot_env, database_url
from benchmarks.run import Bench
from benchmarks.seed import seed
from tests.fakediscord import FakeDiscord

PROBE = ROOT / "benchmarks" / "memprobe"


class MemoryBench(Bench):
    def __init__(self, args: argparse.Namespace, url: str) -> None:
        super().__init__(args.backend, url, args.scale, args.repeats)
        self.args = args
        self.figures: dict[str, float] = {}

    def _env(self) -> dict[str, str]:
        extra = {"METRICS_PORT": str(self.metrics_port)}
        if self.args.probe:
            extra.update(MEMPROBE=str(self.args.probe), PYTHONPATH=f"{ROOT}:{PROBE}")
        if self.args.trace:
            extra["MEMPROBE_TRACE"] = "12"
        if self.args.arena_max:
            extra["MALLOC_ARENA_MAX"] = str(self.args.arena_max)
        return bot_env(self.fake, self.url, **extra)

    async def _probe(self, bot: BotProcess, signum: int = signal.SIGUSR1) -> None:
        if self.args.probe:
            ends = self._ends()
            bot.process.send_signal(signum)
            for _ in range(1200):  # its report: ten minutes at most (tracemalloc is slow)
                if self._ends() > ends:
                    break
                await asyncio.sleep(0.5)

    def _ends(self) -> int:
        probe = self.args.probe
        return probe.read_text().count("=== end") if probe.exists() else 0

    async def measure(self) -> dict[str, float]:
        self.seeded = await seed(self.url, scale=self.scale)
        self.fake = await FakeDiscord().start()
        try:
            self._world(self.seeded)
            bot = await BotProcess.start(self._env(), timeout=180)
            try:
                await asyncio.sleep(2)
                self.figures["ready"] = bot.rss_mb()
                await self._probe(bot)
                await self._latencies()
                self.figures["commands"] = bot.rss_mb()
                await self._votes(seconds=self.args.vote_seconds)
                self.figures["votes"] = bot.rss_mb()
                await self._digest_posting()
                self.figures["after"] = bot.rss_mb()
                await self._probe(bot)
                if self.args.probe:
                    await self._probe(bot, signal.SIGUSR2)
                    self.figures["after trim"] = bot.rss_mb()
            finally:
                await bot.stop()
        finally:
            await self.fake.stop()
        return self.figures


async def main_async(args: argparse.Namespace) -> None:
    url = await database_url(args.backend, "bonnes_places_memory")
    if url is None:
        raise SystemExit(f"{args.backend} is not reachable")
    figures = await MemoryBench(args, url).measure()
    print(" ".join(f"{name}: {value:.1f} MB," for name, value in figures.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default="sqlite")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--vote-seconds", type=float, default=30.0)
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--arena-max", type=int, default=0)
    parser.add_argument("--probe", type=Path, default=None)
    args = parser.parse_args()
    if args.trace and not args.probe:
        args.probe = Path(tempfile.mkdtemp()) / "probe.txt"
    if args.probe:
        args.probe = args.probe.resolve()
        print(f"probe: {args.probe}")
    asyncio.run(main_async(args))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
