"""Guild scheduled events: create, read, list, modify, delete, and who is interested.

Gateway events (GUILD_SCHEDULED_EVENT_*) reach only sessions that asked for the
GUILD_SCHEDULED_EVENTS intent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tests.fakediscord.rest.core import Call, route
from tests.fakediscord.rest.errors import FormError, HTTPError, missing_permissions
from tests.fakediscord.rest.messages import MessageRoutes
from tests.fakediscord.state import Guild, Permissions, ScheduledEvent
from tests.fakediscord.state.events import (
    ACTIVE,
    EXTERNAL,
    MAX_ACTIVE_EVENTS,
    SCHEDULED,
    TRANSITIONS,
)
from tests.fakediscord.validation.events import (
    check_entity,
    check_recurrence_rule,
    check_text,
    check_times,
    parse_time,
)

INTENT_GUILD_SCHEDULED_EVENTS = 1 << 16
EDITABLE = (
    "channel_id",
    "entity_metadata",
    "name",
    "privacy_level",
    "scheduled_start_time",
    "scheduled_end_time",
    "description",
    "entity_type",
    "status",
    "image",
    "recurrence_rule",
)


class ScheduledEventRoutes(MessageRoutes):
    dispatch: Callable[..., Awaitable[None]]

    async def _announce_event(self, event: ScheduledEvent, name: str) -> None:
        await self.dispatch(event.guild_id, name, event.to_dict(), INTENT_GUILD_SCHEDULED_EVENTS)

    def _guild(self, guild_id: str) -> Guild:
        guild = self.guilds.get(int(guild_id))
        if guild is None or self.bot_user.id not in guild.members:
            raise HTTPError(404, 10004, "Unknown Guild")
        return guild

    def _event(self, guild: Guild, event_id: str) -> ScheduledEvent:
        event = guild.scheduled_events.get(int(event_id))
        if event is None:
            raise HTTPError(404, 10070, "Unknown Guild Scheduled Event")
        return event

    def _may_manage(self, guild: Guild, event: ScheduledEvent) -> None:
        """Create Events covers the bot's own events; Manage Events covers everyone's."""
        perms = guild.permissions_of(self.bot_user.id)
        if perms & Permissions.MANAGE_EVENTS:
            return
        if event.creator.id == self.bot_user.id and perms & Permissions.CREATE_EVENTS:
            return
        raise missing_permissions()

    @route("GET", "/guilds/{guild}/scheduled-events")
    async def _list_events(self, call: Call, guild: str) -> tuple[int, Any]:
        found = self._guild(guild)
        with_count = call.query.get("with_user_count") in ("1", "true", "True")
        return 200, [e.to_dict(with_user_count=with_count) for e in found.scheduled_events.values()]

    @route("GET", "/guilds/{guild}/scheduled-events/{event}")
    async def _get_event(self, call: Call, guild: str, event: str) -> tuple[int, Any]:
        found = self._event(self._guild(guild), event)
        with_count = call.query.get("with_user_count") in ("1", "true", "True")
        return 200, found.to_dict(with_user_count=with_count)

    @route("POST", "/guilds/{guild}/scheduled-events")
    async def _create_event(self, call: Call, guild: str) -> tuple[int, Any]:
        found = self._guild(guild)
        perms = found.permissions_of(self.bot_user.id)
        if not perms & (Permissions.CREATE_EVENTS | Permissions.MANAGE_EVENTS):
            raise missing_permissions()
        payload = call.body
        for required in ("name", "scheduled_start_time", "entity_type", "privacy_level"):
            if payload.get(required) is None:
                raise FormError((required,), "This field is required", "BASE_TYPE_REQUIRED")
        check_text(payload)
        start = parse_time(payload["scheduled_start_time"], "scheduled_start_time")
        end = (
            parse_time(payload["scheduled_end_time"], "scheduled_end_time")
            if payload.get("scheduled_end_time")
            else None
        )
        check_entity(
            payload["entity_type"], payload.get("channel_id"), payload.get("entity_metadata"), end
        )
        check_times(start, end, self.clock.now(), start_changed=True)
        check_recurrence_rule(payload.get("recurrence_rule"), start)
        uncompleted = [
            e for e in found.scheduled_events.values() if e.status in (SCHEDULED, ACTIVE)
        ]
        if len(uncompleted) >= MAX_ACTIVE_EVENTS:
            raise HTTPError(
                400,
                30038,
                "Maximum number of uncompleted guild scheduled events reached "
                f"({MAX_ACTIVE_EVENTS})",
            )
        event = ScheduledEvent(
            id=self.ids.next(),
            guild_id=found.id,
            creator=self.bot_user,
            name=payload["name"],
            description=payload.get("description"),
            scheduled_start_time=start,
            scheduled_end_time=end,
            entity_type=payload["entity_type"],
            channel_id=int(payload["channel_id"]) if payload.get("channel_id") else None,
            entity_metadata=payload.get("entity_metadata")
            if payload["entity_type"] == EXTERNAL
            else None,
            image=payload.get("image"),
            recurrence_rule=payload.get("recurrence_rule"),
        )
        found.scheduled_events[event.id] = event
        await self._announce_event(event, "GUILD_SCHEDULED_EVENT_CREATE")
        return 200, event.to_dict()

    @route("PATCH", "/guilds/{guild}/scheduled-events/{event}")
    async def _modify_event(self, call: Call, guild: str, event: str) -> tuple[int, Any]:
        found = self._guild(guild)
        target = self._event(found, event)
        self._may_manage(found, target)
        if target.finished:
            raise HTTPError(400, 180000, "Cannot update a finished event")
        changes = {k: v for k, v in call.body.items() if k in EDITABLE}
        check_text(changes)
        status = changes.get("status", target.status)
        if status not in TRANSITIONS[target.status]:
            raise FormError(
                ("status",),
                f"Cannot change the status from {target.status} to {status}",
                "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION",
            )
        start = (
            parse_time(changes["scheduled_start_time"], "scheduled_start_time")
            if "scheduled_start_time" in changes
            else target.scheduled_start_time
        )
        end = target.scheduled_end_time
        if "scheduled_end_time" in changes:
            end = (
                parse_time(changes["scheduled_end_time"], "scheduled_end_time")
                if changes["scheduled_end_time"]
                else None
            )
        entity_type = changes.get("entity_type", target.entity_type)
        channel_id = changes.get("channel_id", target.channel_id)
        if entity_type == EXTERNAL and "entity_type" in changes and "channel_id" not in changes:
            channel_id = None
        metadata = changes.get("entity_metadata", target.entity_metadata)
        check_entity(entity_type, channel_id, metadata, end)
        check_times(start, end, self.clock.now(), start_changed="scheduled_start_time" in changes)
        rule = target.recurrence_rule
        if "recurrence_rule" in changes:
            rule = changes["recurrence_rule"]
            check_recurrence_rule(rule, start)
        elif rule is not None and "scheduled_start_time" in changes:
            rule = {**rule, "start": start.isoformat()}
        target.name = changes.get("name", target.name)
        if "description" in changes:
            target.description = changes["description"]
        target.scheduled_start_time, target.scheduled_end_time = start, end
        target.entity_type, target.status, target.recurrence_rule = entity_type, status, rule
        target.channel_id = int(channel_id) if channel_id else None
        target.entity_metadata = metadata if entity_type == EXTERNAL else None
        if "image" in changes:
            target.image = changes["image"]
        await self._announce_event(target, "GUILD_SCHEDULED_EVENT_UPDATE")
        return 200, target.to_dict()

    @route("DELETE", "/guilds/{guild}/scheduled-events/{event}")
    async def _delete_event(self, call: Call, guild: str, event: str) -> tuple[int, Any]:
        found = self._guild(guild)
        target = self._event(found, event)
        self._may_manage(found, target)
        del found.scheduled_events[target.id]
        await self._announce_event(target, "GUILD_SCHEDULED_EVENT_DELETE")
        return 204, None

    @route("GET", "/guilds/{guild}/scheduled-events/{event}/users")
    async def _event_users(self, call: Call, guild: str, event: str) -> tuple[int, Any]:
        """Interested users in ascending id order: `limit` (<= 100, default 100) before
        or after a user id (`before` wins when both are given), members with
        `with_member`."""
        found = self._guild(guild)
        target = self._event(found, event)
        limit = call.int_param("limit", 100, 1, 100)
        with_member = call.query.get("with_member") in ("1", "true", "True")
        ids = sorted(target.interested)
        if "before" in call.query:
            before = call.int_param("before", 0, 0, 1 << 64)
            ids = [u for u in ids if u < before][-limit:]
        else:
            after = call.int_param("after", 0, 0, 1 << 64)
            ids = [u for u in ids if u > after][:limit]
        result = []
        for user_id in ids:
            item: dict[str, Any] = {
                "guild_scheduled_event_id": str(target.id),
                "user": self.users[user_id].to_dict(),
            }
            member = found.members.get(user_id)
            if with_member and member is not None:
                data = member.to_dict()
                data.pop("user")
                item["member"] = data
            result.append(item)
        return 200, result
