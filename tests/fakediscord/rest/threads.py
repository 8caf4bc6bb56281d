"""Threads: started from a message or on their own, edited (archived, locked), announced
on the gateway with THREAD_CREATE and THREAD_UPDATE."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tests.fakediscord.rest.core import Call, route
from tests.fakediscord.rest.errors import FormError, HTTPError, Unimplemented, missing_permissions
from tests.fakediscord.rest.messages import MessageRoutes
from tests.fakediscord.state import Channel, Guild, Permissions
from tests.fakediscord.state.guilds import PRIVATE_THREAD, PUBLIC_THREAD

ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)
INTENT_GUILDS = 1 << 0


class ThreadRoutes(MessageRoutes):
    dispatch: Callable[..., Awaitable[None]]

    async def _announce_thread(self, thread: Channel, event: str, **extra: Any) -> None:
        await self.dispatch(thread.guild_id, event, {**thread.to_dict(), **extra}, INTENT_GUILDS)

    def _thread_fields(self, payload: dict[str, Any]) -> tuple[str, int]:
        name = payload.get("name")
        if not isinstance(name, str) or not 1 <= len(name.strip()) <= 100:
            raise FormError(
                ("name",), "Must be between 1 and 100 in length.", "BASE_TYPE_BAD_LENGTH"
            )
        duration = payload.get("auto_archive_duration") or 4320
        if duration not in ARCHIVE_DURATIONS:
            raise FormError(
                ("auto_archive_duration",),
                f"Value must be one of {ARCHIVE_DURATIONS}.",
                "BASE_TYPE_CHOICES",
            )
        return name.strip(), duration

    def _thread_parent(self, cid: str) -> tuple[Guild, Channel]:
        guild, channel = self._guild_channel(cid)
        if channel.is_thread:
            raise HTTPError(400, 50024, "Cannot execute action on this channel type")
        return guild, channel

    @route("POST", "/channels/{cid}/messages/{mid}/threads")
    async def _start_thread_from_message(self, call: Call, cid: str, mid: str) -> tuple[int, Any]:
        guild, parent = self._thread_parent(cid)
        _guild, _channel, message = self._channel_message(cid, mid)
        self._require(
            guild,
            parent,
            Permissions.VIEW_CHANNEL
            | Permissions.CREATE_PUBLIC_THREADS
            | Permissions.READ_MESSAGE_HISTORY,
        )
        name, duration = self._thread_fields(call.body)
        if message.thread is not None:
            raise HTTPError(400, 160004, "A thread has already been created for this message")
        thread = self.add_thread(parent, name, thread_id=message.id)
        thread.auto_archive_duration = duration
        message.thread = thread.to_dict()
        await self._announce_thread(thread, "THREAD_CREATE", newly_created=True)
        return 201, thread.to_dict()

    @route("POST", "/channels/{cid}/threads")
    async def _start_thread(self, call: Call, cid: str) -> tuple[int, Any]:
        guild, parent = self._thread_parent(cid)
        payload = call.body
        kind = payload.get("type") or PRIVATE_THREAD
        if kind not in (PUBLIC_THREAD, PRIVATE_THREAD):
            raise FormError(("type",), "Value must be one of {11, 12}.", "BASE_TYPE_CHOICES")
        create = (
            Permissions.CREATE_PUBLIC_THREADS
            if kind == PUBLIC_THREAD
            else Permissions.CREATE_PRIVATE_THREADS
        )
        self._require(guild, parent, Permissions.VIEW_CHANNEL | create)
        name, duration = self._thread_fields(payload)
        thread = self.add_thread(parent, name, kind=kind)
        thread.auto_archive_duration = duration
        await self._announce_thread(thread, "THREAD_CREATE", newly_created=True)
        return 201, thread.to_dict()

    @route("PATCH", "/channels/{cid}")
    async def _edit_thread(self, call: Call, cid: str) -> tuple[int, Any]:
        """Name, archived, locked, auto_archive_duration of a thread. The bot may archive
        a thread it owns; anything else needs Manage Threads."""
        guild, thread = self._guild_channel(cid)
        if not thread.is_thread:
            raise Unimplemented
        payload = call.body
        perms = guild.permissions_of(self.bot_user.id, thread)
        manages = bool(perms & Permissions.MANAGE_THREADS)
        owner_only = set(payload) <= {"archived", "auto_archive_duration", "name"}
        if not manages and not (thread.owner_id == self.bot_user.id and owner_only):
            raise missing_permissions()
        if thread.archived and payload.get("archived") is not False:
            raise HTTPError(400, 50083, "Thread is archived")
        if "name" in payload:
            thread.name, _ = self._thread_fields({"name": payload["name"]})
        if "auto_archive_duration" in payload:
            _, thread.auto_archive_duration = self._thread_fields({"name": thread.name, **payload})
        for key in ("archived", "locked"):
            if key in payload:
                setattr(thread, key, bool(payload[key]))
        await self._announce_thread(thread, "THREAD_UPDATE")
        return 200, thread.to_dict()
