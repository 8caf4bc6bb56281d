"""The application and its bot user, the gateway's address, and command sync."""

from __future__ import annotations

from typing import Any

from tests.fakediscord.rest.core import Call, route
from tests.fakediscord.rest.errors import FormError, missing_access
from tests.fakediscord.state import User, World
from tests.fakediscord.validation.commands import check_command_schema


def dm_channel_dict(channel_id: int, user: User) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 1,
        "last_message_id": None,
        "flags": 0,
        "recipients": [user.to_dict()],
    }


class ApplicationRoutes(World):
    gateway_url: str

    @route("GET", "/users/@me")
    async def _get_me(self, call: Call) -> tuple[int, Any]:
        return 200, self.bot_user.to_dict()

    @route("POST", "/users/@me/channels")
    async def _create_dm(self, call: Call) -> tuple[int, Any]:
        """Open (or find) the direct-message channel with a user, as Discord does: the same
        channel every time; an unknown recipient is refused."""
        recipient = (call.body or {}).get("recipient_id")
        user = self.users.get(int(recipient)) if str(recipient or "").isdigit() else None
        if user is None:
            raise FormError(("recipient_id",), "Invalid Recipient(s)", "INVALID_RECIPIENTS")
        channel_id = self.dm_channel_of(user)
        if channel_id is None:
            channel_id = self.ids.next()
            self.dm_channels[channel_id] = user.id
        return 200, dm_channel_dict(channel_id, user)

    @route("GET", "/oauth2/applications/@me")
    async def _get_application(self, call: Call) -> tuple[int, Any]:
        return 200, {
            "id": str(self.application_id),
            "name": self.bot_user.username,
            "icon": None,
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.owner.to_dict(),
            "team": None,
            "verify_key": "0" * 64,
            "flags": 0,
            "summary": "",
            "bot": self.bot_user.to_dict(),
        }

    @route("GET", "/gateway")
    async def _get_gateway(self, call: Call) -> tuple[int, Any]:
        return 200, {"url": self.gateway_url}

    @route("GET", "/gateway/bot")
    async def _get_gateway_bot(self, call: Call) -> tuple[int, Any]:
        return 200, {
            "url": self.gateway_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 1000,
                "reset_after": 0,
                "max_concurrency": self.max_concurrency,
            },
        }

    @route("GET", "/applications/{app}/commands")
    async def _get_global_commands(self, call: Call, app: str) -> tuple[int, Any]:
        return 200, self.global_commands

    @route("GET", "/applications/{app}/guilds/{guild}/commands")
    async def _get_guild_commands(self, call: Call, app: str, guild: str) -> tuple[int, Any]:
        return 200, self.guild_commands.get(int(guild), [])

    @route("PUT", "/applications/{app}/commands")
    async def _put_global_commands(self, call: Call, app: str) -> tuple[int, Any]:
        return 200, self._sync_commands(call.json, app, None)

    @route("PUT", "/applications/{app}/guilds/{guild}/commands")
    async def _put_guild_commands(self, call: Call, app: str, guild: str) -> tuple[int, Any]:
        return 200, self._sync_commands(call.json, app, guild)

    def _sync_commands(
        self, payload: list[dict[str, Any]], app: str, guild: str | None
    ) -> list[dict[str, Any]]:
        if int(app) != self.application_id:
            raise missing_access()
        echoed = []
        for command in payload:
            check_command_schema(command)
            echoed.append(
                {
                    **command,
                    "id": str(self.ids.next()),
                    "application_id": app,
                    "version": str(self.ids.next()),
                    "guild_id": guild,
                    "type": command.get("type", 1),
                    "default_member_permissions": command.get("default_member_permissions"),
                    "dm_permission": command.get("dm_permission", True),
                    "nsfw": command.get("nsfw", False),
                }
            )
        if guild is None:
            self.global_commands = echoed
        else:
            self.guild_commands[int(guild)] = echoed
        self.command_puts.append((int(guild) if guild else None, echoed))
        return echoed
