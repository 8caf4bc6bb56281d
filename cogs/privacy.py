"""/privacy: a member's copy of their data, and its erasure."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.i18n import language_of, t
from cogs.common import Interaction
from cogs.common.views import Confirm

if TYPE_CHECKING:
    from bot.app import BonnesPlaces


#: What the erasure reply counts, each with its own plural.
ERASED_COUNTS = (
    "ratings",
    "votes",
    "visits",
    "routine_memberships",
    "proposals_anonymized",
    "routines_anonymized",
)


class Privacy(
    commands.GroupCog,
    group_name=_("privacy"),
    group_description=_("Your data: get a copy, or erase it"),
):
    def __init__(self, bot: BonnesPlaces) -> None:
        self.bot = bot
        self.privacy = bot.services.privacy
        super().__init__()

    @app_commands.command(
        name=_("export"), description=_("Get a file with everything stored about you")
    )
    async def export(self, interaction: Interaction) -> None:
        data = await self.privacy.export(interaction.user.id)
        await interaction.response.send_message(
            t(language_of(interaction.locale), "privacy.exported"),
            file=discord.File(io.BytesIO(data), filename="bonnes-places-my-data.json"),
            ephemeral=True,
        )

    @app_commands.command(name=_("delete"), description=_("Erase your ratings, votes and visits"))
    async def delete(self, interaction: Interaction) -> None:
        language = language_of(interaction.locale)
        member_id = interaction.user.id

        async def erase(click: Interaction) -> None:
            counts = await self.privacy.erase(member_id)
            reply_language = language_of(click.locale)
            parts = {
                name: t(reply_language, f"privacy.count.{name}", count=counts.get(name, 0))
                for name in ERASED_COUNTS
            }
            await click.response.edit_message(
                content=t(reply_language, "privacy.deleted", **parts), view=None
            )

        view = Confirm(member_id, language, erase, timeout=self.bot.settings.view_timeout)
        view.confirm.label = t(language, "privacy.confirm")
        view.confirm.style = discord.ButtonStyle.danger
        await interaction.response.send_message(
            t(language, "privacy.delete.question"), view=view, ephemeral=True
        )
        view.interaction = interaction


async def setup(bot: BonnesPlaces) -> None:
    await bot.add_cog(Privacy(bot))
