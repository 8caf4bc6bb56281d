"""The /venue commands: propose, rate, show, search, top, edit, remove, visit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from discord import app_commands
from discord.app_commands import Range
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.domain.errors import InvalidInput
from bot.domain.guilds import GuildConfig
from bot.domain.ratings import validate_rating
from bot.domain.search import VenueHit
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
from bot.i18n import language_of, t
from cogs.common import Interaction
from cogs.common.options import (
    EditableVenueOption,
    VenueIdOption,
    VenueOption,
    options,
    venue_parameter,
)
from cogs.common.permissions import is_moderator
from cogs.common.rating import rate_view, rated_message
from cogs.common.render import plain
from cogs.common.views import Confirm, Page, Paginator
from cogs.venues.announcements import announce, announcement_channel, edit_announcement
from cogs.venues.options import (
    EDIT_DESCRIPTIONS,
    KIND_CHOICES,
    PERIOD_CHOICES,
    SORT_CHOICES,
    VENUE_DESCRIPTIONS,
    VENUE_OPTIONS,
)
from cogs.venues.render import HitLine, hits_page, page_count, removed_embed, venue_embed
from cogs.venues.review import post_edit_review, review_view
from cogs.venues.votes import InFlight
from db.repositories import VenueRecord

if TYPE_CHECKING:
    from bot.app import BonnesPlaces


@app_commands.guild_only()
class Venues(
    commands.GroupCog,
    group_name=_("venue"),
    group_description=_("Propose, rate, find and vote on the venues worth your time"),
):
    def __init__(self, bot: BonnesPlaces, in_flight: InFlight) -> None:
        self.bot = bot
        self.services = bot.services
        self.venues = bot.services.venues
        self.in_flight = in_flight
        super().__init__()

    @property
    def view_timeout(self) -> float:
        return self.bot.settings.view_timeout

    def _post_language(self, interaction: Interaction, config: GuildConfig) -> str:
        """The language of the guild's posts (announcements), not of the member."""
        assert interaction.guild is not None
        return config.post_language(interaction.guild_locale or interaction.guild.preferred_locale)

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
        config, similar = await self.venues.check_proposal(
            interaction.guild_id, interaction.user.id, draft
        )
        announcement_channel(interaction, config)  # refuse before anything is stored
        if not similar:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await announce(interaction, draft, config, self.in_flight)
            return
        await self._confirm_similar(interaction, draft, config, similar)

    async def _confirm_similar(
        self,
        interaction: Interaction,
        draft: VenueDraft,
        config: GuildConfig,
        similar: list[VenueRecord],
    ) -> None:
        """Show the venues like the draft and propose it only if the member confirms."""
        language = language_of(interaction.locale)

        async def create_anyway(click: Interaction) -> None:
            assert click.guild_id is not None
            await click.response.edit_message(
                content=t(language_of(click.locale), "duplicate.creating"), view=None
            )
            # The settings may have changed (moderation turned on) since the question.
            current = await self.services.guilds.config(click.guild_id)
            await announce(click, draft, current, self.in_flight)

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

    # -- /venue rate and /venue show ---------------------------------------------------

    @app_commands.command(name=_("rate"), description=_("Rate a venue: was it worth your time?"))
    @venue_parameter
    @options(
        worth="Was it worth the time you invested? 1 to 5",
        hours="Hours it took, travel included: 1.5, 1h30, 90min",
        substance="Did you hear substance? 1 to 5",
        experience="Real experience rather than promises? 1 to 5",
        connections="Valuable new connections? 1 to 5",
        comment="What you would tell a colleague (shown without your name)",
    )
    async def rate(
        self,
        interaction: Interaction,
        venue: VenueIdOption,
        worth: Range[int, 1, 5],
        hours: Range[str, 1, 10],
        substance: Range[int, 1, 5] | None = None,
        experience: Range[int, 1, 5] | None = None,
        connections: Range[int, 1, 5] | None = None,
        comment: Range[str, 1, 500] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        try:
            rating = validate_rating(
                worth=worth,
                hours=hours,
                substance=substance,
                experience=experience,
                connections=connections,
                comment=comment,
            )
        except InvalidInput:
            # A venue that cannot be rated is what the member hears first.
            await self.venues.resolve(interaction.guild_id, str(venue))
            raise
        outcome = await self.services.ratings.rate(
            interaction.guild_id, venue, interaction.user.id, rating, named=True
        )
        await interaction.response.send_message(
            rated_message(language_of(interaction.locale), outcome, rating), ephemeral=True
        )

    @app_commands.command(name=_("show"), description=_("Show a venue with its votes"))
    @venue_parameter
    async def show(self, interaction: Interaction, venue: VenueIdOption) -> None:
        assert interaction.guild_id is not None
        details = await self.venues.details_named(interaction.guild_id, venue)
        await interaction.response.send_message(
            embed=venue_embed(language_of(interaction.locale), details)
        )

    # -- /venue search and /venue top ------------------------------------------------

    @app_commands.command(name=_("search"), description=_("Search the venues"))
    @options(
        query="Words to look for in names, cities, descriptions and tags",
        city="Only in this city",
        kind="Only this kind",
        tag="Only with this tag",
        sort="Order of the results",
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
        guild_id = interaction.guild_id
        assert guild_id is not None

        def read() -> Awaitable[list[VenueHit]]:
            return self.services.search.search(
                guild_id, query=query, city=city, kind=kind, tag=tag, sort=sort
            )

        language = language_of(interaction.locale)
        await self._send_pages(interaction, language, read, "search.title", "search.empty")

    @app_commands.command(name=_("top"), description=_("The venues most worth the time they take"))
    @options(city="Only in this city", kind="Only this kind", period="Ratings from this period")
    @app_commands.choices(kind=KIND_CHOICES, period=PERIOD_CHOICES)
    async def top(
        self,
        interaction: Interaction,
        city: Range[str, 1, CITY_MAX] | None = None,
        kind: str | None = None,
        period: str = "all",
    ) -> None:
        guild_id = interaction.guild_id
        assert guild_id is not None

        def read() -> Awaitable[list[VenueHit]]:
            return self.services.search.top(guild_id, city=city, kind=kind, period=period)

        language = language_of(interaction.locale)
        empty = "top.empty.filtered" if kind or city else "top.empty"
        await self._send_pages(interaction, language, read, f"top.title.{period}", empty)

    async def _send_pages(
        self,
        interaction: Interaction,
        language: str,
        read: Callable[[], Awaitable[list[VenueHit]]],
        title_key: str,
        empty_key: str,
    ) -> None:
        """The results' first page; beyond one page, buttons that read them again."""
        hits = await read()
        if not hits:
            await interaction.response.send_message(t(language, empty_key), ephemeral=True)
            return
        title = t(language, title_key)
        lines = [HitLine.of(hit) for hit in hits]
        count = page_count(lines)
        first = hits_page(language, lines, title, 0)
        if count == 1:
            await interaction.response.send_message(embed=first, ephemeral=True)
            return

        async def turn(index: int) -> Page:
            again = [HitLine.of(hit) for hit in await read()]
            count = page_count(again)
            index = min(index, count - 1)
            return Page(hits_page(language, again, title, index), index, count)

        view = Paginator(interaction.user.id, count, turn, language, timeout=self.view_timeout)
        await interaction.response.send_message(embed=first, view=view, ephemeral=True)
        view.interaction = interaction

    # -- /venue edit and /venue remove ------------------------------------------------

    @app_commands.command(name=_("edit"), description=_("Edit a venue you proposed"))
    @venue_parameter
    @app_commands.rename(**VENUE_OPTIONS)
    @app_commands.describe(**EDIT_DESCRIPTIONS)
    @app_commands.choices(kind=KIND_CHOICES)
    async def edit(
        self,
        interaction: Interaction,
        venue: EditableVenueOption,
        name: Range[str, 1, NAME_MAX] | None = None,
        kind: str | None = None,
        city: Range[str, 1, CITY_MAX] | None = None,
        address: Range[str, 1, ADDRESS_MAX] | None = None,
        url: Range[str, 1, URL_MAX] | None = None,
        description: Range[str, 1, DESCRIPTION_MAX] | None = None,
        tags: Range[str, 1, 200] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
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
            venue.id,
            interaction.user.id,
            changes,
            is_moderator=is_moderator(interaction, config),
            moderation=config.moderation,
        )
        language = self._post_language(interaction, config)
        if details.review_key is not None:
            await post_edit_review(self.bot, details, details.review_key, language)
            await interaction.response.send_message(
                t(
                    language_of(interaction.locale),
                    "venue.edit_pending",
                    name=plain(details.venue.name),
                ),
                ephemeral=True,
            )
            return
        await self._show_edited(details, language)
        await interaction.response.send_message(
            t(language_of(interaction.locale), "venue.edited", name=plain(details.venue.name)),
            ephemeral=True,
        )

    async def _show_edited(self, details: VenueDetails, language: str) -> None:
        """The announcement (or the review card) shows the venue as edited."""
        if details.venue.status == "active":
            await edit_announcement(
                self.bot,
                details,
                embed=venue_embed(language, details, announcement=True, edited=True),
                view=rate_view(details.venue.id, language),
            )
        elif details.venue.status == "pending":
            # The review card shows the stored state, which is what Approve publishes.
            await edit_announcement(
                self.bot,
                details,
                embed=venue_embed(language, details, announcement=True, pending=True),
                view=review_view(details.venue.id, language),
            )

    @app_commands.command(name=_("remove"), description=_("Remove a venue you proposed"))
    @venue_parameter
    @options(reason="Why it is removed (shown on the announcement)")
    async def remove(
        self,
        interaction: Interaction,
        venue: EditableVenueOption,
        reason: Range[str, 1, REASON_MAX] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        config = await self.services.guilds.config(interaction.guild_id)
        details = await self.venues.remove(
            interaction.guild_id,
            venue.id,
            interaction.user.id,
            reason,
            is_moderator=is_moderator(interaction, config),
        )
        language = self._post_language(interaction, config)
        await edit_announcement(
            self.bot, details, embed=removed_embed(language, details), view=None
        )
        await interaction.response.send_message(
            t(language_of(interaction.locale), "venue.removed", name=plain(details.venue.name)),
            ephemeral=True,
        )

    # -- /venue visit -----------------------------------------------------------------

    @app_commands.command(name=_("visit"), description=_("Log a visit to a venue"))
    @venue_parameter
    @options(
        date="When, e.g. 29/11 or yesterday (default: today)",
        hours="Hours it took, travel included: 1.5, 1h30, 90min",
    )
    async def visit(
        self,
        interaction: Interaction,
        venue: VenueOption,
        date: Range[str, 1, 20] | None = None,
        hours: Range[str, 1, 10] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        outcome = await self.services.visits.log(
            interaction.guild_id,
            venue.id,
            interaction.user.id,
            date=date,
            hours=hours,
        )
        language = language_of(interaction.locale)
        await interaction.response.send_message(
            t(
                language,
                "visit.logged" if outcome.created else "visit.updated",
                name=plain(outcome.venue.name),
                date=outcome.visited_on,
                hours=outcome.hours,
            ),
            ephemeral=True,
        )
