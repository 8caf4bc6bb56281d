"""/profile: a member's time invested, last good moment, streaks and ratings."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from babel.dates import format_date
from discord import app_commands
from discord.app_commands import Choice
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.domain.errors import DomainError
from bot.domain.profiles import Profile
from bot.i18n import babel_locale, language_of, number, t
from cogs.common import Interaction
from cogs.common.render import COLOUR, plain

if TYPE_CHECKING:
    from bot.app import BonnesPlaces

VISIBILITY_CHOICES = [
    Choice(name=_("Public: members can see it"), value="public"),
    Choice(name=_("Private: only you"), value="private"),
]


def profile_embed(language: str, profile: Profile, name: str) -> discord.Embed:
    embed = discord.Embed(title=t(language, "profile.title", name=name), colour=COLOUR)
    embed.add_field(
        name=t(language, "profile.month"),
        value=t(language, "profile.hours", hours=number(language, profile.hours_this_month, 2)),
    )
    embed.add_field(
        name=t(language, "profile.overall"),
        value=t(
            language,
            "profile.hours_visits",
            hours=number(language, profile.hours_overall, 2),
            count=profile.visits,
        ),
    )
    if profile.last_good_moment:
        venue, day = profile.last_good_moment
        moment = t(
            language,
            "profile.moment",
            venue=plain(venue),
            date=format_date(day, "long", locale=babel_locale(language)),
        )
    else:
        moment = t(language, "profile.no_moment")
    embed.add_field(name=t(language, "profile.last_good"), value=moment, inline=False)
    embed.add_field(
        name=t(language, "profile.streak"),
        value=t(
            language,
            "profile.streak.value",
            count=profile.current_streak,
            best=profile.best_streak,
        ),
    )
    embed.add_field(name=t(language, "profile.ratings"), value=str(profile.ratings))
    embed.set_footer(text=t(language, "profile.public" if profile.public else "profile.private"))
    return embed


class Profiles(commands.Cog):
    def __init__(self, bot: BonnesPlaces) -> None:
        self.bot = bot

    @app_commands.command(
        name=_("profile"), description=_("Time invested, last good moment and streaks")
    )
    @app_commands.guild_only()
    @app_commands.rename(member=_("member"), visibility=_("visibility"))
    @app_commands.describe(
        member=_("Whose profile (only if they made it public)"),
        visibility=_("Who can see your own profile"),
    )
    @app_commands.choices(visibility=VISIBILITY_CHOICES)
    async def profile(
        self,
        interaction: Interaction,
        member: discord.User | None = None,
        visibility: str | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        language = language_of(interaction.locale)
        target = member or interaction.user
        profiles = self.bot.services.profiles
        if visibility is not None:
            if target.id != interaction.user.id:
                raise DomainError("error.visibility_own_only")
            await profiles.set_public(interaction.guild_id, target.id, visibility == "public")
        if target.bot:
            raise DomainError("error.profile_private")
        profile = await profiles.profile(
            interaction.guild_id, target.id, viewer_id=interaction.user.id
        )
        await interaction.response.send_message(
            embed=profile_embed(language, profile, plain(target.display_name)),
            ephemeral=target.id == interaction.user.id,
        )


async def setup(bot: BonnesPlaces) -> None:
    await bot.add_cog(Profiles(bot))
