"""/routine: weekly slots at venues that members join, and their calendar."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord
from babel.dates import get_day_names
from discord import app_commands
from discord.app_commands import Choice, Range
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.i18n import language_of, t
from cogs.digest import WEEKDAY_CHOICES
from cogs.render import clip, plain
from cogs.venues import venue_choices
from db.repositories import RoutineRecord

if TYPE_CHECKING:
    from bot.app import BonnesPlaces

Interaction = discord.Interaction["BonnesPlaces"]


def day_name(language: str, weekday: int, width: str = "wide") -> str:
    return get_day_names(width, locale="fr_FR" if language == "fr" else "en_GB")[weekday]


def routine_label(language: str, routine: RoutineRecord) -> str:
    label = (
        f"{day_name(language, routine.weekday, 'abbreviated')} "
        f"{routine.local_time:%H:%M} — {routine.venue_name}"
    )
    if routine.title:
        label += f" ({routine.title})"
    return clip(label, 100)


def routine_line(language: str, routine: RoutineRecord) -> str:
    line = t(
        language,
        "routine.line",
        day=day_name(language, routine.weekday),
        time=f"{routine.local_time:%H:%M}",
        venue=plain(routine.venue_name),
        count=len(routine.members),
    )
    if routine.title:
        line += f" · {plain(routine.title)}"
    return line


async def routine_choices(interaction: Interaction, current: str) -> list[Choice[str]]:
    if interaction.guild_id is None:
        return []
    routines = await interaction.client.services.routines.autocomplete(
        interaction.guild_id, current
    )
    language = language_of(interaction.locale)
    return [Choice(name=routine_label(language, r), value=str(r.id)) for r in routines]


@app_commands.guild_only()
class Routines(
    commands.GroupCog,
    group_name=_("routine"),
    group_description=_("Weekly real-life routines at the venues"),
):
    def __init__(self, bot: BonnesPlaces) -> None:
        self.bot = bot
        self.routines = bot.services.routines
        super().__init__()

    @app_commands.command(name=_("create"), description=_("Start a weekly routine at a venue"))
    @app_commands.rename(venue=_("venue"), weekday=_("weekday"), time=_("time"), title=_("title"))
    @app_commands.describe(
        venue=_("The venue (start typing to search)"),
        weekday=_("Day of the week"),
        time=_("Local time, HH:MM"),
        title=_("A name for the routine"),
    )
    @app_commands.choices(weekday=WEEKDAY_CHOICES)
    @app_commands.autocomplete(venue=venue_choices)
    async def create(
        self,
        interaction: Interaction,
        venue: Range[str, 1, 100],
        weekday: int,
        time: Range[str, 1, 5],
        title: Range[str, 1, 100] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        routine = await self.routines.create(
            interaction.guild_id,
            venue,
            interaction.user.id,
            weekday=weekday,
            time=time,
            title=title,
        )
        language = language_of(interaction.locale)
        await interaction.response.send_message(
            t(language, "routine.created", routine=routine_line(language, routine)),
            ephemeral=True,
        )

    @app_commands.command(name=_("join"), description=_("Join a weekly routine"))
    @app_commands.rename(routine=_("routine"))
    @app_commands.describe(routine=_("The routine (start typing to search)"))
    @app_commands.autocomplete(routine=routine_choices)
    async def join(self, interaction: Interaction, routine: Range[str, 1, 100]) -> None:
        assert interaction.guild_id is not None
        record, joined = await self.routines.join(
            interaction.guild_id, routine, interaction.user.id
        )
        language = language_of(interaction.locale)
        key = "routine.joined" if joined else "routine.already_joined"
        await interaction.response.send_message(
            t(language, key, routine=routine_line(language, record)), ephemeral=True
        )

    @app_commands.command(name=_("leave"), description=_("Leave a weekly routine"))
    @app_commands.rename(routine=_("routine"))
    @app_commands.describe(routine=_("The routine (start typing to search)"))
    @app_commands.autocomplete(routine=routine_choices)
    async def leave(self, interaction: Interaction, routine: Range[str, 1, 100]) -> None:
        assert interaction.guild_id is not None
        record, left = await self.routines.leave(interaction.guild_id, routine, interaction.user.id)
        language = language_of(interaction.locale)
        key = "routine.left" if left else "routine.not_member"
        await interaction.response.send_message(
            t(language, key, routine=routine_line(language, record)), ephemeral=True
        )

    @app_commands.command(name=_("list"), description=_("The weekly routines of this server"))
    async def list(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        routines = await self.routines.find_all(interaction.guild_id)
        language = language_of(interaction.locale)
        if not routines:
            await interaction.response.send_message(t(language, "routine.none"), ephemeral=True)
            return
        mine = {r.id for r in routines if interaction.user.id in r.members}
        lines = [("✅ " if r.id in mine else "• ") + routine_line(language, r) for r in routines]
        embed = discord.Embed(
            title=t(language, "routine.list.title"), colour=discord.Colour(0x2E8B57)
        )
        description = ""
        for index, line in enumerate(lines):
            if len(description) + len(line) + 1 > 4000:
                description += "\n" + t(language, "digest.more", count=len(lines) - index)
                break
            description += ("\n" if description else "") + line
        embed.description = description
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(
        name=_("calendar"), description=_("Your routines as a calendar file (.ics)")
    )
    async def calendar(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        data = await self.routines.calendar(interaction.guild_id, interaction.user.id)
        await interaction.response.send_message(
            t(language_of(interaction.locale), "routine.calendar"),
            file=discord.File(io.BytesIO(data), filename="bonnes-places-routines.ics"),
            ephemeral=True,
        )


async def setup(bot: BonnesPlaces) -> None:
    await bot.add_cog(Routines(bot))
