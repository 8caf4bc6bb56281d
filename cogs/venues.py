"""/venue commands and reaction votes on announcements."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import Choice, Range
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.domain.errors import DomainError
from bot.domain.venues import (
    ADDRESS_MAX,
    CITY_MAX,
    DESCRIPTION_MAX,
    NAME_MAX,
    URL_MAX,
    VenueDetails,
    validate_proposal,
)
from bot.i18n import language_of, t
from cogs.render import plain, venue_embed, venue_label

if TYPE_CHECKING:
    from bot.app import BonnesPlaces

log = logging.getLogger(__name__)

KIND_CHOICES = [
    Choice(name=_("Meetup"), value="meetup"),
    Choice(name=_("Conference"), value="conference"),
    Choice(name=_("Seminar"), value="seminar"),
    Choice(name=_("Afterwork"), value="afterwork"),
    Choice(name=_("Coworking space"), value="coworking"),
    Choice(name=_("Association"), value="association"),
    Choice(name=_("Workshop"), value="workshop"),
    Choice(name=_("Other"), value="other"),
]

ANNOUNCE_PERMISSIONS = (
    "view_channel",
    "send_messages",
    "embed_links",
    "add_reactions",
    "read_message_history",
)
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


class KeyedLocks:
    """One FIFO lock per key, dropped when unused.

    discord.py runs each gateway event in its own task, in arrival order. Taking the
    member's lock before the first await keeps their add/remove events for one message in
    that order, so the stored vote is always the one of their last event, even when the
    database runs the transactions on several connections.
    """

    def __init__(self) -> None:
        self._locks: dict[tuple[int, ...], asyncio.Lock] = {}
        self._users: defaultdict[tuple[int, ...], int] = defaultdict(int)

    @asynccontextmanager
    async def hold(self, *key: int) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] += 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key]
                del self._locks[key]


def missing_permissions(
    channel: discord.abc.GuildChannel | discord.Thread, member: discord.Member
) -> list[str]:
    permissions = channel.permissions_for(member)
    return [name for name in ANNOUNCE_PERMISSIONS if not getattr(permissions, name)]


@app_commands.guild_only()
class Venues(
    commands.GroupCog,
    group_name=_("venue"),
    group_description=_("Propose, show and vote on the venues worth your time"),
):
    def __init__(self, bot: BonnesPlaces) -> None:
        self.bot = bot
        self.venues = bot.services.venues
        self.guilds = bot.services.guilds
        self.in_flight = InFlight()
        self.vote_order = KeyedLocks()
        super().__init__()

    # -- /venue propose ---------------------------------------------------------------

    @app_commands.command(
        name=_("propose"), description=_("Propose a venue or gathering worth the time")
    )
    @app_commands.rename(
        name=_("name"),
        kind=_("kind"),
        city=_("city"),
        address=_("address"),
        url=_("url"),
        description=_("description"),
        tags=_("tags"),
    )
    @app_commands.describe(
        name=_("The venue's name"),
        kind=_("What kind of venue it is"),
        city=_("The city it is in"),
        address=_("Street address"),
        url=_("Web page (http or https)"),
        description=_("What makes it worth the time"),
        tags=_("Up to 5 tags, separated by commas"),
    )
    @app_commands.choices(kind=KIND_CHOICES)
    async def propose(
        self,
        interaction: discord.Interaction[BonnesPlaces],
        name: Range[str, 1, NAME_MAX],
        kind: str,
        city: Range[str, 1, CITY_MAX],
        address: Range[str, 1, ADDRESS_MAX] | None = None,
        url: Range[str, 1, URL_MAX] | None = None,
        description: Range[str, 1, DESCRIPTION_MAX] | None = None,
        tags: Range[str, 1, 200] | None = None,
    ) -> None:
        assert interaction.guild is not None and interaction.guild_id is not None
        draft = validate_proposal(
            name=name,
            kind=kind,
            city=city,
            address=address,
            url=url,
            description=description,
            tags=tags,
        )
        guild = interaction.guild
        config = await self.guilds.config(guild.id)
        channel = (
            guild.get_channel(config.venue_channel_id) if config.venue_channel_id else None
        ) or interaction.channel
        if not isinstance(channel, discord.abc.Messageable) or isinstance(
            channel, discord.PartialMessageable
        ):
            raise DomainError(
                "error.bot_missing_permissions",
                channel=f"<#{interaction.channel_id}>",
                permissions=list(ANNOUNCE_PERMISSIONS[:2]),
            )
        missing = missing_permissions(channel, guild.me)  # type: ignore[arg-type]
        if missing:
            raise DomainError(
                "error.bot_missing_permissions", channel=channel.mention, permissions=missing
            )

        await interaction.response.defer(ephemeral=True, thinking=True)
        language = config.post_language(interaction.guild_locale or guild.preferred_locale)
        async with self.in_flight.hold(guild.id):
            venue = await self.venues.propose(guild.id, interaction.user.id, draft)
            embed = venue_embed(
                language, VenueDetails(venue=venue, tags=draft.tags), announcement=True
            )
            try:
                message = await channel.send(embed=embed)
            except discord.HTTPException as exc:
                log.warning("announcement of venue %s failed: %s", venue.id, exc)
                await self.venues.discard(guild.id, venue.id)
                raise DomainError("error.announcement_failed", channel=channel.mention) from exc
            await self.venues.set_announcement(guild.id, venue.id, channel.id, message.id)
        for emoji in VOTE_REACTIONS:
            try:
                await message.add_reaction(emoji)
            except discord.HTTPException as exc:
                log.warning("could not add %s to announcement %s: %s", emoji, message.id, exc)
        await interaction.followup.send(
            t(
                language_of(interaction.locale),
                "venue.proposed",
                name=plain(venue.name),
                link=message.jump_url,
            ),
            ephemeral=True,
        )

    # -- /venue show ------------------------------------------------------------------

    @app_commands.command(name=_("show"), description=_("Show a venue with its votes"))
    @app_commands.rename(venue=_("venue"))
    @app_commands.describe(venue=_("The venue (start typing to search)"))
    async def show(
        self, interaction: discord.Interaction[BonnesPlaces], venue: Range[str, 1, NAME_MAX]
    ) -> None:
        assert interaction.guild_id is not None
        details = await self.venues.details(interaction.guild_id, venue)
        await interaction.response.send_message(
            embed=venue_embed(language_of(interaction.locale), details)
        )

    @show.autocomplete("venue")
    async def venue_autocomplete(
        self, interaction: discord.Interaction[BonnesPlaces], current: str
    ) -> list[Choice[str]]:
        if interaction.guild_id is None:
            return []
        venues = await self.venues.autocomplete(interaction.guild_id, current)
        return [Choice(name=venue_label(v), value=str(v.id)) for v in venues]

    # -- votes ------------------------------------------------------------------------

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
        if emoji not in VOTE_REACTIONS:
            return
        args = (payload.guild_id, payload.message_id, payload.user_id, emoji)
        async with self.vote_order.hold(payload.message_id, payload.user_id):
            outcome = await self.venues.record_vote(*args, added=added)
            if outcome is None and await self.in_flight.settled(payload.guild_id):
                await self.venues.record_vote(*args, added=added)


async def setup(bot: BonnesPlaces) -> None:
    await bot.add_cog(Venues(bot))
