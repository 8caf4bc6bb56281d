"""Reaction votes on announcements: the 👍/👎 the bot adds, and the listener that records
members' reactions through the vote writer."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.domain.votes import VoteEvent, VoteWriter, is_vote_emoji
from cogs.venues.reconcile import Reconciler

if TYPE_CHECKING:
    from bot.app import BonnesPlaces

log = logging.getLogger(__name__)

VOTE_REACTIONS = ("👍", "👎")
#: How long a reaction on a not-yet-recorded announcement waits for the proposal to finish.
ANNOUNCEMENT_SETTLE_SECONDS = 10.0


class InFlight:
    """Announcements being posted, per guild.

    A member can react to an announcement in the instant between Discord accepting it and
    the bot recording its message id. A vote that finds no venue waits for the guild's
    announcements in flight to settle, then looks again, so it is not lost.
    """

    def __init__(self) -> None:
        self._count: defaultdict[int, int] = defaultdict(int)
        self._settled: dict[int, asyncio.Event] = {}

    @asynccontextmanager
    async def hold(self, guild_id: int) -> AsyncIterator[None]:
        self._count[guild_id] += 1
        self._settled.setdefault(guild_id, asyncio.Event()).clear()
        try:
            yield
        finally:
            self._count[guild_id] -= 1
            if not self._count[guild_id]:
                del self._count[guild_id]
                self._settled.pop(guild_id).set()

    async def settled(self, guild_id: int) -> bool:
        """Wait for the guild's announcements in flight; False when there were none."""
        event = self._settled.get(guild_id)
        if event is None:
            return False
        try:
            await asyncio.wait_for(event.wait(), ANNOUNCEMENT_SETTLE_SECONDS)
        except TimeoutError:
            log.warning("announcement in guild %s still in flight after a reaction", guild_id)
        return True


async def add_vote_reactions(message: discord.Message | discord.PartialMessage) -> None:
    for emoji in VOTE_REACTIONS:
        try:
            await message.add_reaction(emoji)
        except discord.HTTPException as exc:
            log.warning("could not add %s to announcement %s: %s", emoji, message.id, exc)


class VenueVotes(commands.Cog):
    """Hands every vote reaction to the writer, which batches them into the database."""

    def __init__(self, bot: BonnesPlaces, in_flight: InFlight) -> None:
        self.bot = bot
        self.votes = VoteWriter(
            bot.services.votes,
            settle=in_flight.settled,
            overflow=self._overflow,
            on_stored=bot.metrics.votes_stored,
        )
        bot.metrics.watch_vote_queue(self.votes.queue.qsize)
        self.reconciler = Reconciler(bot, self.votes, bot.settings.reconcile_days)
        super().__init__()

    def _overflow(self, event: VoteEvent) -> None:
        self.reconciler.mark(event)

    async def cog_load(self) -> None:
        self.votes.start()
        self.reconciler.start()

    async def cog_unload(self) -> None:
        await self.reconciler.close()
        # Every vote received is stored before the bot stops, unless the database is down.
        await self.votes.close(timeout=self.bot.settings.shutdown_timeout)

    @commands.Cog.listener()
    async def on_shard_ready(self, shard_id: int) -> None:
        self.reconciler.request(shard_id)

    @commands.Cog.listener()
    async def on_shard_resumed(self, shard_id: int) -> None:
        self.reconciler.request(shard_id)

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        if payload.member is not None and payload.member.bot:
            return
        await self._vote(payload, added=True)

    @commands.Cog.listener()
    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        await self._vote(payload, added=False)

    async def _vote(self, payload: discord.RawReactionActionEvent, *, added: bool) -> None:
        if payload.guild_id is None or self.bot.user is None:
            return
        if payload.user_id == self.bot.user.id:
            return
        emoji = str(payload.emoji)
        if is_vote_emoji(emoji):
            self.votes.submit(
                VoteEvent(
                    payload.guild_id,
                    payload.message_id,
                    payload.user_id,
                    emoji,
                    added,
                    received_at=time.monotonic(),
                )
            )
