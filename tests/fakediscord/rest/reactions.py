"""Reactions: the bot's own, and who reacted with an emoji (paged)."""

from __future__ import annotations

import urllib.parse
from typing import Any

from tests.fakediscord.rest.core import Call, route
from tests.fakediscord.rest.errors import FormError, HTTPError
from tests.fakediscord.rest.messages import MessageRoutes
from tests.fakediscord.state import Permissions

NORMAL, BURST = 0, 1


class ReactionRoutes(MessageRoutes):
    """The bot's reactions go through the driver's `react`/`unreact`, which also tell the
    gateway, exactly as a member's would."""

    @route("PUT", "/channels/{cid}/messages/{mid}/reactions/{emoji}/@me")
    async def _add_own_reaction(
        self, call: Call, cid: str, mid: str, emoji: str
    ) -> tuple[int, Any]:
        guild, channel, message = self._channel_message(cid, mid)
        self._require(guild, channel, Permissions.ADD_REACTIONS | Permissions.READ_MESSAGE_HISTORY)
        if channel.is_thread and channel.archived:
            raise HTTPError(400, 50083, "Thread is archived")
        await self.react(message, urllib.parse.unquote(emoji), self.bot_user)
        return 204, None

    @route("DELETE", "/channels/{cid}/messages/{mid}/reactions/{emoji}/@me")
    async def _remove_own_reaction(
        self, call: Call, cid: str, mid: str, emoji: str
    ) -> tuple[int, Any]:
        _guild, _channel, message = self._channel_message(cid, mid)
        await self.unreact(message, urllib.parse.unquote(emoji), self.bot_user)
        return 204, None

    @route("GET", "/channels/{cid}/messages/{mid}/reactions/{emoji}")
    async def _reaction_users(self, call: Call, cid: str, mid: str, emoji: str) -> tuple[int, Any]:
        """Users who reacted with `emoji`, by ascending id: `limit` 1-100 (default 25)
        after the user id `after`; `type` 0 normal (default) or 1 burst."""
        guild, channel, message = self._channel_message(cid, mid)
        self._require(guild, channel, Permissions.VIEW_CHANNEL | Permissions.READ_MESSAGE_HISTORY)
        limit = call.int_param("limit", 25, 1, 100)
        after = call.int_param("after", 0, 0, 1 << 64)
        kind = call.int_param("type", NORMAL, 0, 1)
        name = urllib.parse.unquote(emoji)
        if not name:
            raise FormError(("emoji",), "Unknown Emoji", "BASE_TYPE_REQUIRED")
        reacted = message.reactions.get(name, [])
        ids = [] if kind == BURST else sorted(u for u in reacted if u > after)
        return 200, [self.users[u].to_dict() for u in ids[:limit] if u in self.users]
