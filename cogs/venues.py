"""/venue commands, announcement buttons, and reaction votes on announcements."""

from __future__ import annotations

import asyncio
import logging
import re
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands, ui
from discord.app_commands import Choice, Range
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app import report_error
from bot.domain.errors import DomainError
from bot.domain.guilds import GuildConfig
from bot.domain.ratings import validate_rating
from bot.domain.venues import (
    ADDRESS_MAX,
    CITY_MAX,
    DESCRIPTION_MAX,
    NAME_MAX,
    REASON_MAX,
    URL_MAX,
    VenueDetails,
    VenueDraft,
    validate_proposal,
)
from bot.domain.votes import VoteEvent, VoteWriter, is_vote_emoji
from bot.i18n import language_of, number, t
from cogs.render import (
    hits_pages,
    plain,
    removed_embed,
    venue_embed,
    venue_label,
)
from cogs.views import Confirm, Paginator, RateButton, rate_view, rated_message

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
SORT_CHOICES = [
    Choice(name=_("Best RIT score"), value="rit"),
    Choice(name=_("Most recent"), value="recent"),
    Choice(name=_("Most votes"), value="votes"),
]
PERIOD_CHOICES = [
    Choice(name=_("This week"), value="week"),
    Choice(name=_("This month"), value="month"),
    Choice(name=_("All time"), value="all"),
]

#: The fields of a venue, as /venue propose and /venue edit name and describe them.
VENUE_OPTIONS = {
    field: _(field) for field in ("name", "kind", "city", "address", "url", "description", "tags")
}
VENUE_DESCRIPTIONS = {
    "name": _("The venue's name"),
    "kind": _("What kind of venue it is"),
    "city": _("The city it is in"),
    "address": _("Street address"),
    "url": _("Web page (http or https)"),
    "description": _("What makes it worth the time"),
    "tags": _("Up to 5 tags, separated by commas"),
}
EDIT_DESCRIPTIONS = {
    **VENUE_DESCRIPTIONS,
    "address": _("Street address (a single space clears it)"),
    "url": _("Web page (a single space clears it)"),
    "description": _("What makes it worth the time (a single space clears it)"),
    "tags": _("Up to 5 tags, separated by commas (a single space clears them)"),
}

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

Interaction = discord.Interaction["BonnesPlaces"]


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


def missing_permissions(
    channel: discord.abc.GuildChannel | discord.Thread, member: discord.Member
) -> list[str]:
    permissions = channel.permissions_for(member)
    return [name for name in ANNOUNCE_PERMISSIONS if not getattr(permissions, name)]


def is_moderator(interaction: discord.Interaction, config: GuildConfig) -> bool:
    """Manage Server, or the guild's moderator role."""
    if interaction.permissions.manage_guild:
        return True
    roles = getattr(interaction.user, "roles", [])
    return config.moderator_role_id is not None and any(
        role.id == config.moderator_role_id for role in roles
    )


def announcement_channel(
    interaction: discord.Interaction, config: GuildConfig
) -> discord.TextChannel | discord.Thread | discord.VoiceChannel:
    """The venue channel, or the channel the command ran in; refuse one the bot can't use."""
    guild = interaction.guild
    assert guild is not None
    channel: Any = (
        guild.get_channel(config.venue_channel_id) if config.venue_channel_id else None
    ) or interaction.channel
    if not isinstance(channel, discord.TextChannel | discord.Thread | discord.VoiceChannel):
        raise DomainError(
            "error.bot_missing_permissions",
            channel=f"<#{interaction.channel_id}>",
            permissions=["view_channel", "send_messages"],
        )
    missing = missing_permissions(channel, guild.me)
    if missing:
        raise DomainError(
            "error.bot_missing_permissions", channel=channel.mention, permissions=missing
        )
    return channel


class ReviewButton(
    ui.DynamicItem[ui.Button[Any]],
    template=r"bp:review:(?P<action>approve|reject):(?P<venue_id>\d+)",
):
    """Approve / Reject on a pending proposal; moderators only."""

    def __init__(self, action: str, venue_id: int, label: str | None = None) -> None:
        super().__init__(
            ui.Button(
                label=label or action,
                style=discord.ButtonStyle.success
                if action == "approve"
                else discord.ButtonStyle.danger,
                custom_id=f"bp:review:{action}:{venue_id}",
            )
        )
        self.action = action
        self.venue_id = venue_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Button[Any], match: re.Match[str]
    ) -> ReviewButton:
        return cls(match["action"], int(match["venue_id"]))

    async def callback(self, interaction: Interaction) -> None:
        try:
            cog = interaction.client.get_cog("Venues")
            assert isinstance(cog, Venues)
            await cog.review(interaction, self.venue_id, approve=self.action == "approve")
        except Exception as exc:
            await report_error(interaction, exc)


def review_view(venue_id: int, language: str) -> ui.View:
    view = ui.View(timeout=None)
    view.add_item(ReviewButton("approve", venue_id, t(language, "review.approve")))
    view.add_item(ReviewButton("reject", venue_id, t(language, "review.reject")))
    return view


async def venue_choices(interaction: Interaction, current: str) -> list[Choice[str]]:
    if interaction.guild_id is None:
        return []
    venues = await interaction.client.services.venues.autocomplete(interaction.guild_id, current)
    return [Choice(name=venue_label(v), value=str(v.id)) for v in venues]


@app_commands.guild_only()
class Venues(
    commands.GroupCog,
    group_name=_("venue"),
    group_description=_("Propose, rate, find and vote on the venues worth your time"),
):
    def __init__(self, bot: BonnesPlaces) -> None:
        self.bot = bot
        self.services = bot.services
        self.venues = bot.services.venues
        self.in_flight = InFlight()
        self.votes = VoteWriter(bot.services.votes, settle=self.in_flight.settled)
        super().__init__()

    async def cog_load(self) -> None:
        self.votes.start()

    async def cog_unload(self) -> None:
        # Every vote received is stored before the bot stops, unless the database is down.
        await self.votes.close(timeout=self.bot.settings.shutdown_timeout)

    @property
    def view_timeout(self) -> float:
        return self.bot.settings.view_timeout

    # -- /venue propose ---------------------------------------------------------------

    @app_commands.command(
        name=_("propose"), description=_("Propose a venue or gathering worth the time")
    )
    @app_commands.rename(**VENUE_OPTIONS)
    @app_commands.describe(**VENUE_DESCRIPTIONS)
    @app_commands.choices(kind=KIND_CHOICES)
    async def propose(
        self,
        interaction: Interaction,
        name: Range[str, 1, NAME_MAX],
        kind: str,
        city: Range[str, 1, CITY_MAX],
        address: Range[str, 1, ADDRESS_MAX] | None = None,
        url: Range[str, 1, URL_MAX] | None = None,
        description: Range[str, 1, DESCRIPTION_MAX] | None = None,
        tags: Range[str, 1, 200] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        draft = validate_proposal(
            name=name,
            kind=kind,
            city=city,
            address=address,
            url=url,
            description=description,
            tags=tags,
        )
        config = await self.services.guilds.config(interaction.guild_id)
        announcement_channel(interaction, config)  # refuse before anything is stored
        similar = await self.venues.similar(interaction.guild_id, draft)
        if not similar:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await self._create(interaction, draft, config)
            return

        language = language_of(interaction.locale)

        async def create_anyway(click: Interaction) -> None:
            await click.response.edit_message(
                content=t(language_of(click.locale), "duplicate.creating"), view=None
            )
            await self._create(click, draft, config)

        listing = "\n".join(
            f"• {plain(v.name)} — {plain(v.city)}" + (f" ({v.jump_url})" if v.jump_url else "")
            for v in similar
        )
        view = Confirm(interaction.user.id, language, create_anyway, timeout=self.view_timeout)
        await interaction.response.send_message(
            t(language, "duplicate.similar", name=plain(draft.name), venues=listing),
            view=view,
            ephemeral=True,
        )
        view.interaction = interaction

    async def _create(
        self, interaction: Interaction, draft: VenueDraft, config: GuildConfig
    ) -> None:
        """Store the proposal and announce it (or submit it for review); the interaction
        has been acknowledged, so the outcome is a followup."""
        guild = interaction.guild
        assert guild is not None
        channel = announcement_channel(interaction, config)
        language = config.post_language(interaction.guild_locale or guild.preferred_locale)
        pending = config.moderation
        async with self.in_flight.hold(guild.id):
            venue = await self.venues.propose(guild.id, interaction.user.id, draft, pending=pending)
            details = VenueDetails(venue=venue, tags=draft.tags)
            try:
                if pending:
                    message = await channel.send(
                        embed=venue_embed(language, details, announcement=True, pending=True),
                        view=review_view(venue.id, language),
                    )
                else:
                    message = await channel.send(
                        embed=venue_embed(language, details, announcement=True),
                        view=rate_view(venue.id, language),
                    )
            except discord.HTTPException as exc:
                log.warning("announcement of venue %s failed: %s", venue.id, exc)
                await self.venues.discard(guild.id, venue.id)
                raise DomainError("error.announcement_failed", channel=channel.mention) from exc
            await self.venues.set_announcement(guild.id, venue.id, channel.id, message.id)
        if not pending:
            await self._add_vote_reactions(message)
        key = "venue.pending" if pending else "venue.proposed"
        await interaction.followup.send(
            t(language_of(interaction.locale), key, name=plain(venue.name), link=message.jump_url),
            ephemeral=True,
        )

    async def _add_vote_reactions(self, message: discord.Message | discord.PartialMessage) -> None:
        for emoji in VOTE_REACTIONS:
            try:
                await message.add_reaction(emoji)
            except discord.HTTPException as exc:
                log.warning("could not add %s to announcement %s: %s", emoji, message.id, exc)

    async def review(self, interaction: Interaction, venue_id: int, *, approve: bool) -> None:
        assert interaction.guild_id is not None and interaction.guild is not None
        config = await self.services.guilds.config(interaction.guild_id)
        if not is_moderator(interaction, config):
            raise DomainError("error.moderators_only")
        details = await self.venues.review(interaction.guild_id, venue_id, approve=approve)
        language = config.post_language(
            interaction.guild_locale or interaction.guild.preferred_locale
        )
        if approve:
            await interaction.response.edit_message(
                embed=venue_embed(language, details, announcement=True),
                view=rate_view(venue_id, language),
            )
            if interaction.message is not None:
                await self._add_vote_reactions(interaction.message)
        else:
            await interaction.response.edit_message(
                embed=removed_embed(language, details, rejected=True), view=None
            )

    # -- /venue rate ------------------------------------------------------------------

    @app_commands.command(name=_("rate"), description=_("Rate a venue: was it worth your time?"))
    @app_commands.rename(
        venue=_("venue"),
        worth=_("worth"),
        hours=_("hours"),
        substance=_("substance"),
        experience=_("experience"),
        connections=_("connections"),
        comment=_("comment"),
    )
    @app_commands.describe(
        venue=_("The venue (start typing to search)"),
        worth=_("Was it worth the time you invested? 1 to 5"),
        hours=_("Hours it took, travel included"),
        substance=_("Did you hear substance? 1 to 5"),
        experience=_("Real experience rather than promises? 1 to 5"),
        connections=_("Valuable new connections? 1 to 5"),
        comment=_("What you would tell a colleague (shown without your name)"),
    )
    @app_commands.autocomplete(venue=venue_choices)
    async def rate(
        self,
        interaction: Interaction,
        venue: Range[str, 1, NAME_MAX],
        worth: Range[int, 1, 5],
        hours: Range[float, 0.25, 24.0],
        substance: Range[int, 1, 5] | None = None,
        experience: Range[int, 1, 5] | None = None,
        connections: Range[int, 1, 5] | None = None,
        comment: Range[str, 1, 500] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        rating = validate_rating(
            worth=worth,
            hours=hours,
            substance=substance,
            experience=experience,
            connections=connections,
            comment=comment,
        )
        outcome = await self.services.ratings.rate(
            interaction.guild_id, venue, interaction.user.id, rating
        )
        await interaction.response.send_message(
            rated_message(language_of(interaction.locale), outcome), ephemeral=True
        )

    # -- /venue show ------------------------------------------------------------------

    @app_commands.command(name=_("show"), description=_("Show a venue with its votes"))
    @app_commands.rename(venue=_("venue"))
    @app_commands.describe(venue=_("The venue (start typing to search)"))
    @app_commands.autocomplete(venue=venue_choices)
    async def show(self, interaction: Interaction, venue: Range[str, 1, NAME_MAX]) -> None:
        assert interaction.guild_id is not None
        details = await self.venues.details(interaction.guild_id, venue)
        await interaction.response.send_message(
            embed=venue_embed(language_of(interaction.locale), details)
        )

    # -- /venue search and /venue top ------------------------------------------------

    @app_commands.command(name=_("search"), description=_("Search the venues"))
    @app_commands.rename(
        query=_("query"), city=_("city"), kind=_("kind"), tag=_("tag"), sort=_("sort")
    )
    @app_commands.describe(
        query=_("Words to look for in names, cities, descriptions and tags"),
        city=_("Only in this city"),
        kind=_("Only this kind"),
        tag=_("Only with this tag"),
        sort=_("Order of the results"),
    )
    @app_commands.choices(kind=KIND_CHOICES, sort=SORT_CHOICES)
    async def search(
        self,
        interaction: Interaction,
        query: Range[str, 1, 100] | None = None,
        city: Range[str, 1, CITY_MAX] | None = None,
        kind: str | None = None,
        tag: Range[str, 1, 24] | None = None,
        sort: str = "rit",
    ) -> None:
        assert interaction.guild_id is not None
        hits = await self.services.search.search(
            interaction.guild_id, query=query, city=city, kind=kind, tag=tag, sort=sort
        )
        language = language_of(interaction.locale)
        await self._send_pages(interaction, language, hits, "search.title", "search.empty")

    @app_commands.command(name=_("top"), description=_("The best venues by RIT score"))
    @app_commands.rename(city=_("city"), kind=_("kind"), period=_("period"))
    @app_commands.describe(
        city=_("Only in this city"),
        kind=_("Only this kind"),
        period=_("Ratings from this period"),
    )
    @app_commands.choices(kind=KIND_CHOICES, period=PERIOD_CHOICES)
    async def top(
        self,
        interaction: Interaction,
        city: Range[str, 1, CITY_MAX] | None = None,
        kind: str | None = None,
        period: str = "all",
    ) -> None:
        assert interaction.guild_id is not None
        hits = await self.services.search.top(
            interaction.guild_id, city=city, kind=kind, period=period
        )
        language = language_of(interaction.locale)
        await self._send_pages(interaction, language, hits, f"top.title.{period}", "top.empty")

    async def _send_pages(
        self,
        interaction: Interaction,
        language: str,
        hits: list[Any],
        title_key: str,
        empty_key: str,
    ) -> None:
        if not hits:
            await interaction.response.send_message(t(language, empty_key), ephemeral=True)
            return
        pages = hits_pages(language, hits, t(language, title_key))
        if len(pages) == 1:
            await interaction.response.send_message(embed=pages[0], ephemeral=True)
            return
        view = Paginator(interaction.user.id, pages, language, timeout=self.view_timeout)
        await interaction.response.send_message(embed=view.page, view=view, ephemeral=True)
        view.interaction = interaction

    # -- /venue edit and /venue remove ------------------------------------------------

    @app_commands.command(name=_("edit"), description=_("Edit a venue you proposed"))
    @app_commands.rename(venue=_("venue"), **VENUE_OPTIONS)
    @app_commands.describe(venue=_("The venue (start typing to search)"), **EDIT_DESCRIPTIONS)
    @app_commands.choices(kind=KIND_CHOICES)
    @app_commands.autocomplete(venue=venue_choices)
    async def edit(
        self,
        interaction: Interaction,
        venue: Range[str, 1, NAME_MAX],
        name: Range[str, 1, NAME_MAX] | None = None,
        kind: str | None = None,
        city: Range[str, 1, CITY_MAX] | None = None,
        address: Range[str, 1, ADDRESS_MAX] | None = None,
        url: Range[str, 1, URL_MAX] | None = None,
        description: Range[str, 1, DESCRIPTION_MAX] | None = None,
        tags: Range[str, 1, 200] | None = None,
    ) -> None:
        assert interaction.guild_id is not None and interaction.guild is not None
        config = await self.services.guilds.config(interaction.guild_id)
        changes = {
            "name": name,
            "kind": kind,
            "city": city,
            "address": address,
            "url": url,
            "description": description,
            "tags": tags,
        }
        details = await self.venues.edit(
            interaction.guild_id,
            venue,
            interaction.user.id,
            changes,
            is_moderator=is_moderator(interaction, config),
        )
        language = config.post_language(
            interaction.guild_locale or interaction.guild.preferred_locale
        )
        if details.venue.status == "active":
            await self._edit_announcement(
                details,
                embed=venue_embed(language, details, announcement=True),
                view=rate_view(details.venue.id, language),
            )
        await interaction.response.send_message(
            t(language_of(interaction.locale), "venue.edited", name=plain(details.venue.name)),
            ephemeral=True,
        )

    @app_commands.command(name=_("remove"), description=_("Remove a venue you proposed"))
    @app_commands.rename(venue=_("venue"), reason=_("reason"))
    @app_commands.describe(
        venue=_("The venue (start typing to search)"),
        reason=_("Why it is removed (shown on the announcement)"),
    )
    @app_commands.autocomplete(venue=venue_choices)
    async def remove(
        self,
        interaction: Interaction,
        venue: Range[str, 1, NAME_MAX],
        reason: Range[str, 1, REASON_MAX] | None = None,
    ) -> None:
        assert interaction.guild_id is not None and interaction.guild is not None
        config = await self.services.guilds.config(interaction.guild_id)
        details = await self.venues.remove(
            interaction.guild_id,
            venue,
            interaction.user.id,
            reason,
            is_moderator=is_moderator(interaction, config),
        )
        language = config.post_language(
            interaction.guild_locale or interaction.guild.preferred_locale
        )
        await self._edit_announcement(details, embed=removed_embed(language, details), view=None)
        await interaction.response.send_message(
            t(language_of(interaction.locale), "venue.removed", name=plain(details.venue.name)),
            ephemeral=True,
        )

    async def _edit_announcement(self, details: VenueDetails, **fields: Any) -> None:
        venue = details.venue
        if venue.announcement_channel_id is None or venue.announcement_message_id is None:
            return
        channel = self.bot.get_partial_messageable(
            venue.announcement_channel_id, guild_id=venue.guild_id
        )
        try:
            await channel.get_partial_message(venue.announcement_message_id).edit(**fields)
        except discord.HTTPException as exc:
            log.warning("could not update the announcement of venue %s: %s", venue.id, exc)

    # -- /venue visit -----------------------------------------------------------------

    @app_commands.command(name=_("visit"), description=_("Log a visit to a venue"))
    @app_commands.rename(venue=_("venue"), date=_("date"), hours=_("hours"))
    @app_commands.describe(
        venue=_("The venue (start typing to search)"),
        date=_("When, as YYYY-MM-DD (default: today)"),
        hours=_("Hours it took, travel included"),
    )
    @app_commands.autocomplete(venue=venue_choices)
    async def visit(
        self,
        interaction: Interaction,
        venue: Range[str, 1, NAME_MAX],
        date: Range[str, 1, 10] | None = None,
        hours: Range[float, 0.25, 24.0] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        outcome = await self.services.visits.log(
            interaction.guild_id,
            venue,
            interaction.user.id,
            date=date,
            hours=None if hours is None else str(hours),
        )
        language = language_of(interaction.locale)
        await interaction.response.send_message(
            t(
                language,
                "visit.logged" if outcome.created else "visit.updated",
                name=plain(outcome.venue.name),
                date=outcome.visited_on.isoformat(),
                hours=number(language, outcome.hours, 2),
            ),
            ephemeral=True,
        )

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
        if is_vote_emoji(emoji):
            self.votes.submit(
                VoteEvent(payload.guild_id, payload.message_id, payload.user_id, emoji, added)
            )


async def setup(bot: BonnesPlaces) -> None:
    bot.add_dynamic_items(RateButton, ReviewButton)
    await bot.add_cog(Venues(bot))
