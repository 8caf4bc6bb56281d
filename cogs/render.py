"""Embeds and labels shared by the cogs. Member text is shown, never interpreted."""

from __future__ import annotations

import discord

from bot.domain.venues import VenueDetails
from bot.i18n import t
from db.repositories import VenueRecord

VENUE_COLOUR = discord.Colour(0x2E8B57)
CHOICE_LABEL_MAX = 100


def plain(text: str) -> str:
    """Member text made inert: no markdown formatting, no mention syntax."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def venue_label(venue: VenueRecord) -> str:
    """An autocomplete label: 'Name — City', within Discord's 100 characters."""
    label = f"{venue.name} — {venue.city}"
    if len(label) > CHOICE_LABEL_MAX:
        label = label[: CHOICE_LABEL_MAX - 1] + "…"
    return label


def venue_embed(
    language: str,
    details: VenueDetails,
    *,
    announcement: bool = False,
) -> discord.Embed:
    venue = details.venue
    name = plain(venue.name)
    title = t(language, "venue.announcement.title", name=name) if announcement else name
    embed = discord.Embed(
        title=title,
        description=plain(venue.description) or None,
        url=venue.url,
        colour=VENUE_COLOUR,
        timestamp=venue.created_at,
    )
    embed.add_field(name=t(language, "venue.field.kind"), value=t(language, f"kind.{venue.kind}"))
    embed.add_field(name=t(language, "venue.field.city"), value=plain(venue.city))
    if venue.address:
        embed.add_field(name=t(language, "venue.field.address"), value=plain(venue.address))
    if details.tags:
        embed.add_field(
            name=t(language, "venue.field.tags"),
            value=" ".join(f"`{tag.replace('`', '')}`" for tag in details.tags),
            inline=False,
        )
    if announcement:
        embed.set_footer(text=t(language, "venue.announcement.footer", id=venue.id))
    else:
        embed.add_field(
            name=t(language, "venue.field.votes"),
            value=t(language, "venue.votes", up=details.upvotes, down=details.downvotes),
        )
        embed.add_field(name=t(language, "venue.field.proposer"), value=f"<@{venue.proposer_id}>")
        if venue.jump_url:
            embed.add_field(
                name=t(language, "venue.field.announcement"),
                value=f"[{t(language, 'venue.jump')}]({venue.jump_url})",
            )
    return embed
