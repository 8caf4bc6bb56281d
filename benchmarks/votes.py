"""The vote path under load: adds and removals, the ceiling per database, and the cost of
reconciling votes with Discord after a crash.

    .venv/bin/python -m benchmarks.votes [--backends sqlite,postgresql] [--scale 0.02]
        [--rates 2000,5000,10000] [--seconds 10] [--removals 0.3]

Against the seeded database (benchmarks/seed.py) and the real bot (`python -m bot`) on the
local fake Discord. For each rate, reaction events go to 500 announcements: each adds a
distinct member's 👍, and a share of them is removed again shortly after. The run is
exact when the stored votes are exactly the reactions left; event -> commit is measured on
the adds (each row's `created_at`, stamped in the writer's transaction); the ceiling is
events over the time until the stored votes were exact. Then the bot is killed (-9) in the
middle of a storm and started again: reconciliation re-reads the recent announcements'
reactions; its requests and seconds are read from the bot's log line.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from benchmarks.run import DEFAULT_POSTGRES, Bench, _epoch, percentile
from benchmarks.seed import seed
from db.engine import Database
from tests.fakediscord import FakeDiscord, Message, User

ROOT = Path(__file__).resolve().parents[1]
DISCORD_EPOCH_MS = 1_420_070_400_000
FIRST_VOTER = 9_000_000_000_000_000_000
RECONCILED = re.compile(
    r"reconciled the votes of (\d+) messages with Discord: (\d+) requests, (\d+) changes, "
    r"([\d.]+) s"
)


def recent(message_id: int, days: float = 14.0) -> bool:
    created_ms = (message_id >> 22) + DISCORD_EPOCH_MS
    return time.time() * 1000 - created_ms < days * 86_400_000


class VoteBench(Bench):
    async def run_votes(self, rates: list[int], seconds: float, removals: float) -> dict[str, Any]:
        self.seeded = await seed(self.url, scale=self.scale)
        self.fake = await FakeDiscord().start()
        self.voter = FIRST_VOTER
        report: dict[str, Any] = {"backend": self.backend, "runs": []}
        try:
            self._world(self.seeded)
            self._messages()
            report["announcements_recent"] = sum(1 for m in self.messages.values() if recent(m.id))
            process, lines = await self._start()
            budget = 30 + report["announcements_recent"] * 2 / 25 * 2
            report["start_reconcile"] = await self._reconciled(lines, budget)
            try:
                for rate in rates:
                    report["runs"].append(await self._storm(rate, seconds, removals))
                    print(f"  {self.backend} {report['runs'][-1]}", flush=True)
                await self._storm(rates[-1], seconds / 2, removals, wait=False)
            finally:
                process.send_signal(signal.SIGKILL)  # mid-storm
                await process.wait()
            expected = self._expected()
            process, lines = await self._start()
            try:
                report["crash_reconcile"] = await self._reconciled(lines, budget)
                report["crash_exact"] = await self._stored() == expected
            finally:
                process.send_signal(signal.SIGTERM)
                await process.wait()
        finally:
            await self.fake.stop()
        print(f"  {self.backend} {report}", flush=True)
        return report

    def _messages(self) -> None:
        """The announcements in the fake: the 500 the storms vote on, and every recent one
        (reconciliation reads those)."""
        venue_guild = {v: g for g, vs in self.seeded.venue_ids_by_guild.items() for v in vs}
        announcements = self.seeded.announcements
        # Recent ones, so that reconciliation after the crash covers them.
        fresh = sorted(v for v, m in announcements.items() if recent(m))
        self.targets = self.rng.sample(fresh, min(500, len(fresh)))
        wanted = set(fresh)
        bot = self.fake.bot_user.id
        self.messages: dict[int, Message] = {}
        for venue in wanted:
            guild_id = venue_guild[venue]
            message = Message(
                id=announcements[venue],
                channel_id=guild_id + 1,
                guild_id=guild_id,
                author=self.fake.bot_user,
                reactions={"👍": [bot], "👎": [bot]},
            )
            self.fake.messages[message.id] = message
            self.messages[venue] = message
        self.venue_guild = venue_guild
        self.reacted: dict[int, set[int]] = {venue: set() for venue in self.targets}

    async def _start(self) -> tuple[asyncio.subprocess.Process, list[str]]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DISCORD_", "DATABASE_", "SHARD_", "DEV_GUILD"))
        }
        env.update(
            self.fake.env(),
            DATABASE_URL=self.url,
            GUILD_READY_TIMEOUT="0.2",
            LOG_LEVEL="INFO",
            PYTHONPATH=str(ROOT),
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=tempfile.mkdtemp(),
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        lines: list[str] = []
        ready = asyncio.Event()

        async def read() -> None:
            assert process.stdout is not None
            while line := (await process.stdout.readline()).decode():
                lines.append(line)
                if "ready as" in line:
                    ready.set()

        asyncio.get_running_loop().create_task(read())
        await asyncio.wait_for(ready.wait(), 120)
        return process, lines

    async def _reconciled(self, lines: list[str], timeout: float) -> dict[str, Any]:
        """The first reconciliation pass's figures, from the bot's log."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for line in lines:
                found = RECONCILED.search(line)
                if found:
                    messages, requests, changes, seconds = found.groups()
                    return {
                        "messages": int(messages),
                        "requests": int(requests),
                        "changes": int(changes),
                        "seconds": float(seconds),
                    }
            await asyncio.sleep(0.2)
        return {}

    def _event(self, venue: int, member: int, added: bool) -> dict[str, Any]:
        guild_id = self.venue_guild[venue]
        data: dict[str, Any] = {
            "user_id": str(member),
            "channel_id": str(guild_id + 1),
            "message_id": str(self.seeded.announcements[venue]),
            "guild_id": str(guild_id),
            "emoji": {"id": None, "name": "👍"},
            "burst": False,
            "type": 0,
        }
        if added:
            data["member"] = {
                "user": {
                    "id": str(member),
                    "username": "voter",
                    "discriminator": "0",
                    "avatar": None,
                    "bot": False,
                },
                "roles": [],
                "joined_at": "2026-01-01T00:00:00+00:00",
                "deaf": False,
                "mute": False,
                "flags": 0,
            }
        return data

    async def _storm(
        self, rate: int, seconds: float, removals: float, *, wait: bool = True
    ) -> dict[str, Any]:
        """`rate` events a second for `seconds`: adds, and removals of earlier adds."""
        total = int(rate * seconds)
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
                self.messages[venue].reactions["👍"].remove(member)
                sent.pop((venue, member), None)
                removed += 1
                event, data = "MESSAGE_REACTION_REMOVE", self._event(venue, member, False)
            else:
                venue, member = self.targets[index % len(self.targets)], self.voter
                self.voter += 1
                self.fake.users[member] = User(id=member, username="voter")
                self.reacted[venue].add(member)
                self.messages[venue].reactions["👍"].append(member)
                added.append((venue, member))
                sent[(venue, member)] = time.time()
                event, data = "MESSAGE_REACTION_ADD", self._event(venue, member, True)
            await self.fake.dispatch(self.venue_guild[venue], event, data, 1 << 10)
        send_seconds = time.perf_counter() - began
        if not wait:
            return {}
        expected = {k for k in sent}
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
                return {(v, m): _epoch(at) for v, m, at in rows}
        finally:
            await db.dispose()

    async def _stored(self) -> set[tuple[int, int]]:
        return set(await self._stamps(FIRST_VOTER))

    def _expected(self) -> set[tuple[int, int]]:
        return {(venue, member) for venue, members in self.reacted.items() for member in members}


async def postgres_url(base: str) -> str | None:
    """A fresh database of this benchmark's own (other benchmarks may run meanwhile)."""
    import asyncpg

    url = make_url(base)
    name = "bonnes_places_bench_votes"
    try:
        connection = await asyncpg.connect(
            host=url.host, port=url.port or 5432, user=url.username, database=url.database
        )
    except OSError:
        return None
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return url.set(database=name).render_as_string(hide_password=False)


def markdown(reports: list[dict[str, Any]], title: str) -> str:
    """One table of storms per backend, then reconciliation."""
    lines = [f"### {title}", ""]
    lines += [
        "| database | offered events/s | removals | exact | events/s until exact "
        "| event -> commit p50 / p99 ms |",
        "|---|---|---|---|---|---|",
    ]
    for report in reports:
        for run in report["runs"]:
            lines.append(
                f"| {report['backend']} | {run['rate']:,} (sent {run['sent_per_second']:,}) "
                f"| {run['removals']:,} of {run['events']:,} | {'yes' if run['exact'] else 'NO'} "
                f"| {run['events_per_second']:,} | {run['p50_ms']} / {run['p99_ms']} |"
            )
    lines += [
        "",
        "| database | recent announcements | reconciliation at start | after kill -9 mid-storm "
        "| exact after restart |",
        "|---|---|---|---|---|",
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
            f"| {cells[1]} | {'yes' if report.get('crash_exact') else 'NO'} |"
        )
    return "\n".join(lines) + "\n"


async def main_async(args: argparse.Namespace) -> None:
    rates = [int(r) for r in args.rates.split(",")]
    reports = []
    for backend in args.backends.split(","):
        if backend == "sqlite":
            url = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
        else:
            found = await postgres_url(os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
            if found is None:
                print("PostgreSQL is not reachable: skipped")
                continue
            url = found
        print(f"{backend}: seeding and running", flush=True)
        bench = VoteBench(backend, url, args.scale, 0)
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
