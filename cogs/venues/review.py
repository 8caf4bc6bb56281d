"""Moderation of proposals: the Approve / Reject buttons on a pending announcement."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord import ui

from bot.app import BonnesPlaces, report_error
from bot.domain.errors import DomainError
from bot.domain.venues import VenueDetails
from bot.i18n import t
from cogs.common import services_of
from cogs.common.permissions import is_moderator
from cogs.common.rating import rate_view
from cogs.common.render import plain
from cogs.venues.render import removed_embed, venue_embed
from cogs.venues.votes import add_vote_reactions

log = logging.getLogger(__name__)


def _button(action: str, custom_id: str, label: str | None) -> ui.Button[Any]:
    """An Approve (green) or Reject (red) button."""
    style = discord.ButtonStyle.success if action == "approve" else discord.ButtonStyle.danger
    return ui.Button(label=label or action, style=style, custom_id=custom_id)


class ReviewButton(
    ui.DynamicItem[ui.Button[Any]],
    template=r"bp:review:(?P<action>approve|reject):(?P<venue_id>\d+)",
):
    """Approve / Reject on a pending proposal; moderators only."""

    def __init__(self, action: str, venue_id: int, label: str | None = None) -> None:
        super().__init__(_button(action, f"bp:review:{action}:{venue_id}", label))
        self.action = action
        self.venue_id = venue_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> ReviewButton:
        return cls(match["action"], int(match["venue_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await review(interaction, self.venue_id, approve=self.action == "approve")
        except Exception as exc:
            await report_error(interaction, exc)


class ReviewEditButton(
    ui.DynamicItem[ui.Button[Any]],
    template=r"bp:review-edit:(?P<action>approve|reject):(?P<venue_id>\d+):(?P<key>[0-9a-f]+)",
):
    """Approve / Reject on a live venue's edit; moderators only. The key names the state
    the card shows, so a later edit cannot be approved through an older card."""

    def __init__(self, action: str, venue_id: int, key: str, label: str | None = None) -> None:
        super().__init__(_button(action, f"bp:review-edit:{action}:{venue_id}:{key}", label))
        self.action = action
        self.venue_id = venue_id
        self.key = key

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> ReviewEditButton:
        return cls(match["action"], int(match["venue_id"]), match["key"])

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await review_edit(
                interaction, self.venue_id, self.key, approve=self.action == "approve"
            )
        except Exception as exc:
            await report_error(interaction, exc)


def review_view(venue_id: int, language: str) -> ui.View:
    view = ui.View(timeout=None)
    view.add_item(ReviewButton("approve", venue_id, t(language, "review.approve")))
    view.add_item(ReviewButton("reject", venue_id, t(language, "review.reject")))
    return view


async def review(interaction: discord.Interaction, venue_id: int, *, approve: bool) -> None:
    """A moderator's decision: the announcement becomes a live one, or says it was rejected."""
    assert interaction.guild_id is not None and interaction.guild is not None
    services = services_of(interaction)
    config = await services.guilds.config(interaction.guild_id)
    if not is_moderator(interaction, config):
        raise DomainError("error.moderators_only")
    details = await services.venues.review(interaction.guild_id, venue_id, approve=approve)
    language = config.post_language(interaction.guild_locale or interaction.guild.preferred_locale)
    if approve:
        await interaction.response.edit_message(
            embed=venue_embed(language, details, announcement=True),
            view=rate_view(venue_id, language),
        )
        if interaction.message is not None:
            await add_vote_reactions(interaction.message)
    else:
        await interaction.response.edit_message(
            embed=removed_embed(language, details, rejected=True), view=None
        )


async def post_edit_review(
    bot: BonnesPlaces, details: VenueDetails, key: str, language: str
) -> None:
    """Post the edited state for review next to the announcement, which stays as it is."""
    venue = details.venue
    if venue.announcement_channel_id is None:
        return
    channel = bot.get_partial_messageable(venue.announcement_channel_id, guild_id=venue.guild_id)
    view = ui.View(timeout=None)
    view.add_item(ReviewEditButton("approve", venue.id, key, t(language, "review.approve")))
    view.add_item(ReviewEditButton("reject", venue.id, key, t(language, "review.reject")))
    embed = venue_embed(language, details, announcement=True, pending=True)
    embed.title = t(language, "venue.edit_pending.title", name=plain(venue.name))[:256]
    try:
        await channel.send(embed=embed, view=view)
    except discord.HTTPException as exc:
        log.warning("could not post the edit of venue %s for review: %s", venue.id, exc)


async def review_edit(
    interaction: discord.Interaction, venue_id: int, key: str, *, approve: bool
) -> None:
    """A moderator's decision on an edit: the announcement shows it, or stays as it was."""
    assert interaction.guild_id is not None and interaction.guild is not None
    services = services_of(interaction)
    config = await services.guilds.config(interaction.guild_id)
    if not is_moderator(interaction, config):
        raise DomainError("error.moderators_only")
    details = await services.venues.review_edit(
        interaction.guild_id, venue_id, key, approve=approve
    )
    language = config.post_language(interaction.guild_locale or interaction.guild.preferred_locale)
    if approve:
        from cogs.venues.announcements import edit_announcement

        assert isinstance(interaction.client, BonnesPlaces)
        await edit_announcement(
            interaction.client,
            details,
            embed=venue_embed(language, details, announcement=True, edited=True),
            view=rate_view(venue_id, language),
        )
    title = "venue.edit_approved.title" if approve else "venue.edit_rejected.title"
    await interaction.response.edit_message(
        content=t(language, title, name=plain(details.venue.name)), embed=None, view=None
    )
