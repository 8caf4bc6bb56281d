"""Reaction votes on announcements: the 👍/👎 the bot adds, and the listener that records
members' reactions through the vote writer."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

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
        #: discord.py's reaction parsers, while this cog reads vote reactions itself.
        self._parsers: dict[str, Callable[[dict[str, Any]], None]] = {}
        super().__init__()

    def _overflow(self, event: VoteEvent) -> None:
        self.reconciler.mark(event)

    async def cog_load(self) -> None:
        self.votes.start()
        self.reconciler.start()
        self._take_reactions()

    async def cog_unload(self) -> None:
        self._give_back_reactions()
        await self.reconciler.close()
        # Every vote received is stored before the bot stops, unless the database is down.
        await self.votes.close(timeout=self.bot.settings.shutdown_timeout)

    @commands.Cog.listener()
    async def on_shard_ready(self, shard_id: int) -> None:
        self.reconciler.request(shard_id)

    @commands.Cog.listener()
    async def on_shard_resumed(self, shard_id: int) -> None:
        self.reconciler.request(shard_id)

    def _take_reactions(self) -> None:
        """Read vote reactions straight from the gateway payload (see `_reaction`)."""
        parsers = self.bot._connection.parsers
        for event, added in (("MESSAGE_REACTION_ADD", True), ("MESSAGE_REACTION_REMOVE", False)):
            original = parsers[event]
            self._parsers[event] = original
            parsers[event] = functools.partial(self._reaction, original, added)

    def _give_back_reactions(self) -> None:
        self.bot._connection.parsers.update(self._parsers)
        self._parsers.clear()

    def _reaction(
        self, original: Callable[[dict[str, Any]], None], added: bool, data: dict[str, Any]
    ) -> None:
        """A gateway reaction event: a vote goes to the writer from the payload itself.

        discord.py would build an emoji, a raw event and, for an add, a Member from the
        payload, then schedule a task for the listener: most of the bot's time per vote in
        a storm (docs/benchmarks.md). A vote needs only the ids, the emoji and whether the
        member is a bot. Any other reaction goes to discord.py's parser as before."""
        emoji = data.get("emoji") or {}
        name = str(emoji.get("name") or "")
        guild_id = data.get("guild_id")
        user = self.bot.user
        if emoji.get("id") is not None or not is_vote_emoji(name) or guild_id is None:
            original(data)
            return
        member = data.get("member")
        if member is not None and member.get("user", {}).get("bot"):
            return
        member_id = int(data["user_id"])
        if user is None or member_id == user.id:
            return
        self.votes.submit(
            VoteEvent(
                int(guild_id),
                int(data["message_id"]),
                member_id,
                name,
                added,
                received_at=time.monotonic(),
            )
        )
