"""The check-back: after an occurrence ends, "Were you there?" to the members who were going,
in the routine's thread (or the card's channel); "I went" opens a form of radio and checkbox
groups whose one submit records a visit and a rating tied to that occurrence."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord
from discord import ui
from discord.ext import commands, tasks

from bot.app import report_error
from bot.domain.checkback import Ask
from bot.domain.ranking import (
    FLAG_CLIQUEY,
    FLAG_EGO,
    FLAG_NOTHING_NEW,
    FLAG_PITCH,
    GOT_CONTACT,
    GOT_EXPERIENCE,
    GOT_SUBSTANCE,
)
from bot.domain.rating_history import RatingInput
from bot.domain.ratings import validate_rating
from bot.i18n import language_of, number, t
from cogs.common import services_of
from cogs.common.render import plain, rated_message
from cogs.routine_card import interested_ids
from db.repositories import RatingEntry, VenueRecord

if TYPE_CHECKING:
    from bot.app import BonnesPlaces

log = logging.getLogger(__name__)

GOT = {"substance": GOT_SUBSTANCE, "experience": GOT_EXPERIENCE, "contact": GOT_CONTACT}
WRONG = {
    "ego": FLAG_EGO,
    "pitch": FLAG_PITCH,
    "nothing_new": FLAG_NOTHING_NEW,
    "cliquey": FLAG_CLIQUEY,
}
HOURS = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)


class CheckBackButton(
    ui.DynamicItem[ui.Button[Any]],
    template=r"bp:checkback:(?P<answer>went|missed):(?P<occurrence>\d+)",
):
    """ "I went" / "I couldn't" under an ask; persistent across restarts."""

    def __init__(self, answer: str, occurrence_id: int, label: str = "") -> None:
        super().__init__(
            ui.Button(
                label=label or answer,
                style=discord.ButtonStyle.success
                if answer == "went"
                else discord.ButtonStyle.secondary,
                custom_id=f"bp:checkback:{answer}:{occurrence_id}",
            )
        )
        self.answer = answer
        self.occurrence_id = occurrence_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> CheckBackButton:
        return cls(match["answer"], int(match["occurrence"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        language = language_of(interaction.locale)
        service = services_of(interaction).checkbacks
        try:
            assert interaction.guild_id is not None
            if self.answer == "missed":
                await service.missed(interaction.guild_id, self.occurrence_id, interaction.user.id)
                await interaction.response.send_message(
                    t(language, "checkback.missed_reply"), ephemeral=True
                )
                return
            venue, last = await service.open_ask(
                interaction.guild_id, self.occurrence_id, interaction.user.id
            )
            await interaction.response.send_modal(
                CheckBackModal(self.occurrence_id, language, venue, last)
            )
        except Exception as exc:
            await report_error(interaction, exc)


def ask_view(occurrence_id: int, language: str) -> ui.View:
    view = ui.View(timeout=None)
    view.add_item(CheckBackButton("went", occurrence_id, t(language, "checkback.went")))
    view.add_item(CheckBackButton("missed", occurrence_id, t(language, "checkback.missed")))
    return view


def _hours_label(language: str, hours: float) -> str:
    return t(language, "checkback.hours_option", hours=number(language, hours, 1))


class CheckBackModal(ui.Modal):
    """Worth (1–5 in words), hours with travel, what I got, what went wrong, a comment."""

    def __init__(
        self, occurrence_id: int, language: str, venue: VenueRecord, last: RatingEntry | None
    ) -> None:
        super().__init__(
            title=t(language, "checkback.modal.title"),
            custom_id=f"bp:checkback-modal:{occurrence_id}",
        )
        self.occurrence_id = occurrence_id
        self.worth: ui.RadioGroup[CheckBackModal] = ui.RadioGroup(
            custom_id="worth",
            options=[
                discord.RadioGroupOption(
                    label=t(language, f"checkback.worth.{n}"),
                    value=str(n),
                    default=last is not None and last.worth == n,
                )
                for n in range(5, 0, -1)
            ],
        )
        self.hours: ui.RadioGroup[CheckBackModal] = ui.RadioGroup(
            custom_id="hours",
            options=[
                discord.RadioGroupOption(
                    label=_hours_label(language, h),
                    value=str(h),
                    default=last is not None and last.hours == h,
                )
                for h in HOURS
            ],
        )
        self.got: ui.CheckboxGroup[CheckBackModal] = ui.CheckboxGroup(
            custom_id="got",
            required=False,
            options=[
                discord.CheckboxGroupOption(label=t(language, f"checkback.got.{key}"), value=key)
                for key in GOT
            ],
        )
        self.wrong: ui.CheckboxGroup[CheckBackModal] = ui.CheckboxGroup(
            custom_id="wrong",
            required=False,
            options=[
                discord.CheckboxGroupOption(label=t(language, f"checkback.wrong.{key}"), value=key)
                for key in WRONG
            ],
        )
        self.comment: ui.TextInput[CheckBackModal] = ui.TextInput(
            custom_id="comment",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=500,
        )
        for key, item in (
            ("worth", self.worth),
            ("hours", self.hours),
            ("got", self.got),
            ("wrong", self.wrong),
            ("comment", self.comment),
        ):
            label = t(language, f"checkback.modal.{key}", name=plain(venue.name))[:45]
            self.add_item(ui.Label(text=label, component=item))

    def answers(self) -> RatingInput:
        checked = validate_rating(
            worth=self.worth.value, hours=self.hours.value, comment=self.comment.value
        )
        return RatingInput(
            worth=checked.worth,
            hours=checked.hours,
            comment=checked.comment,
            got=sum(GOT[key] for key in self.got.values if key in GOT),
            flags=sum(WRONG[key] for key in self.wrong.values if key in WRONG),
        )

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        assert interaction.guild_id is not None
        outcome = await services_of(interaction).checkbacks.went(
            interaction.guild_id, self.occurrence_id, interaction.user.id, self.answers()
        )
        await interaction.response.send_message(
            rated_message(language_of(interaction.locale), outcome), ephemeral=True
        )

    # Modal.on_error itself drops BaseView.on_error's `item` argument: mypy flags the override.
    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        await report_error(interaction, error)


class CheckBacks(commands.Cog):
    def __init__(self, bot: BonnesPlaces) -> None:
        self.bot = bot
        self.service = bot.services.checkbacks
        self.scheduler.change_interval(seconds=bot.settings.routine_check_seconds)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(CheckBackButton)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        if not self.scheduler.is_running():
            self.scheduler.start()

    async def cog_unload(self) -> None:
        self.scheduler.cancel()

    @tasks.loop(seconds=60)
    async def scheduler(self) -> None:
        """Ask about every occurrence that ended, once, for the guilds this process serves."""
        now = await self.bot.services.clock.now()
        guilds = {guild.id: guild for guild in self.bot.guilds}
        try:
            due = await self.service.due(list(guilds), now)
        except Exception:
            log.exception("could not read the occurrences to ask about")
            return
        for item in due:
            try:
                if item.event_id is not None:
                    await self._read_interested(
                        item.guild_id, item.routine_id, item.occurrence_id, item.event_id
                    )
                ask = await self.service.claim(item.guild_id, item.occurrence_id, now)
                if ask is not None and ask.member_ids:
                    await self._post(guilds[item.guild_id], ask)
            except Exception:
                log.exception("the check-back of occurrence %s failed", item.occurrence_id)

    async def _read_interested(
        self, guild_id: int, routine_id: int, occurrence_id: int, event_id: int
    ) -> None:
        """Discord's "Interested" list counts as going: read it once more before asking."""
        try:
            member_ids = await interested_ids(self.bot, guild_id, event_id)
        except discord.HTTPException as exc:
            log.info("could not read who was interested in occurrence %s: %s", occurrence_id, exc)
            return
        if member_ids:
            await self.bot.services.routines.sync_interested(
                guild_id, routine_id, occurrence_id, member_ids
            )

    async def _post(self, guild: discord.Guild, ask: Ask) -> None:
        channel: Any = None
        for channel_id in (ask.thread_id, ask.card_channel_id):
            if channel_id is not None:
                channel = guild.get_channel_or_thread(channel_id)
                if channel is not None:
                    break
        if channel is None:
            log.info("no channel to ask about occurrence %s", ask.occurrence_id)
            await self.service.posted(ask.occurrence_id, 0, 0)
            return
        language = ask.language or language_of(guild.preferred_locale)
        mentions = " ".join(f"<@{member_id}>" for member_id in ask.member_ids)
        message = await channel.send(
            t(
                language,
                "checkback.ask",
                mentions=mentions,
                name=plain(ask.title or ask.venue.name),
            ),
            view=ask_view(ask.occurrence_id, language),
            # Named, not pinged: the opt-in reminder is the one place the bot pings.
            allowed_mentions=discord.AllowedMentions.none(),
        )
        await self.service.posted(ask.occurrence_id, channel.id, message.id)


async def setup(bot: BonnesPlaces) -> None:
    await bot.add_cog(CheckBacks(bot))
