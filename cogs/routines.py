"""/routine: weekly slots at venues that members join, and their calendar."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Literal

import discord
from babel.dates import get_day_names
from discord import app_commands
from discord.app_commands import Choice, Range, Transform
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.i18n import babel_locale, language_of, t
from cogs.common import Interaction, services_of
from cogs.common.choices import WEEKDAY_CHOICES
from cogs.common.options import VenueOption, parameter, resolved, venue_parameter
from cogs.common.render import CHOICE_LABEL_MAX, COLOUR, clip, lines_within, plain
from db.repositories import RoutineRecord

if TYPE_CHECKING:
    from bot.app import BonnesPlaces

#: Room left in an embed's description (4,096 characters) for the "and N more" line.
LIST_MAX = 4000


def day_name(language: str, weekday: int, width: Literal["abbreviated", "wide"] = "wide") -> str:
    name: str = get_day_names(width, locale=babel_locale(language))[weekday]
    return name


def routine_label(language: str, routine: RoutineRecord) -> str:
    label = (
        f"{day_name(language, routine.weekday, 'abbreviated')} "
        f"{routine.local_time:%H:%M} — {routine.venue_name}"
    )
    if routine.title:
        label += f" ({routine.title})"
    return clip(label, CHOICE_LABEL_MAX)


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


class RoutineTransformer(app_commands.Transformer):
    """A routine of this guild, chosen in the autocomplete (which sends its id)."""

    @property
    def min_value(self) -> int:
        return 1

    @property
    def max_value(self) -> int:
        return 100

    async def transform(self, interaction: discord.Interaction, value: str, /) -> RoutineRecord:
        guild_id = interaction.guild_id
        assert guild_id is not None
        return await resolved(
            interaction, services_of(interaction).routines.resolve(guild_id, value)
        )

    async def autocomplete(
        self, interaction: discord.Interaction, value: int | float | str, /
    ) -> list[Choice[int | float | str]]:
        if interaction.guild_id is None:
            return []
        routines = await services_of(interaction).routines.autocomplete(
            interaction.guild_id, str(value)
        )
        language = language_of(interaction.locale)
        return [Choice(name=routine_label(language, r), value=str(r.id)) for r in routines]


RoutineOption = Transform[RoutineRecord, RoutineTransformer]


routine_parameter = parameter("routine", "The routine (start typing to search)")


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
    @venue_parameter
    @app_commands.rename(weekday=_("weekday"), time=_("time"), title=_("title"))
    @app_commands.describe(
        weekday=_("Day of the week"),
        time=_("Local time, HH:MM"),
        title=_("A name for the routine"),
    )
    @app_commands.choices(weekday=WEEKDAY_CHOICES)
    async def create(
        self,
        interaction: Interaction,
        venue: VenueOption,
        weekday: int,
        time: Range[str, 1, 5],
        title: Range[str, 1, 100] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        routine = await self.routines.create(
            interaction.guild_id,
            venue.id,
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
    @routine_parameter
    async def join(self, interaction: Interaction, routine: RoutineOption) -> None:
        assert interaction.guild_id is not None
        record, joined = await self.routines.join(
            interaction.guild_id, routine.id, interaction.user.id
        )
        language = language_of(interaction.locale)
        key = "routine.joined" if joined else "routine.already_joined"
        await interaction.response.send_message(
            t(language, key, routine=routine_line(language, record)), ephemeral=True
        )

    @app_commands.command(name=_("leave"), description=_("Leave a weekly routine"))
    @routine_parameter
    async def leave(self, interaction: Interaction, routine: RoutineOption) -> None:
        assert interaction.guild_id is not None
        record, left = await self.routines.leave(
            interaction.guild_id, routine.id, interaction.user.id
        )
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
        embed = discord.Embed(title=t(language, "routine.list.title"), colour=COLOUR)
        embed.description = lines_within(
            lines, LIST_MAX, lambda count: t(language, "digest.more", count=count)
        )
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
