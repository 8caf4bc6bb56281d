"""/routine: weekly slots at venues that members join, and their calendar."""

from __future__ import annotations

import asyncio
import builtins
import io
import logging
from typing import TYPE_CHECKING

import discord
from babel.dates import format_date
from discord import app_commands
from discord.app_commands import Choice, Range, Transform
from discord.app_commands import locale_str as _
from discord.ext import commands, tasks

from bot.domain.errors import DomainError, InvalidInput
from bot.domain.routine_base import (
    DEFAULT_DURATION,
    DURATION_MAX,
    DURATION_MIN,
    parse_routine_ref,
)
from bot.i18n import babel_locale, language_of, t
from cogs.common import Interaction, services_of
from cogs.common.choices import WEEKDAY_CHOICES
from cogs.common.hopes import HopeSelect
from cogs.common.options import VenueOption, options, parameter, resolved, venue_parameter
from cogs.common.permissions import is_moderator, require_permissions
from cogs.common.render import CHOICE_LABEL_MAX, COLOUR, clip, lines_within
from cogs.routine_card import (
    CARD_PERMISSIONS,
    RoutineButton,
    can_create_events,
    cancel_event,
    card_embed,
    card_language,
    card_view,
    create_event,
    day_name,
    end_card,
    refresh_card,
    routine_line,
    update_event,
)
from cogs.routine_scheduler import RoutineScheduler
from db.repositories import RoutineRecord

if TYPE_CHECKING:
    from bot.app import BonnesPlaces

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_SECONDS = 20.0

#: Room left in an embed's description (4,096 characters) for the "and N more" line.
LIST_MAX = 4000


def routine_label(language: str, routine: RoutineRecord) -> str:
    label = (
        f"{day_name(language, routine.weekday)} {routine.local_time:%H:%M} — {routine.venue_name}"
    )
    if routine.title:
        label += f" ({routine.title})"
    return clip(label, CHOICE_LABEL_MAX)


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


async def _say(interaction: Interaction, key: str, routine: RoutineRecord) -> None:
    language = language_of(interaction.locale)
    await interaction.response.send_message(
        t(language, key, routine=routine_line(language, routine)), ephemeral=True
    )


@app_commands.guild_only()
class Routines(
    commands.GroupCog,
    group_name=_("routine"),
    group_description=_("Weekly real-life routines at the venues"),
):
    def __init__(self, bot: BonnesPlaces) -> None:
        self.bot = bot
        self.routines = bot.services.routines
        self.scheduler.change_interval(seconds=bot.settings.routine_check_seconds)
        self._busy = asyncio.Lock()  # held while the scheduler creates events
        self._rounds = RoutineScheduler(bot)
        super().__init__()

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        if not self.scheduler.is_running():
            self.scheduler.start()

    async def cog_unload(self) -> None:
        """Let an event being created finish (its claim and outcome are recorded), then stop."""
        task = self.scheduler.get_task()
        if not self._busy.locked():
            self.scheduler.cancel()
            return
        self.scheduler.stop()
        if task is not None and not task.done():
            try:
                await asyncio.wait_for(asyncio.shield(task), SHUTDOWN_GRACE_SECONDS)
            except TimeoutError:
                self.scheduler.cancel()

    # -- the next occurrence of every routine exists as a Discord event ------------------

    @tasks.loop(seconds=60)
    async def scheduler(self) -> None:
        """Create the Discord event of each routine's next occurrence, once, for the guilds
        this process serves; after downtime the next run catches up."""
        async with self._busy:
            await self._rounds.renew_events()

    # -- commands -------------------------------------------------------------------------

    def _card_channel(
        self, interaction: Interaction, channel_id: int | None
    ) -> discord.TextChannel | discord.Thread:
        guild = interaction.guild
        assert guild is not None
        chosen = guild.get_channel(channel_id) if channel_id is not None else None
        channel = chosen if isinstance(chosen, discord.TextChannel) else interaction.channel
        assert isinstance(channel, discord.TextChannel | discord.Thread)
        require_permissions(channel, guild.me, CARD_PERMISSIONS)
        return channel

    @app_commands.command(name=_("create"), description=_("Start a weekly routine at a venue"))
    @venue_parameter
    @options(
        weekday="Day of the week",
        time="Local time, e.g. 18:30 or 6:30pm",
        duration="How long it lasts, in minutes (120 if not given)",
        title="A name for the routine",
    )
    @app_commands.choices(weekday=WEEKDAY_CHOICES)
    async def create(
        self,
        interaction: Interaction,
        venue: VenueOption,
        weekday: int,
        time: Range[str, 1, 10],
        duration: Range[int, DURATION_MIN, DURATION_MAX] = DEFAULT_DURATION,
        title: Range[str, 1, 100] | None = None,
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        channel = self._card_channel(interaction, venue.announcement_channel_id)
        routine = await self.routines.create(
            guild.id,
            venue.id,
            interaction.user.id,
            weekday=weekday,
            time=time,
            title=title,
            duration=duration,
            claim_event=can_create_events(guild),
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        language = language_of(interaction.locale)
        lines = [t(language, "routine.created", routine=routine_line(language, routine))]
        now = await self.bot.services.clock.now()
        upcoming = await self.routines.upcoming(guild.id, routine.id, now)
        post_language = await card_language(self.bot, guild)
        card = await channel.send(
            embed=card_embed(upcoming, post_language),
            view=card_view(routine.id, post_language),
            allowed_mentions=discord.AllowedMentions.none(),
        )
        await self.routines.set_card(routine.id, channel.id, card.id)
        if can_create_events(guild):
            claimed = await self.routines.upcoming(guild.id, routine.id, now)
            if claimed.occurrence.event_id is None:
                await create_event(self.bot, guild, claimed, now)
        else:
            lines.append(
                t(
                    language,
                    "routine.event.no_permission",
                    permission=t(language, "permission.create_events"),
                )
            )
        await refresh_card(self.bot, guild, await self.routines.upcoming(guild.id, routine.id, now))
        await interaction.followup.send("\n".join(lines), ephemeral=True)

    @app_commands.command(name=_("join"), description=_("Join a weekly routine"))
    @routine_parameter
    async def join(self, interaction: Interaction, routine: RoutineOption) -> None:
        assert interaction.guild_id is not None
        record, joined = await self.routines.join(
            interaction.guild_id, routine.id, interaction.user.id
        )
        await _say(interaction, "routine.joined" if joined else "routine.already_joined", record)

    @app_commands.command(name=_("leave"), description=_("Leave a weekly routine"))
    @routine_parameter
    async def leave(self, interaction: Interaction, routine: RoutineOption) -> None:
        assert interaction.guild_id is not None
        record, left = await self.routines.leave(
            interaction.guild_id, routine.id, interaction.user.id
        )
        await _say(interaction, "routine.left" if left else "routine.not_member", record)

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

    async def _moderator(self, interaction: Interaction) -> bool:
        assert interaction.guild_id is not None
        return is_moderator(
            interaction, await self.bot.services.guilds.config(interaction.guild_id)
        )

    async def _date_choices(
        self, interaction: Interaction, current: str
    ) -> builtins.list[Choice[str]]:
        """The routine's next dates, in the member's language, as ISO dates."""
        routine = getattr(interaction.namespace, "routine", None)
        if interaction.guild_id is None or routine is None:
            return []
        try:
            routine_id = parse_routine_ref(str(routine))
            if routine_id is None:
                routine_id = (await self.routines.resolve(interaction.guild_id, str(routine))).id
            dates = await self.routines.dates(interaction.guild_id, routine_id)
        except DomainError:
            return []
        locale = babel_locale(language_of(interaction.locale))
        return [
            Choice(name=format_date(day, format="full", locale=locale), value=day.isoformat())
            for day in dates
            if current.lower() in format_date(day, format="full", locale=locale).lower()
            or current in day.isoformat()
        ]

    @app_commands.command(
        name=_("skip"), description=_("Cancel one date of a routine (host or moderator)")
    )
    @routine_parameter
    @options(date="The date to skip", reason="Why (shown on the card)")
    async def skip(
        self,
        interaction: Interaction,
        routine: RoutineOption,
        date: Range[str, 1, 20],
        reason: Range[str, 1, 200] | None = None,
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        cancelled, upcoming = await self.routines.skip(
            guild.id,
            routine.id,
            interaction.user.id,
            moderator=await self._moderator(interaction),
            date=date,
            reason=reason,
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        if cancelled.event_id is not None:
            await cancel_event(self.bot, guild, cancelled.event_id)
        await refresh_card(self.bot, guild, upcoming)
        language = language_of(interaction.locale)
        day = f"<t:{int(cancelled.starts_at.timestamp())}:D>"
        await interaction.followup.send(t(language, "routine.skipped", date=day), ephemeral=True)

    @skip.autocomplete("date")
    async def _skip_dates(
        self, interaction: Interaction, current: str
    ) -> builtins.list[Choice[str]]:
        return await self._date_choices(interaction, current)

    @app_commands.command(
        name=_("end"), description=_("End a routine for good (host or moderator)")
    )
    @routine_parameter
    async def end(self, interaction: Interaction, routine: RoutineOption) -> None:
        guild = interaction.guild
        assert guild is not None
        record, upcoming = await self.routines.end(
            guild.id, routine.id, interaction.user.id, moderator=await self._moderator(interaction)
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        for occurrence in upcoming:
            assert occurrence.event_id is not None
            await cancel_event(self.bot, guild, occurrence.event_id)
        await end_card(self.bot, guild, record)
        await interaction.followup.send(
            t(language_of(interaction.locale), "routine.ended"), ephemeral=True
        )

    @app_commands.command(
        name=_("host"), description=_("Hand a routine to another member (host or moderator)")
    )
    @routine_parameter
    @options(member="Who hosts it from now on")
    async def host(
        self, interaction: Interaction, routine: RoutineOption, member: discord.Member
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        if member.bot:
            raise InvalidInput("error.host_bot")
        upcoming = await self.routines.hand_over(
            guild.id,
            routine.id,
            interaction.user.id,
            moderator=await self._moderator(interaction),
            host_id=member.id,
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        await refresh_card(self.bot, guild, upcoming)
        language = language_of(interaction.locale)
        await interaction.followup.send(
            t(
                language,
                "routine.host.changed",
                member=member.mention,
                routine=routine_line(language, upcoming.routine),
            ),
            ephemeral=True,
        )

    @app_commands.command(
        name=_("edit"),
        description=_("Change a routine's day, time, duration, venue or title (host or moderator)"),
    )
    @routine_parameter
    @options(
        weekday="Day of the week",
        time="Local time, e.g. 18:30 or 6:30pm",
        duration="How long it lasts, in minutes",
        venue="The venue (start typing to search)",
        title="A name for the routine",
    )
    @app_commands.choices(weekday=WEEKDAY_CHOICES)
    async def edit(
        self,
        interaction: Interaction,
        routine: RoutineOption,
        weekday: int | None = None,
        time: Range[str, 1, 10] | None = None,
        duration: Range[int, DURATION_MIN, DURATION_MAX] | None = None,
        venue: VenueOption | None = None,
        title: Range[str, 1, 100] | None = None,
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        upcoming = await self.routines.edit(
            guild.id,
            routine.id,
            interaction.user.id,
            moderator=await self._moderator(interaction),
            weekday=weekday,
            time=time,
            duration=duration,
            venue_id=venue.id if venue is not None else None,
            title=title,
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        await update_event(self.bot, guild, upcoming)
        await refresh_card(self.bot, guild, upcoming)
        language = language_of(interaction.locale)
        await interaction.followup.send(
            t(language, "routine.edited", routine=routine_line(language, upcoming.routine)),
            ephemeral=True,
        )

    @app_commands.command(
        name=_("resume"), description=_("Bring a paused routine back, and host it")
    )
    @routine_parameter
    async def resume(self, interaction: Interaction, routine: RoutineOption) -> None:
        guild = interaction.guild
        assert guild is not None
        upcoming = await self.routines.resume(guild.id, routine.id, interaction.user.id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = await self.bot.services.clock.now()
        if can_create_events(guild):
            claimed = await self.routines.claim_event(guild.id, routine.id, now, manual=True)
            if claimed is not None:
                await create_event(self.bot, guild, claimed, now)
        upcoming = await self.routines.upcoming(guild.id, routine.id, now)
        await refresh_card(self.bot, guild, upcoming)
        language = language_of(interaction.locale)
        await interaction.followup.send(
            t(
                language,
                "routine.resumed",
                routine=routine_line(language, upcoming.routine),
                date=f"<t:{int(upcoming.occurrence.starts_at.timestamp())}:F>",
            ),
            ephemeral=True,
        )

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
    bot.add_dynamic_items(RoutineButton, HopeSelect)
    await bot.add_cog(Routines(bot))
