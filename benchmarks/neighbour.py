"""One guild never slows another: a small guild's no-op while the big guild (20,000 venues,
200,000 ratings) runs every kind of command back to back, with the bot's own checkout or
another one (`--code DIR`, e.g. the main branch's tree with its own .venv) against the
same seeded databases, alternately in one run:

    .venv/bin/python -m benchmarks.neighbour [--backends sqlite,postgresql] \
        [--code /work/main] [--rounds 2] [--seconds 20]

Also reports the bot's RSS at ready and after each pass."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks.big import BIG_GUILD_ID, BigBench, seed_big_guild, show_big_guild
from benchmarks.harness import ROOT, BotProcess, World, bot_env, database_url, percentile
from benchmarks.seed import seed
from tests.fakediscord import FakeDiscord


async def _pass(
    fake: FakeDiscord, url: str, world: World, big: Any, variant: str, seconds: float
) -> dict[str, Any]:
    directory, *settings = variant.split(",")
    code = Path(directory)
    extra = dict(s.split("=", 1) for s in settings)
    env = bot_env(fake, url, **extra)
    python = code / ".venv" / "bin" / "python"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [extra.get("PYTHONPATH"), str(code)]))
    bot = await BotProcess.start(env, timeout=180, python=str(python))
    try:
        ready = bot.rss_mb()
        other = world.seeded.guild_ids[0]
        bench = BigBench(
            fake, big, fake.guilds[BIG_GUILD_ID], (world.guilds[other], world.members[other][0]), 1
        )
        actions = bench.actions()

        async def preview() -> None:
            interaction = await fake.slash(
                "digest preview", guild=fake.guilds[BIG_GUILD_ID], user=fake.owner
            )
            await interaction.response(timeout=60)

        actions["digest preview"] = preview
        for action in actions.values():
            await action()  # warm-up
        idle = [await bench._noop_other() for _ in range(100)]
        stop = asyncio.Event()
        runs = 0

        async def hammer() -> None:
            nonlocal runs
            for action in itertools.cycle(list(actions.values())):
                if stop.is_set():
                    return
                await action()
                runs += 1

        task = asyncio.create_task(hammer())
        busy: list[float] = []
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            busy.append(await bench._noop_other())
            await asyncio.sleep(0.02)
        stop.set()
        await task
        return {
            "code": variant,
            "pid": bot.process.pid,
            "idle_p50": statistics.median(idle),
            "idle_p99": percentile(idle, 99),
            "busy_p50": statistics.median(busy),
            "busy_p99": percentile(busy, 99),
            "busy_max": max(busy),
            "samples": len(busy),
            "big_commands": runs,
            "rss_ready_mb": round(ready),
            "rss_after_mb": round(bot.rss_mb()),
        }
    finally:
        await bot.stop()


async def main_async(args: argparse.Namespace) -> None:
    codes = [*([] if args.others_only else [str(ROOT)]), *args.code]
    for backend in args.backends.split(","):
        url = await database_url(backend, "bonnes_places_neighbour")
        if url is None:
            continue
        seeded = await seed(url, scale=args.scale)
        big = await seed_big_guild(url)
        fake = await FakeDiscord().start()
        try:
            world = World.build(fake, seeded)
            show_big_guild(fake, big)
            for _ in range(args.rounds):
                for code in reversed(codes):
                    outcome = await _pass(fake, url, world, big, code, args.seconds)
                    print(
                        backend,
                        {k: round(v, 1) if isinstance(v, float) else v for k, v in outcome.items()},
                        flush=True,
                    )
        finally:
            await fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--scale", type=float, default=0.02)
    parser.add_argument(
        "--code",
        action="append",
        default=[],
        help="another checkout, DIR[,NAME=VALUE...] with environment settings of its own",
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--others-only", action="store_true", help="only the --code checkouts")
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    args.code = [
        str(Path(c.split(",")[0]).resolve()) + c[len(c.split(",")[0]) :] for c in args.code
    ]
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
