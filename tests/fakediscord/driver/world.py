"""Changes to the world while the bot is connected, announced on the gateway as Discord
would: new roles and channels, reactions, threads archived by a moderator."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from tests.fakediscord.gateway import Session
from tests.fakediscord.state import Channel, Guild, Message, Role, User, World

INTENT_GUILDS = 1 << 0
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_GUILD_MESSAGE_REACTIONS = 1 << 10
INTENT_MESSAGE_CONTENT = 1 << 15


class WorldChanges(World):
    dispatch: Callable[..., Awaitable[None]]
    sessions: dict[str, Session]
    _send: Callable[[Session, str, dict[str, Any]], Awaitable[None]]
    message_created: asyncio.Condition

    async def create_role(self, guild: Guild, name: str, permissions: int = 0) -> Role:
        """Add a role while the bot is connected: it learns of it from GUILD_ROLE_CREATE."""
        role = self.add_role(guild, name, permissions)
        await self.dispatch(
            guild.id, "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.to_dict()}
        )
        return role

    async def create_channel(self, guild: Guild, name: str) -> Channel:
        """Add a channel while the bot is connected (CHANNEL_CREATE)."""
        channel = self.add_channel(guild, name)
        await self.dispatch(guild.id, "CHANNEL_CREATE", channel.to_dict())
        return channel

    async def update_channel(self, channel: Channel) -> None:
        """Tell the bot a channel changed (CHANNEL_UPDATE, THREAD_UPDATE for a thread),
        e.g. after `deny`."""
        event = "THREAD_UPDATE" if channel.is_thread else "CHANNEL_UPDATE"
        await self.dispatch(channel.guild_id, event, channel.to_dict(), INTENT_GUILDS)

    async def archive_thread(self, thread: Channel, *, locked: bool = False) -> None:
        """A moderator (or Discord's inactivity timer) archives a thread."""
        thread.archived, thread.locked = True, locked
        await self.update_channel(thread)

    async def wait_for_message(
        self, channel: Channel | int, count: int = 1, timeout: float = 10.0
    ) -> list[Message]:
        """Wait until the channel (or thread) holds at least `count` messages the bot
        posted."""

        def enough() -> list[Message] | None:
            found = self.channel_messages(channel)
            return found if len(found) >= count else None

        async with self.message_created:
            await asyncio.wait_for(self.message_created.wait_for(enough), timeout)
        return enough() or []

    async def react(self, message: Message, emoji: str, user: User, *, force: bool = False) -> None:
        """`user` adds `emoji`. Discord sends nothing for a reaction already there; with
        `force` the event is sent anyway (a replayed or duplicated gateway event)."""
        users = message.reactions.setdefault(emoji, [])
        if user.id in users and not force:
            return
        if user.id not in users:
            users.append(user.id)
        guild = self.guilds[message.guild_id]  # type: ignore[index]
        member = guild.members.get(user.id) or self.add_member(guild, user)
        await self.dispatch(
            guild.id,
            "MESSAGE_REACTION_ADD",
            {
                "user_id": str(user.id),
                "channel_id": str(message.channel_id),
                "message_id": str(message.id),
                "guild_id": str(guild.id),
                "member": member.to_dict(),
                "emoji": {"id": None, "name": emoji},
                "message_author_id": str(message.author.id),
                "burst": False,
                "burst_colors": [],
                "type": 0,
            },
            INTENT_GUILD_MESSAGE_REACTIONS,
        )

    async def unreact(
        self, message: Message, emoji: str, user: User, *, force: bool = False
    ) -> None:
        users = message.reactions.get(emoji, [])
        if user.id not in users and not force:
            return
        if user.id in users:
            users.remove(user.id)
        payload: dict[str, Any] = {
            "user_id": str(user.id),
            "channel_id": str(message.channel_id),
            "message_id": str(message.id),
            "guild_id": str(message.guild_id),
            "emoji": {"id": None, "name": emoji},
            "burst": False,
            "type": 0,
        }
        await self.dispatch(
            message.guild_id,  # type: ignore[arg-type]
            "MESSAGE_REACTION_REMOVE",
            payload,
            INTENT_GUILD_MESSAGE_REACTIONS,
        )

    async def post_as(self, user: User, channel: Channel, content: str) -> Message:
        """A member writes in a channel or thread (MESSAGE_CREATE, GUILD_MESSAGES intent;
        the text reaches the bot only with the MESSAGE_CONTENT intent)."""
        guild = self.guilds[channel.guild_id]
        member = guild.members.get(user.id) or self.add_member(guild, user)
        message = self.add_message(channel, author=user, content=content)
        if channel.is_thread:
            channel.message_count += 1
        data = message.to_dict()
        data["member"] = {k: v for k, v in member.to_dict().items() if k != "user"}
        for session in list(self.sessions.values()):
            if session.owns(guild.id) and session.intents & INTENT_GUILD_MESSAGES:
                visible = dict(data)
                if not session.intents & INTENT_MESSAGE_CONTENT:
                    visible.update(content="", embeds=[], components=[], attachments=[])
                await self._send(session, "MESSAGE_CREATE", visible)
        return message
