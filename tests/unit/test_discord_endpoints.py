"""DISCORD_API_BASE / DISCORD_GATEWAY_URL redirect discord.py: fails if an upgrade ignores them.

The end-to-end suite proves the whole path (every request reaches the fake); these tests
pin the two discord.py attributes the redirection relies on.
"""

from __future__ import annotations

from collections.abc import Iterator

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.discord_endpoints import DISCORD_API_BASE, DISCORD_GATEWAY, point_discord_at


@pytest.fixture(autouse=True)
def restore() -> Iterator[None]:
    yield
    point_discord_at(None, None)


def test_rest_and_webhook_routes_use_the_configured_base() -> None:
    point_discord_at("http://127.0.0.1:8080/api/v10/", "ws://127.0.0.1:8080/gateway/")
    assert Route("GET", "/users/@me").url == "http://127.0.0.1:8080/api/v10/users/@me"
    callback = Route(
        "POST",
        "/interactions/{webhook_id}/{webhook_token}/callback",
        webhook_id=1,
        webhook_token="tok",
    )
    assert callback.url == "http://127.0.0.1:8080/api/v10/interactions/1/tok/callback"
    # Interaction webhooks build their routes from the same class.
    from discord.webhook import async_

    assert async_.Route is Route


def test_gateway_default_is_replaced_and_restored() -> None:
    point_discord_at(None, "ws://127.0.0.1:8080/gateway/")
    assert yarl.URL("ws://127.0.0.1:8080/gateway/") == DiscordWebSocket.DEFAULT_GATEWAY
    point_discord_at(None, None)
    assert DiscordWebSocket.DEFAULT_GATEWAY == DISCORD_GATEWAY
    assert Route.BASE == DISCORD_API_BASE == "https://discord.com/api/v10"


def test_discord_py_still_connects_through_default_gateway() -> None:
    """discord.py builds the gateway URL from DEFAULT_GATEWAY when it has no resume URL."""
    import inspect

    source = inspect.getsource(DiscordWebSocket.from_client)
    assert "cls.DEFAULT_GATEWAY" in source, discord.__version__
