"""The bot under test (`bot.__main__.serve`, configured by environment) and the fake
Discord it talks to, as one object tests drive."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.__main__ import serve
from bot.app import BonnesPlaces
from bot.settings import load_settings
from tests.fakediscord import Channel, FakeDiscord, Guild, User

READY_TIMEOUT = 15.0


@dataclass
class Harness:
    """A fake Discord with one guild and two members, and the bot once started."""

    fake: FakeDiscord
    database_url: str
    monkeypatch: pytest.MonkeyPatch
    guild: Guild
    general: Channel
    alice: User
    bob: User
    env: dict[str, str] = field(default_factory=dict)
    #: Substrings of ERROR log lines a test provokes on purpose.
    expected_errors: list[str] = field(default_factory=list)
    #: Members a test expects the bot to ping (the reminders they asked for).
    pings_on_purpose: set[int] = field(default_factory=set)
    bot: BonnesPlaces | None = None
    _stop: asyncio.Event | None = None
    _task: asyncio.Task[None] | None = None

    async def start(self, **env: str) -> BonnesPlaces:
        values = {
            **self.fake.env(),
            "DATABASE_URL": self.database_url,
            "GUILD_READY_TIMEOUT": "0.05",
            "LOG_LEVEL": "INFO",
            **self.env,
            **env,
        }
        for name in ("DEV_GUILD_ID", "SHARD_COUNT", "SHARD_IDS"):
            if name not in values:
                self.monkeypatch.delenv(name, raising=False)
        for name, value in values.items():
            self.monkeypatch.setenv(name, value)
        settings = load_settings(_env_file=None)
        self._stop = asyncio.Event()
        started: asyncio.Future[BonnesPlaces] = asyncio.get_running_loop().create_future()
        self._task = asyncio.create_task(
            serve(settings, stop=self._stop, on_bot=started.set_result)
        )
        bot = await asyncio.wait_for(asyncio.shield(started), READY_TIMEOUT)
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait(
            {ready, self._task}, timeout=READY_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        if self._task in done:
            ready.cancel()
            self._task.result()
            raise AssertionError("the bot stopped before it was ready")
        if ready not in done:
            raise AssertionError("the bot was not ready in time")
        self.bot = bot
        return bot

    async def stop(self) -> None:
        if self._task is None or self._stop is None:
            return
        self._stop.set()
        try:
            await asyncio.wait_for(self._task, 15)
        finally:
            self._task = None
            self.bot = None

    async def restart(self, **env: str) -> BonnesPlaces:
        await self.stop()
        return await self.start(**env)


MESSAGE_ROUTES = (
    ("POST", r"^/channels/\d+/messages$"),
    ("PATCH", r"^/channels/\d+/messages/\d+$"),
    ("POST", r"^/interactions/\d+/[^/]+/callback$"),
    ("POST", r"^/webhooks/\d+/[^/]+$"),
    ("PATCH", r"^/webhooks/\d+/[^/]+/messages/"),
)


def assert_nobody_pinged(fake: FakeDiscord, allowed: set[int] | None = None) -> None:
    """Every message the bot sent or edited carried allowed_mentions that ping no one but
    the members in `allowed` (never everyone, never a role)."""
    for method, pattern in MESSAGE_ROUTES:
        for request in fake.requests_to(method, pattern):
            data = request.data
            if not data or not (data.get("content") or _text_displays(data.get("components"))):
                continue  # embeds never ping: only message text and Text Displays can
            mentions = data.get("allowed_mentions")
            assert mentions is not None, f"{request.method} {request.path} has no allowed_mentions"
            assert mentions.get("parse") == [], f"{request.path} may ping: {mentions}"
            assert not mentions.get("roles"), mentions
            users = {int(user) for user in mentions.get("users") or []}
            assert users <= (allowed or set()), f"{request.path} may ping {users}"


def _text_displays(components: Any) -> bool:
    """Whether a Components V2 layout holds a Text Display (whose mentions ping)."""
    for component in components or []:
        if component.get("type") == 10:
            return True
        children = [*component.get("components", []), component.get("accessory") or {}]
        if _text_displays([c for c in children if c]):
            return True
    return False


async def eventually(
    check: Callable[[], Awaitable[Any]], *, timeout: float = 5.0, settle: float = 0.2
) -> Any:
    """Poll `check` until it returns a truthy value, then make sure it stays so."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            await asyncio.sleep(settle)
            again = await check()
            if again:
                return again
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met in {timeout} s (last: {result!r})")
        await asyncio.sleep(0.02)
