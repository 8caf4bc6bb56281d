"""Everything the fake Discord knows, and how tests build it before the bot connects."""

from __future__ import annotations

from typing import Any

from tests.fakediscord.state.clock import Clock, Snowflakes
from tests.fakediscord.state.guilds import (
    PUBLIC_THREAD,
    Channel,
    Guild,
    Member,
    Role,
    User,
)
from tests.fakediscord.state.messages import Message
from tests.fakediscord.state.permissions import Permissions


class World:
    """Users, guilds (with their channels, threads, roles, members and scheduled events),
    messages, and the application's commands."""

    def __init__(self, *, app_name: str = "Bonnes Places") -> None:
        self.clock = Clock()
        self.ids = Snowflakes(self.clock)
        self.bot_user = User(id=self.ids.next(), username=app_name, bot=True)
        self.application_id = self.bot_user.id
        self.owner = User(id=self.ids.next(), username="owner")
        self.guilds: dict[int, Guild] = {}
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user, self.owner.id: self.owner}
        self.messages: dict[int, Message] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.command_puts: list[tuple[int | None, list[dict[str, Any]]]] = []
        #: Direct-message channels the bot opened: channel id -> the member's user id.
        self.dm_channels: dict[int, int] = {}
        #: Users who do not accept direct messages from the bot (Discord answers 50007).
        self.dms_closed: set[int] = set()

    def add_user(self, username: str, *, bot: bool = False) -> User:
        user = User(id=self.ids.next(), username=username, bot=bot)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str = "Guild",
        *,
        locale: str = "en-US",
        bot_permissions: int = Permissions.MEMBER_DEFAULT,
        shard: tuple[int, int] | None = None,
        guild_id: int | None = None,
        general_id: int | None = None,
    ) -> Guild:
        """A guild with a #general channel, the bot and the owner in it. With `shard`
        (shard id, shard count), its id is chosen so that it belongs to that shard."""
        guild_id = guild_id or self.ids.next()
        if shard is not None:
            while (guild_id >> 22) % shard[1] != shard[0]:
                guild_id += 1 << 22
        guild = Guild(
            id=guild_id,
            name=name,
            owner_id=self.owner.id,
            preferred_locale=locale,
            created_at=self.clock.iso(),
        )
        guild.roles[guild_id] = Role(
            id=guild_id, name="@everyone", permissions=Permissions.MEMBER_DEFAULT
        )
        bot_role = Role(
            id=self.ids.next(), name="Bonnes Places", permissions=bot_permissions, position=1
        )
        guild.roles[bot_role.id] = bot_role
        guild.members[self.bot_user.id] = Member(
            user=self.bot_user, guild_id=guild_id, roles=[bot_role.id], joined_at=guild.created_at
        )
        guild.members[self.owner.id] = Member(
            user=self.owner, guild_id=guild_id, joined_at=guild.created_at
        )
        self.guilds[guild_id] = guild
        self.add_channel(guild, "general", channel_id=general_id)
        return guild

    def add_channel(self, guild: Guild, name: str, channel_id: int | None = None) -> Channel:
        channel = Channel(
            id=channel_id or self.ids.next(),
            guild_id=guild.id,
            name=name,
            position=len(guild.channels),
        )
        guild.channels[channel.id] = channel
        return channel

    def add_thread(
        self,
        parent: Channel,
        name: str,
        *,
        owner: User | None = None,
        kind: int = PUBLIC_THREAD,
        thread_id: int | None = None,
    ) -> Channel:
        """A thread under `parent`; started from a message, it takes that message's id."""
        thread = Channel(
            id=thread_id or self.ids.next(),
            guild_id=parent.guild_id,
            name=name,
            type=kind,
            parent_id=parent.id,
            owner_id=(owner or self.bot_user).id,
            created_at=self.clock.iso(),
        )
        self.guilds[parent.guild_id].threads[thread.id] = thread
        return thread

    def add_role(self, guild: Guild, name: str, permissions: int = 0) -> Role:
        role = Role(
            id=self.ids.next(), name=name, permissions=permissions, position=len(guild.roles)
        )
        guild.roles[role.id] = role
        return role

    def add_member(
        self, guild: Guild, user: User | str, *, roles: list[Role] | None = None
    ) -> Member:
        if isinstance(user, str):
            user = self.add_user(user)
        member = Member(
            user=user,
            guild_id=guild.id,
            roles=[r.id for r in roles or []],
            joined_at=self.clock.iso(),
        )
        guild.members[user.id] = member
        return member

    def add_message(
        self, channel: Channel, *, author: User | None = None, content: str = ""
    ) -> Message:
        """A message already in a channel (posted before the test, e.g. by the bot)."""
        message = Message(
            id=self.ids.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=author or self.bot_user,
            content=content,
            created_at=self.clock.iso(),
        )
        self.messages[message.id] = message
        return message

    def bot_role(self, guild: Guild) -> Role:
        return guild.roles[guild.members[self.bot_user.id].roles[0]]

    def channel(self, channel_id: int) -> Channel | None:
        """A channel or thread of any guild."""
        for guild in self.guilds.values():
            found = guild.channels.get(channel_id) or guild.threads.get(channel_id)
            if found is not None:
                return found
        return None

    def dm_channel_of(self, user: User) -> int | None:
        """The direct-message channel the bot opened with `user`, if any."""
        return next((cid for cid, uid in self.dm_channels.items() if uid == user.id), None)

    def dm_messages(self, user: User) -> list[Message]:
        """The messages the bot sent `user` privately, oldest first."""
        channel_id = self.dm_channel_of(user)
        return [] if channel_id is None else self.channel_messages(channel_id)

    def channel_messages(self, channel: Channel | int) -> list[Message]:
        """Messages in a channel or thread (not interaction replies), oldest first."""
        channel_id = channel if isinstance(channel, int) else channel.id
        return [
            m
            for m in self.messages.values()
            if m.channel_id == channel_id and not m.deleted and m.interaction_id is None
        ]
