"""Point discord.py at another Discord-compatible endpoint.

discord.py has no option for this, so the two class attributes it builds every URL from
are set here, in one place, before login: `Route.BASE` for every REST call (interaction
callbacks and webhooks included) and `DiscordWebSocket.DEFAULT_GATEWAY` for the gateway.
`tests/unit/test_discord_endpoints.py` fails if a discord.py upgrade stops honouring them.
"""

from __future__ import annotations

import discord.http
import yarl
from discord.gateway import DiscordWebSocket

DISCORD_API_BASE = discord.http.Route.BASE
DISCORD_GATEWAY = DiscordWebSocket.DEFAULT_GATEWAY


def point_discord_at(api_base: str | None, gateway_url: str | None) -> None:
    """Use `api_base` (e.g. http://127.0.0.1:8080/api/v10) and `gateway_url` when given;
    Discord's own endpoints otherwise."""
    discord.http.Route.BASE = api_base.rstrip("/") if api_base else DISCORD_API_BASE
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url) if gateway_url else DISCORD_GATEWAY
