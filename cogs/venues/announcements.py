"""Announcing a venue in its channel, and keeping the announcement up to date."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.domain.errors import DomainError
from bot.domain.guilds import GuildConfig
from bot.domain.venues import VenueDetails, VenueDraft
from bot.i18n import language_of, t
from cogs.common import Interaction
from cogs.common.delivery import UNKNOWN_OUTCOME, has_component, nonce_of, send_once
from cogs.common.permissions import (
    ANNOUNCE_PERMISSIONS,
    require_member_can_post,
    require_permissions,
)
from cogs.common.rating import rate_view
from cogs.common.render import plain
from cogs.venues.render import venue_embed
from cogs.venues.review import review_view
from cogs.venues.votes import InFlight, add_vote_reactions

if TYPE_CHECKING:
    from bot.app import BonnesPlaces

log = logging.getLogger(__name__)


def announcement_channel(
    interaction: discord.Interaction, config: GuildConfig
) -> discord.TextChannel | discord.Thread | discord.VoiceChannel:
    """The venue channel, or the channel the command ran in; refuse one the bot can't use,
    and, without a venue channel, one where the member may not post: the bot must not
    publish a member's text where they could not have written it."""
    guild = interaction.guild
    assert guild is not None
    venue_channel: Any = (
        guild.get_channel(config.venue_channel_id) if config.venue_channel_id else None
    )
    channel: Any = venue_channel or interaction.channel
    if venue_channel is None:
        require_member_can_post(interaction)
    if not isinstance(channel, discord.TextChannel | discord.Thread | discord.VoiceChannel):
        raise DomainError(
            "error.bot_missing_permissions",
            channel=f"<#{interaction.channel_id}>",
            permissions=["view_channel", "send_messages"],
        )
    require_permissions(channel, guild.me, ANNOUNCE_PERMISSIONS)
    return channel


async def announce(
    interaction: Interaction, draft: VenueDraft, config: GuildConfig, in_flight: InFlight
) -> None:
    """Store the proposal and announce it (or submit it for review); the interaction
    has been acknowledged, so the outcome is a followup."""
    guild = interaction.guild
    assert guild is not None
    channel = announcement_channel(interaction, config)
    language = config.post_language(interaction.guild_locale or guild.preferred_locale)
    pending = config.moderation
    venues = interaction.client.services.venues
    async with in_flight.hold(guild.id):
        venue = await venues.propose(
            guild.id, interaction.user.id, draft, pending=pending, config=config
        )
        details = VenueDetails(venue=venue, tags=draft.tags)
        button = f"bp:review:approve:{venue.id}" if pending else f"bp:rate:{venue.id}"
        try:
            message = await send_once(
                channel,
                nonce_of("venue", guild.id, venue.id, venue.created_at.isoformat()),
                has_component(button),
                lambda: {
                    "embed": venue_embed(language, details, announcement=True, pending=pending),
                    "view": review_view(venue.id, language)
                    if pending
                    else rate_view(venue.id, language),
                },
            )
        except (discord.HTTPException, *UNKNOWN_OUTCOME) as exc:
            log.warning("announcement of venue %s failed: %s", venue.id, exc)
            await venues.discard(guild.id, venue.id)
            raise DomainError("error.announcement_failed", channel=channel.mention) from exc
        await venues.set_announcement(guild.id, venue.id, channel.id, message.id)
    key = "venue.pending" if pending else "venue.proposed"
    reply = interaction.followup.send(
        t(language_of(interaction.locale), key, name=plain(venue.name), link=message.jump_url),
        ephemeral=True,
    )
    # The member is answered without waiting for the vote reactions, which Discord paces
    # per channel.
    await (reply if pending else asyncio.gather(reply, add_vote_reactions(message)))


async def edit_announcement(bot: BonnesPlaces, details: VenueDetails, **fields: Any) -> None:
    """Show the venue's new state on its announcement, if it has one."""
    venue = details.venue
    if venue.announcement_channel_id is None or venue.announcement_message_id is None:
        return
    channel = bot.get_partial_messageable(venue.announcement_channel_id, guild_id=venue.guild_id)
    try:
        await channel.get_partial_message(venue.announcement_message_id).edit(**fields)
    except discord.HTTPException as exc:
        log.warning("could not update the announcement of venue %s: %s", venue.id, exc)
