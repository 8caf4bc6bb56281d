"""The vote path under load: adds and removals, the ceiling per database, and the cost of
reconciling votes with Discord after a crash.

    .venv/bin/python -m benchmarks.votes [--backends sqlite,postgresql] [--scale 0.02]
        [--rates 2000,5000,10000] [--seconds 10] [--removals 0.3]

Against the seeded database (benchmarks/seed.py) and the real bot (`python -m bot`) on the
local fake Discord, whose recent announcements carry the seeded votes as reactions
(benchmarks/harness.py). For each rate, reaction events go to 500 recent announcements:
each adds a distinct member's 👍, and a share of them is removed again shortly after. The
run is exact when the stored votes are exactly the reactions left; event -> commit is
measured on the adds (each row's `created_at`, stamped in the writer's transaction); the
ceiling is events over the time until the stored votes were exact. Then the bot is killed
(-9) in the middle of a storm and started again: reconciliation re-reads the recent
announcements' reactions; its requests and seconds are read from the bot's log line.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from typing import Any

from sqlalchemy import text

from benchmarks.harness import BotProcess, World, bot_env, database_url, epoch, percentile
from benchmarks.seed import seed
from db.engine import Database
from tests.fakediscord import FakeDiscord

FIRST_VOTER = 9_000_000_000_000_000_000
#: Requests a second reconciliation makes at most (cogs/venues/reconcile.py).
RECONCILE_RATE = 25


class VoteBench:
    def __init__(self, backend: str, url: str, scale: float) -> None:
        self.backend, self.url, self.scale = backend, url, scale
        self.rng = random.Random(7)

    async def run_votes(self, rates: list[int], seconds: float, removals: float) -> dict[str, Any]:
        seeded = await seed(self.url, scale=self.scale)
        fake = await FakeDiscord().start()
        self.voter = FIRST_VOTER
        report: dict[str, Any] = {"backend": self.backend, "runs": []}
        try:
            self.world = World.build(fake, seeded)
            fresh = sorted(self.world.announcements)
            self.targets = self.rng.sample(fresh, min(500, len(fresh)))
            self.reacted: dict[int, set[int]] = {venue: set() for venue in self.targets}
            report["announcements_recent"] = len(fresh)
            # Two listings a message (👍 and 👎), paced: the time reconciliation may take.
            budget = 60 + 2 * len(fresh) / RECONCILE_RATE * 2
            env = bot_env(fake, self.url)
            bot = await BotProcess.start(env)
            report["start_reconcile"] = await bot.reconciled(budget)
            try:
                for rate in rates:
                    report["runs"].append(await self._storm(rate, seconds, removals, bot))
                    print(f"  {self.backend} {report['runs'][-1]}", flush=True)
                report["rss_mb"] = round(bot.rss_mb())
                await self._storm(rates[-1], seconds / 2, removals, bot, wait=False)
            finally:
                await bot.kill()  # mid-storm
            expected = self._expected()
            bot = await BotProcess.start(env)
            try:
                report["crash_reconcile"] = await bot.reconciled(self._budget(len(fresh)))
                report["crash_exact"] = await self._stored() == expected
            finally:
                await bot.stop()
        finally:
            await fake.stop()
        print(f"  {self.backend} {report}", flush=True)
        return report

    async def _storm(
        self, rate: int, seconds: float, removals: float, bot: BotProcess, *, wait: bool = True
    ) -> dict[str, Any]:
        """`rate` events a second for `seconds`: adds, and removals of earlier adds. Besides
        the rate reached, the bot's CPU time per event: what the rate could be with a core
        of its own, whatever else the machine runs."""
        total = int(rate * seconds)
        cpu = bot.cpu_seconds()
        sent: dict[tuple[int, int], float] = {}
        added: list[tuple[int, int]] = []
        removed = 0
        began = time.perf_counter()
        first_member = self.voter
        for index in range(total):
            delay = began + index / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if added and self.rng.random() < removals:
                venue, member = added.pop(self.rng.randrange(len(added)))
                self.reacted[venue].discard(member)
                sent.pop((venue, member), None)
                removed += 1
                await self.world.react(venue, member, "👍", added=False)
            else:
                venue, member = self.targets[index % len(self.targets)], self.voter
                self.voter += 1
                self.world.voter(member)
                self.reacted[venue].add(member)
                added.append((venue, member))
                sent[(venue, member)] = time.time()
                await self.world.react(venue, member, "👍", added=True)
        send_seconds = time.perf_counter() - began
        if not wait:
            return {}
        expected = set(sent)
        stored: set[tuple[int, int]] = set()
        stamps: dict[tuple[int, int], float] = {}
        exact_at = float("nan")
        deadline = time.perf_counter() + 120
        while time.perf_counter() < deadline:
            stamps = await self._stamps(first_member)
            stored = set(stamps)
            if stored == expected:
                exact_at = time.perf_counter()
                break
            await asyncio.sleep(0.2)
        cpu = bot.cpu_seconds() - cpu
        latencies = [(stamps[k] - sent[k]) * 1000 for k in sent if k in stamps]
        return {
            "rate": rate,
            "events": total,
            "removals": removed,
            "sent_per_second": round(total / send_seconds),
            "exact": stored == expected,
            "events_per_second": round(total / (exact_at - began)) if stored == expected else 0,
            "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
            "p99_ms": round(percentile(latencies, 99), 1) if latencies else None,
            "bot_cpu_us_per_event": round(cpu / total * 1e6),
        }

    async def _stamps(self, first_member: int) -> dict[tuple[int, int], float]:
        db = Database(self.url)
        try:
            async with db.read() as session:
                rows = await session.execute(
                    text(
                        "SELECT venue_id, member_id, created_at FROM vote "
                        "WHERE member_id >= :m AND value = 1"
                    ),
                    {"m": first_member},
                )
                return {(v, m): epoch(at) for v, m, at in rows}
        finally:
            await db.dispose()

    async def _stored(self) -> set[tuple[int, int]]:
        return set(await self._stamps(FIRST_VOTER))

    def _budget(self, messages: int) -> float:
        """Seconds the reconciliation after the crash may take: its listings (👍 and 👎 of
        each recent announcement, 100 members a page, the storms' voters included) at its
        pace, twice over, and a minute."""
        pages = 2 * messages + sum(len(members) // 100 for members in self.reacted.values())
        return 60 + pages / RECONCILE_RATE * 2

    def _expected(self) -> set[tuple[int, int]]:
        return {(venue, member) for venue, members in self.reacted.items() for member in members}


def markdown(reports: list[dict[str, Any]], title: str) -> str:
    """One table of storms per backend, then reconciliation."""
    lines = [f"### {title}", ""]
    lines += [
        "| database | offered events/s | removals | exact | events/s until exact "
        "| event -> commit p50 / p99 ms | bot CPU per event µs |",
        "|---|---|---|---|---|---|---|",
    ]
    for report in reports:
        for run in report["runs"]:
            lines.append(
                f"| {report['backend']} | {run['rate']:,} (sent {run['sent_per_second']:,}) "
                f"| {run['removals']:,} of {run['events']:,} | {'yes' if run['exact'] else 'NO'} "
                f"| {run['events_per_second']:,} | {run['p50_ms']} / {run['p99_ms']} "
                f"| {run.get('bot_cpu_us_per_event', '?')} |"
            )
    lines += [
        "",
        "| database | recent announcements | reconciliation at start | after kill -9 mid-storm "
        "| exact after restart | RSS after the storms MB |",
        "|---|---|---|---|---|---|",
    ]
    for report in reports:
        cells = []
        for key in ("start_reconcile", "crash_reconcile"):
            found = report.get(key) or {}
            cells.append(
                f"{found['messages']} messages, {found['requests']} requests, "
                f"{found['changes']} changes, {found['seconds']} s"
                if found
                else "none"
            )
        lines.append(
            f"| {report['backend']} | {report['announcements_recent']} | {cells[0]} "
            f"| {cells[1]} | {'yes' if report.get('crash_exact') else 'NO'} "
            f"| {report.get('rss_mb', '?')} |"
        )
    return "\n".join(lines) + "\n"


async def main_async(args: argparse.Namespace) -> None:
    rates = [int(r) for r in args.rates.split(",")]
    reports = []
    for backend in args.backends.split(","):
        # A database of this benchmark's own (other benchmarks may run meanwhile).
        url = await database_url(backend, "bonnes_places_bench_votes")
        if url is None:
            print("PostgreSQL is not reachable: skipped")
            continue
        print(f"{backend}: seeding and running", flush=True)
        bench = VoteBench(backend, url, args.scale)
        reports.append(await bench.run_votes(rates, args.seconds, args.removals))
    print(markdown(reports, f"scale {args.scale}, {args.seconds:g} s per rate"), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--scale", type=float, default=0.02)
    parser.add_argument("--rates", default="2000,5000,10000")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--removals", type=float, default=0.3)
    asyncio.run(main_async(args=parser.parse_args()))


if __name__ == "__main__":
    main()
