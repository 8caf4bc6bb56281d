"""Channel messages: create (with nonces), read one or a page, edit, delete."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from tests.fakediscord.rest.core import Call, route
from tests.fakediscord.rest.errors import FormError, HTTPError, missing_permissions
from tests.fakediscord.state import Channel, Guild, Message, Permissions, World
from tests.fakediscord.state.messages import EPHEMERAL, IS_COMPONENTS_V2, LOADING
from tests.fakediscord.validation.messages import check_message

#: How long Discord remembers a nonce sent with enforce_nonce ("the past few minutes").
NONCE_WINDOW = dt.timedelta(minutes=5)
MESSAGE_FIELDS = ("content", "embeds", "components", "sticker_ids", "poll")


class MessageRoutes(World):
    host: str
    port: int
    message_created: asyncio.Condition

    def _init_messages(self) -> None:
        #: (author id, nonce) -> (message id, when it was created)
        self._nonces: dict[tuple[int, str], tuple[int, dt.datetime]] = {}

    # -- look-ups and permission checks shared by the channel routes ---------------------

    def _guild_channel(self, cid: str) -> tuple[Guild, Channel]:
        channel = self.channel(int(cid))
        if channel is None:
            raise HTTPError(404, 10003, "Unknown Channel")
        return self.guilds[channel.guild_id], channel

    def _require(self, guild: Guild, channel: Channel | None, bits: int) -> None:
        perms = guild.permissions_of(self.bot_user.id, channel)
        if perms & bits != bits:
            raise missing_permissions()

    def _channel_message(self, cid: str, mid: str) -> tuple[Guild, Channel, Message]:
        guild, channel = self._guild_channel(cid)
        message = self.messages.get(int(mid))
        if message is None or message.channel_id != channel.id or message.deleted:
            raise HTTPError(404, 10008, "Unknown Message")
        return guild, channel, message

    # -- routes ---------------------------------------------------------------------------

    @route("POST", "/channels/{cid}/messages")
    async def _create_message(self, call: Call, cid: str) -> tuple[int, Any]:
        if cid.isdigit() and int(cid) in self.dm_channels:
            return await self._create_dm_message(call, int(cid))
        guild, channel = self._guild_channel(cid)
        payload = call.body
        send = (
            Permissions.SEND_MESSAGES_IN_THREADS if channel.is_thread else Permissions.SEND_MESSAGES
        )
        needed = Permissions.VIEW_CHANNEL | send
        if payload.get("embeds"):
            needed |= Permissions.EMBED_LINKS
        if call.files:
            needed |= Permissions.ATTACH_FILES
        self._require(guild, channel, needed)
        if channel.is_thread and (channel.archived or channel.locked):
            raise HTTPError(400, 50083, "Thread is archived")
        if not any(payload.get(k) for k in MESSAGE_FIELDS) and not call.files:
            raise HTTPError(400, 50006, "Cannot send an empty message")
        earlier = self._earlier_by_nonce(payload)
        if earlier is not None:
            return 200, earlier.to_dict(me=self.bot_user.id, with_nonce=True)
        message = self._store_message(
            channel.id, guild.id, payload, call.files, flags=payload.get("flags") or 0
        )
        if payload.get("nonce") is not None:
            message.nonce = payload["nonce"]
            self._nonces[(self.bot_user.id, str(payload["nonce"]))] = (message.id, self.clock.now())
        if channel.is_thread:
            channel.message_count += 1
        async with self.message_created:
            self.message_created.notify_all()
        return 200, message.to_dict(me=self.bot_user.id, with_nonce=True)

    async def _create_dm_message(self, call: Call, channel_id: int) -> tuple[int, Any]:
        """A direct message: refused when the member does not accept them, as Discord does."""
        if self.dm_channels[channel_id] in self.dms_closed:
            raise HTTPError(403, 50007, "Cannot send messages to this user")
        payload = call.body
        if not any(payload.get(k) for k in MESSAGE_FIELDS) and not call.files:
            raise HTTPError(400, 50006, "Cannot send an empty message")
        message = self._store_message(
            channel_id, None, payload, call.files, flags=payload.get("flags") or 0
        )
        async with self.message_created:
            self.message_created.notify_all()
        return 200, message.to_dict(me=self.bot_user.id, with_nonce=True)

    def _earlier_by_nonce(self, payload: dict[str, Any]) -> Message | None:
        """With `enforce_nonce`, the message this author already created with this nonce
        in the last few minutes."""
        nonce = payload.get("nonce")
        if nonce is None:
            return None
        if not isinstance(nonce, int | str) or len(str(nonce)) > 25:
            raise FormError(("nonce",), "Must be 25 or fewer in length.", "BASE_TYPE_MAX_LENGTH")
        if not payload.get("enforce_nonce"):
            return None
        seen = self._nonces.get((self.bot_user.id, str(nonce)))
        if seen is None or self.clock.now() - seen[1] > NONCE_WINDOW:
            return None
        earlier = self.messages.get(seen[0])
        return earlier if earlier is not None and not earlier.deleted else None

    @route("GET", "/channels/{cid}/messages")
    async def _list_messages(self, call: Call, cid: str) -> tuple[int, Any]:
        """Up to `limit` (1-100, default 50) messages, newest first, before, after or
        around a message id."""
        guild, channel = self._guild_channel(cid)
        self._require(guild, channel, Permissions.VIEW_CHANNEL | Permissions.READ_MESSAGE_HISTORY)
        limit = call.int_param("limit", 50, 1, 100)
        anchors = [k for k in ("before", "after", "around") if k in call.query]
        if len(anchors) > 1:
            raise FormError(
                (), "Only one of before, after and around may be given", "BASE_TYPE_INVALID"
            )
        history = sorted(
            (
                m
                for m in self.messages.values()
                if m.channel_id == channel.id and not m.deleted and not m.flags & EPHEMERAL
            ),
            key=lambda m: m.id,
        )
        anchor = anchors[0] if anchors else "before"
        pivot = call.int_param(anchor, 1 << 63, 0, 1 << 64) if anchors else 1 << 63
        if anchor == "before":
            page = [m for m in history if m.id < pivot][-limit:]
        elif anchor == "after":
            page = [m for m in history if m.id > pivot][:limit]
        else:
            older = [m for m in history if m.id < pivot]
            newer = [m for m in history if m.id >= pivot]
            half = limit // 2
            page = older[-half:] if half else []
            page += newer[: limit - len(page)]
        return 200, [m.to_dict(me=self.bot_user.id) for m in reversed(page)]

    @route("GET", "/channels/{cid}/messages/{mid}")
    async def _get_message(self, call: Call, cid: str, mid: str) -> tuple[int, Any]:
        guild, channel, message = self._channel_message(cid, mid)
        self._require(guild, channel, Permissions.VIEW_CHANNEL | Permissions.READ_MESSAGE_HISTORY)
        return 200, message.to_dict(me=self.bot_user.id)

    @route("PATCH", "/channels/{cid}/messages/{mid}")
    async def _edit_message(self, call: Call, cid: str, mid: str) -> tuple[int, Any]:
        _guild, channel, message = self._channel_message(cid, mid)
        if message.author.id != self.bot_user.id:
            raise HTTPError(403, 50005, "Cannot edit a message authored by another user")
        if channel.is_thread and channel.archived:
            raise HTTPError(400, 50083, "Thread is archived")
        self._apply_edit(message, call.body, call.files)
        return 200, message.to_dict(me=self.bot_user.id)

    @route("DELETE", "/channels/{cid}/messages/{mid}")
    async def _delete_message(self, call: Call, cid: str, mid: str) -> tuple[int, Any]:
        guild, channel, message = self._channel_message(cid, mid)
        if message.author.id != self.bot_user.id:
            self._require(guild, channel, Permissions.MANAGE_MESSAGES)
        message.deleted = True
        return 204, None

    # -- storing what the bot sent ----------------------------------------------------------

    def _store_message(
        self,
        channel_id: int,
        guild_id: int | None,
        data: dict[str, Any],
        files: list[dict[str, Any]],
        *,
        interaction_id: int | None = None,
        flags: int = 0,
    ) -> Message:
        check_message(data, flags or 0, _filenames(data, files))
        message = Message(
            id=self.ids.next(),
            channel_id=channel_id,
            guild_id=guild_id,
            author=self.bot_user,
            content=data.get("content") or "",
            embeds=data.get("embeds") or [],
            components=data.get("components") or [],
            attachments=self._attachments(files),
            flags=flags or 0,
            allowed_mentions=data.get("allowed_mentions"),
            interaction_id=interaction_id,
            created_at=self.clock.iso(),
        )
        self.messages[message.id] = message
        return message

    def _attachments(self, files: list[dict[str, Any]]) -> list[dict[str, Any]]:
        result = []
        for index, file in enumerate(files):
            result.append(
                {
                    "id": str(self.ids.next()),
                    "filename": file["filename"],
                    "size": len(file["content"]),
                    "url": f"http://{self.host}:{self.port}/attachments/{index}/{file['filename']}",
                    "proxy_url": f"http://{self.host}:{self.port}/attachments/{file['filename']}",
                    "content_type": file.get("content_type"),
                    "content": file["content"],
                }
            )
        return result

    def _apply_edit(
        self, message: Message, data: dict[str, Any], files: list[dict[str, Any]]
    ) -> None:
        flags = message.flags
        if data.get("flags") is not None:
            if message.flags & IS_COMPONENTS_V2 and not data["flags"] & IS_COMPONENTS_V2:
                raise FormError(
                    ("flags",),
                    "Cannot remove the IS_COMPONENTS_V2 flag",
                    "MESSAGE_CANNOT_REMOVE_COMPONENTS_V2_FLAG",
                )
            flags = (message.flags & EPHEMERAL) | data["flags"]
        kept = {a["filename"] for a in message.attachments if "attachments" not in data}
        check_message(data, flags, kept | _filenames(data, files))
        if "content" in data:
            message.content = data["content"] or ""
        if "embeds" in data:
            message.embeds = data["embeds"] or []
        if "components" in data:
            message.components = data["components"] or []
        if "allowed_mentions" in data:
            message.allowed_mentions = data["allowed_mentions"]
        if files or "attachments" in data:
            message.attachments = self._attachments(files)
        message.flags = flags & ~LOADING
        message.edited_at = self.clock.iso()


def _filenames(data: dict[str, Any], files: list[dict[str, Any]]) -> set[str]:
    """The names attachment:// may refer to: the files uploaded with the request."""
    return {f["filename"] for f in files}
