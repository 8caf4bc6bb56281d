"""/settings: the venue channel, language, time zone and moderation of a guild."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import Range
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.domain.errors import DomainError
from bot.domain.guilds import GuildConfig
from bot.domain.limits import PROPOSALS_PER_DAY_MAX, ROUTINES_PER_WEEK_MAX, VISIT_DAYS_BACK_MAX
from bot.i18n import language_of, t
from cogs.common import Interaction
from cogs.common.choices import LANGUAGE_CHOICES, timezone_choices
from cogs.common.options import options
from cogs.common.permissions import ANNOUNCE_PERMISSIONS, require_permissions

if TYPE_CHECKING:
    from bot.app import BonnesPlaces


def settings_embed(language: str, config: GuildConfig) -> discord.Embed:
    unset = t(language, "settings.unset")
    embed = discord.Embed(title=t(language, "settings.title"), colour=discord.Colour.blurple())
    embed.add_field(
        name=t(language, "settings.venue_channel"),
        value=f"<#{config.venue_channel_id}>"
        if config.venue_channel_id
        else t(language, "settings.venue_channel.default"),
        inline=False,
    )
    embed.add_field(
        name=t(language, "settings.language"),
        value=t(language, f"settings.language.{config.language or 'auto'}"),
    )
    embed.add_field(name=t(language, "settings.timezone"), value=config.timezone)
    embed.add_field(
        name=t(language, "settings.moderation"),
        value=t(language, "settings.on" if config.moderation else "settings.off"),
    )
    embed.add_field(
        name=t(language, "settings.moderator_role"),
        value=f"<@&{config.moderator_role_id}>" if config.moderator_role_id else unset,
    )
    for name in ("proposals_per_day", "routines_per_week", "visit_days_back"):
        embed.add_field(name=t(language, f"settings.{name}"), value=str(getattr(config, name)))
    return embed


class ServerSettings(commands.Cog):
    """/settings: one guild's settings (the process's own are `bot.settings.Settings`)."""

    def __init__(self, bot: BonnesPlaces) -> None:
        self.bot = bot

    @app_commands.command(
        name=_("settings"), description=_("Show or change this server's settings")
    )
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    @options(
        venue_channel="Where new venues are announced",
        language="Language of the bot's posts in this server",
        timezone="Time zone, e.g. Europe/Paris",
        moderation="New proposals wait for a moderator's approval",
        moderator_role="Members with this role moderate venues",
        proposals_per_day="Most venues one member may propose in 24 hours (default 10)",
        routines_per_week="Most routines one member may create in 7 days (default 5)",
        visit_days_back="How many days back a visit may be logged (default 30)",
    )
    @app_commands.choices(language=LANGUAGE_CHOICES)
    @app_commands.autocomplete(timezone=timezone_choices)
    async def settings(
        self,
        interaction: Interaction,
        venue_channel: discord.TextChannel | None = None,
        language: str | None = None,
        timezone: app_commands.Range[str, 1, 64] | None = None,
        moderation: bool | None = None,
        moderator_role: discord.Role | None = None,
        proposals_per_day: Range[int, 1, PROPOSALS_PER_DAY_MAX] | None = None,
        routines_per_week: Range[int, 1, ROUTINES_PER_WEEK_MAX] | None = None,
        visit_days_back: Range[int, 0, VISIT_DAYS_BACK_MAX] | None = None,
    ) -> None:
        assert interaction.guild is not None
        if venue_channel is not None:
            _check_venue_channel(interaction.guild, venue_channel)
        config = await self.bot.services.guilds.update(
            interaction.guild.id,
            venue_channel_id=venue_channel.id if venue_channel else None,
            language=language,
            timezone=timezone,
            moderation=moderation,
            moderator_role_id=moderator_role.id if moderator_role else None,
            proposals_per_day=proposals_per_day,
            routines_per_week=routines_per_week,
            visit_days_back=visit_days_back,
        )
        member_language = language_of(interaction.locale)
        asked = (language, timezone, moderation, proposals_per_day, routines_per_week)
        changed = any(
            v is not None for v in (venue_channel, moderator_role, visit_days_back, *asked)
        )
        await interaction.response.send_message(
            t(member_language, "settings.saved" if changed else "settings.current"),
            embed=settings_embed(member_language, config),
            ephemeral=True,
        )


def _check_venue_channel(guild: discord.Guild, venue_channel: discord.TextChannel) -> None:
    """Refuse a venue channel the bot cannot see or post announcements in."""
    channel = guild.get_channel(venue_channel.id)
    if not isinstance(channel, discord.TextChannel):
        raise DomainError(
            "error.bot_missing_permissions",
            channel=venue_channel.mention,
            permissions=list(ANNOUNCE_PERMISSIONS[:2]),
        )
    require_permissions(channel, guild.me, ANNOUNCE_PERMISSIONS)


async def setup(bot: BonnesPlaces) -> None:
    await bot.add_cog(ServerSettings(bot))
