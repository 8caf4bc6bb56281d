"""The check-back: after an occurrence ends, "Were you there?" to the members who were going,
in the routine's thread (or the card's channel); "I went" opens a form of radio and checkbox
groups whose one submit records a visit and a rating tied to that occurrence."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import TYPE_CHECKING, Any

import discord
from discord import ui
from discord.ext import commands

from bot.app import report_error
from bot.domain.checkback import Ask, DueCheckBack, OpenAsk
from bot.domain.hopes import GOT_KEYS
from bot.domain.ranking import FLAG_CLIQUEY, FLAG_EGO, FLAG_NOTHING_NEW, FLAG_PITCH
from bot.domain.rating_history import RatingInput
from bot.domain.ratings import validate_rating
from bot.i18n import language_of, number, t
from cogs.common import services_of
from cogs.common.hopes import hopes_text
from cogs.common.render import plain, rated_message
from cogs.common.schedule import ClaimLoop, ClaimRound
from cogs.routine_card import interested_ids
from db.repositories import RatingEntry

if TYPE_CHECKING:
    from bot.app import BonnesPlaces

log = logging.getLogger(__name__)

GOT = dict(GOT_KEYS)
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
            opened = await service.open_ask(
                interaction.guild_id, self.occurrence_id, interaction.user.id
            )
            await interaction.response.send_modal(
                CheckBackModal(self.occurrence_id, language, opened)
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


def _worth_group(language: str, last: RatingEntry | None) -> ui.RadioGroup[CheckBackModal]:
    return ui.RadioGroup(
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


def _hours_group(language: str, last: RatingEntry | None) -> ui.RadioGroup[CheckBackModal]:
    return ui.RadioGroup(
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


def _checkboxes(
    language: str, key: str, values: dict[str, int]
) -> ui.CheckboxGroup[CheckBackModal]:
    return ui.CheckboxGroup(
        custom_id=key,
        required=False,
        options=[
            discord.CheckboxGroupOption(label=t(language, f"checkback.{key}.{value}"), value=value)
            for value in values
        ],
    )


class CheckBackModal(ui.Modal):
    """Worth (1–5 in words), hours with travel, what I got (reminded of what they hoped),
    what went wrong, a comment."""

    def __init__(self, occurrence_id: int, language: str, opened: OpenAsk) -> None:
        super().__init__(
            title=t(language, "checkback.modal.title"),
            custom_id=f"bp:checkback-modal:{occurrence_id}",
        )
        self.occurrence_id = occurrence_id
        self.worth = _worth_group(language, opened.last)
        self.hours = _hours_group(language, opened.last)
        self.got = _checkboxes(language, "got", GOT)
        self.wrong = _checkboxes(language, "wrong", WRONG)
        self.comment: ui.TextInput[CheckBackModal] = ui.TextInput(
            custom_id="comment",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=500,
        )
        hoped = (
            t(language, "checkback.modal.hoped", hopes=hopes_text(language, opened.hopes))[:100]
            if opened.hopes
            else None
        )
        for key, item, description in (
            ("worth", self.worth, None),
            ("hours", self.hours, None),
            ("got", self.got, hoped),
            ("wrong", self.wrong, None),
            ("comment", self.comment, None),
        ):
            label = t(language, f"checkback.modal.{key}", name=plain(opened.venue.name))[:45]
            self.add_item(ui.Label(text=label, component=item, description=description))

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
        self.rounds = ClaimLoop(
            bot, ClaimRound("check-back", self.service.due, self._claim, self._post)
        )

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(CheckBackButton)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        self.rounds.start()

    async def cog_unload(self) -> None:
        self.rounds.stop()

    async def _claim(self, item: DueCheckBack, now: dt.datetime) -> Ask | None:
        """Ask about an occurrence that ended, once: Discord's "Interested" list is read
        once more, then the occurrence claimed; nothing to post when nobody was going."""
        if item.event_id is not None:
            await self._read_interested(
                item.guild_id, item.routine_id, item.occurrence_id, item.event_id
            )
        ask = await self.service.claim(item.guild_id, item.occurrence_id, now)
        return ask if ask is not None and ask.member_ids else None

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

    async def _post(self, ask: Ask) -> None:
        guild = self.bot.get_guild(ask.guild_id)
        if guild is None:
            log.info("the guild of occurrence %s is out of reach", ask.occurrence_id)
            return
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
