"""FakeDiscord: the whole fake, assembled from its parts.

- `state/`: what the fake knows (guilds, channels and threads, members, roles and
  permissions, messages, scheduled events, the clock);
- `rest/`: Discord's REST API, one module per resource, refusing what Discord refuses
  (`validation/` holds the rules for message bodies, components, modals and events);
- `gateway.py`: sessions, identify and resume, shards, dispatch filtered by intents;
- `driver/`: what tests do (members' interactions, reactions, scheduled-event clicks,
  the clock) and read back (recorded requests, transcripts)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiohttp import web

from tests.fakediscord.driver.clock import ClockControl
from tests.fakediscord.driver.events import EventActions
from tests.fakediscord.driver.interactions import FakeInteraction, Interactions
from tests.fakediscord.driver.transcript import Transcripts
from tests.fakediscord.driver.world import WorldChanges
from tests.fakediscord.gateway import GATEWAY_PATH, Gateway
from tests.fakediscord.rest.application import ApplicationRoutes
from tests.fakediscord.rest.core import API_PREFIX, RestCore
from tests.fakediscord.rest.interactions import InteractionRoutes
from tests.fakediscord.rest.reactions import ReactionRoutes
from tests.fakediscord.rest.scheduled_events import ScheduledEventRoutes
from tests.fakediscord.rest.threads import ThreadRoutes

CLOCK_PATH = "/clock"


class FakeDiscord(
    Gateway,
    RestCore,
    ApplicationRoutes,
    InteractionRoutes,
    ReactionRoutes,
    ThreadRoutes,
    ScheduledEventRoutes,
    Interactions,
    WorldChanges,
    EventActions,
    ClockControl,
    Transcripts,
):
    """Serve REST on `http://127.0.0.1:PORT/api/v10`, a gateway on `/gateway/` and the
    clock on `/clock`."""

    def __init__(self, *, token: str = "fake-token", app_name: str = "Bonnes Places") -> None:
        super().__init__(app_name=app_name)
        self.token = token
        self.interactions: dict[str, FakeInteraction] = {}
        self.message_created = asyncio.Condition()
        self._init_gateway()
        self._init_rest()
        self._init_messages()
        self._runner: web.AppRunner | None = None
        self.host = "127.0.0.1"
        self.port = 0

    async def start(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        extend: Callable[[web.Application], None] | None = None,
    ) -> FakeDiscord:
        """Serve on `host:port` (0: any free port). `extend` adds routes of its own to
        the app before it starts (the playground's page and its API)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        if extend is not None:
            extend(app)
        app.router.add_get(GATEWAY_PATH, self._gateway)
        app.router.add_get(CLOCK_PATH, self._get_clock)
        app.router.add_post(CLOCK_PATH, self._post_clock)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.host = host
        return self

    async def stop(self) -> None:
        for session in list(self.sessions.values()):
            if session.ws is not None and not session.ws.closed:
                await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://{self.host}:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:  # type: ignore[override]
        return f"ws://{self.host}:{self.port}{GATEWAY_PATH}"

    @property
    def clock_url(self) -> str:
        return f"http://{self.host}:{self.port}{CLOCK_PATH}"

    def env(self) -> dict[str, str]:
        """The environment that points the bot at this server (and its clock)."""
        return {
            "DISCORD_TOKEN": self.token,
            "DISCORD_API_BASE": self.api_base,
            "DISCORD_GATEWAY_URL": self.gateway_url,
            "CLOCK_URL": self.clock_url,
        }
