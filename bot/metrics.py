"""What an operator watches, in Prometheus' text format: command latency, the vote queue
and how long a vote takes to be stored, digest and Discord-event outcomes, database errors.

Always counted (a few dictionary updates per command); served over HTTP only when
METRICS_PORT is set, on METRICS_HOST (127.0.0.1 unless configured: the figures name no
member but say how busy each command is). Every process has its own registry: nothing is
global at import time."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest
from sqlalchemy import event

from db.engine import Database

log = logging.getLogger(__name__)

#: Seconds; 3 is Discord's deadline for a first answer.
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.command_seconds = Histogram(
            "bonnes_places_command_seconds",
            "Time to handle a slash command or an autocomplete, by command",
            ["command", "kind", "outcome"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.vote_queue_depth = Gauge(
            "bonnes_places_vote_queue_depth",
            "Reaction events received and not yet written",
            registry=self.registry,
        )
        self.vote_commit_seconds = Histogram(
            "bonnes_places_vote_commit_seconds",
            "From a reaction event's arrival to the commit of its batch",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.votes_applied = Counter(
            "bonnes_places_vote_events_applied",
            "Reaction events written (whether or not they changed a vote)",
            registry=self.registry,
        )
        self.digests = Counter(
            "bonnes_places_digests",
            "Digest attempts by outcome: posted, found (already in the channel), failed",
            ["outcome"],
            registry=self.registry,
        )
        self.discord_events = Counter(
            "bonnes_places_discord_events",
            "Discord scheduled events of routines, by outcome: created, failed",
            ["outcome"],
            registry=self.registry,
        )
        self.database_errors = Counter(
            "bonnes_places_database_errors",
            "Errors raised by the database driver, by exception class",
            ["error"],
            registry=self.registry,
        )
        self._runner: web.AppRunner | None = None

    # -- hooks ---------------------------------------------------------------------------

    def observe_command(self, command: str, kind: str, outcome: str, seconds: float) -> None:
        self.command_seconds.labels(command, kind, outcome).observe(seconds)

    def watch_vote_queue(self, depth: Callable[[], float]) -> None:
        self.vote_queue_depth.set_function(depth)

    def votes_stored(self, received: Sequence[float]) -> None:
        """A batch committed; `received`: each event's arrival (`time.monotonic()`)."""
        now = time.monotonic()
        for moment in received:
            self.vote_commit_seconds.observe(max(0.0, now - moment))
        self.votes_applied.inc(len(received))

    def watch_database(self, db: Database) -> None:
        for engine in {db.engine, db.write_engine}:
            event.listen(engine.sync_engine, "handle_error", self._database_error)

    def _database_error(self, context: Any) -> None:
        error = context.original_exception
        self.database_errors.labels(type(error).__name__).inc()

    # -- the endpoint --------------------------------------------------------------------

    def render(self) -> bytes:
        return generate_latest(self.registry)

    async def serve(self, host: str, port: int) -> None:
        async def metrics(_: web.Request) -> web.Response:
            return web.Response(body=self.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})

        app = web.Application()
        app.router.add_get("/metrics", metrics)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        log.info("metrics on http://%s:%s/metrics", host, port)

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
