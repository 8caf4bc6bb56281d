"""The routines' background work: each routine's next occurrence exists as a Discord
event, its reminder is posted, its "Interested" list is counted, and a routine nobody goes
to is paused."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

import discord

from bot.domain.errors import NotFound
from cogs.routine_card import (
    INTERESTED_SYNC,
    can_create_events,
    cancel_event,
    create_event,
    interested_ids,
    refresh_card,
    sync_interested,
)
from cogs.routine_reminder import post_reminder

if TYPE_CHECKING:
    from bot.app import BonnesPlaces

log = logging.getLogger("cogs.routines")  # the routine feature's one logger


class RoutineScheduler:
    """One round over the routines of the guilds this process serves."""

    def __init__(self, bot: BonnesPlaces) -> None:
        self.bot = bot
        self.routines = bot.services.routines
        #: occurrence id -> when this process last read its event's "Interested" list
        self._interested_read: dict[int, dt.datetime] = {}

    async def renew_events(self) -> None:
        now = await self.bot.services.clock.now()
        guilds = {guild.id: guild for guild in self.bot.guilds}
        try:
            routines = await self.routines.scheduled(list(guilds))
        except Exception:
            log.exception("could not read the routines")
            return
        for routine in routines:
            guild = guilds[routine.guild_id]
            try:
                if await self._lapse(guild, routine.id, now):
                    continue
            except NotFound:
                continue
            except Exception:
                log.exception("the lapse check of routine %s failed unexpectedly", routine.id)
            try:
                await self._remind(guild, routine.id, now)
            except NotFound:
                continue
            except Exception:
                log.exception("the reminder of routine %s failed unexpectedly", routine.id)
            if not can_create_events(guild):
                continue  # said once, when the routine was created; nothing to claim
            try:
                upcoming = await self.routines.claim_event(guild.id, routine.id, now)
                if upcoming is not None and await create_event(self.bot, guild, upcoming, now):
                    await refresh_card(
                        self.bot, guild, await self.routines.upcoming(guild.id, routine.id, now)
                    )
                elif upcoming is None:
                    await self._count_interested(guild, routine.id, now)
            except NotFound:
                continue  # ended meanwhile
            except Exception:
                log.exception("the event of routine %s failed unexpectedly", routine.id)

    async def _remind(self, guild: discord.Guild, routine_id: int, now: dt.datetime) -> None:
        """An hour before the next date, ping the members who asked, once."""
        reminder = await self.routines.claim_reminder(guild.id, routine_id, now)
        if reminder is not None and await post_reminder(self.bot, guild, reminder):
            await self.routines.reminder_sent(reminder.upcoming.occurrence.id, now)

    async def _lapse(self, guild: discord.Guild, routine_id: int, now: dt.datetime) -> bool:
        """Pause the routine when nobody went to its last occurrences: their "Interested"
        lists are read once more first, so a late "Interested" still counts. True when this
        process paused it."""
        candidates = await self.routines.lapse_candidates(guild.id, routine_id, now)
        if not candidates:
            return False
        for occurrence in candidates:
            if occurrence.event_id is None:
                continue
            try:
                member_ids = await interested_ids(self.bot, guild.id, occurrence.event_id)
            except discord.NotFound:
                continue  # deleted since: nobody can be read as going
            except discord.HTTPException as exc:
                log.info("could not read who was interested in routine %s: %s", routine_id, exc)
                return False  # decided at a later round
            if member_ids:
                await self.routines.sync_interested(guild.id, routine_id, occurrence.id, member_ids)
        paused = await self.routines.pause(guild.id, routine_id, now)
        if paused is None:
            return False
        upcoming, with_events = paused
        for occurrence in with_events:
            assert occurrence.event_id is not None
            await cancel_event(self.bot, guild, occurrence.event_id)
        await refresh_card(self.bot, guild, upcoming)
        return True

    async def _count_interested(
        self, guild: discord.Guild, routine_id: int, now: dt.datetime
    ) -> None:
        """Every INTERESTED_SYNC, count the next event's "Interested" list, and show it on
        the card when the number going changed."""
        upcoming = await self.routines.upcoming(guild.id, routine_id, now)
        occurrence = upcoming.occurrence
        if occurrence.event_id is None:
            return
        last = self._interested_read.get(occurrence.id)
        if last is not None and now - last < INTERESTED_SYNC:
            return
        self._interested_read[occurrence.id] = now
        synced = await sync_interested(self.bot, guild, upcoming)
        if synced.going != upcoming.going or last is None:
            await refresh_card(self.bot, guild, synced)
