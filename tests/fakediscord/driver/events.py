"""What members and moderators do with scheduled events in Discord's own interface."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from tests.fakediscord.state import Guild, ScheduledEvent, User, World
from tests.fakediscord.state.events import CANCELED, COMPLETED, EXTERNAL, SCHEDULED

INTENT_GUILD_SCHEDULED_EVENTS = 1 << 16


class EventActions(World):
    dispatch: Callable[..., Awaitable[None]]

    def scheduled_events(self, guild: Guild) -> list[ScheduledEvent]:
        """The guild's scheduled events, oldest first."""
        return sorted(guild.scheduled_events.values(), key=lambda e: e.id)

    def scheduled_event(self, guild: Guild, event_id: int | str) -> ScheduledEvent:
        return guild.scheduled_events[int(event_id)]

    async def create_event_as(
        self,
        user: User,
        guild: Guild,
        name: str,
        start: dt.datetime,
        end: dt.datetime,
        *,
        location: str = "Somewhere",
    ) -> ScheduledEvent:
        """A member creates an external event in Discord (not the bot)."""
        event = ScheduledEvent(
            id=self.ids.next(),
            guild_id=guild.id,
            creator=user,
            name=name,
            scheduled_start_time=start,
            scheduled_end_time=end,
            entity_type=EXTERNAL,
            entity_metadata={"location": location},
        )
        guild.scheduled_events[event.id] = event
        await self._event_changed(event, "GUILD_SCHEDULED_EVENT_CREATE")
        return event

    async def mark_interested(self, event: ScheduledEvent, user: User) -> None:
        """`user` clicks "Interested" (GUILD_SCHEDULED_EVENT_USER_ADD)."""
        if user.id in event.interested:
            return
        guild = self.guilds[event.guild_id]
        if user.id not in guild.members:
            self.add_member(guild, user)
        event.interested.append(user.id)
        await self._user_event(event, user, "GUILD_SCHEDULED_EVENT_USER_ADD")

    async def unmark_interested(self, event: ScheduledEvent, user: User) -> None:
        """`user` clicks "Interested" again to withdraw (GUILD_SCHEDULED_EVENT_USER_REMOVE)."""
        if user.id not in event.interested:
            return
        event.interested.remove(user.id)
        await self._user_event(event, user, "GUILD_SCHEDULED_EVENT_USER_REMOVE")

    async def _user_event(self, event: ScheduledEvent, user: User, name: str) -> None:
        await self.dispatch(
            event.guild_id,
            name,
            {
                "guild_scheduled_event_id": str(event.id),
                "user_id": str(user.id),
                "guild_id": str(event.guild_id),
            },
            INTENT_GUILD_SCHEDULED_EVENTS,
        )

    async def cancel_event(self, event: ScheduledEvent) -> None:
        """A moderator cancels the event in Discord (status 4, GUILD_SCHEDULED_EVENT_UPDATE)."""
        if event.status != SCHEDULED:
            raise ValueError(f"only a scheduled event can be canceled (status {event.status})")
        event.status = CANCELED
        await self._event_changed(event, "GUILD_SCHEDULED_EVENT_UPDATE")

    async def complete_event(self, event: ScheduledEvent) -> None:
        """The event's host ends it (status 3)."""
        event.status = COMPLETED
        await self._event_changed(event, "GUILD_SCHEDULED_EVENT_UPDATE")

    async def delete_event(self, event: ScheduledEvent) -> None:
        """A moderator deletes the event in Discord (GUILD_SCHEDULED_EVENT_DELETE)."""
        del self.guilds[event.guild_id].scheduled_events[event.id]
        await self._event_changed(event, "GUILD_SCHEDULED_EVENT_DELETE")

    async def _event_changed(self, event: ScheduledEvent, name: str) -> None:
        await self.dispatch(event.guild_id, name, event.to_dict(), INTENT_GUILD_SCHEDULED_EVENTS)
