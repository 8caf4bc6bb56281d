"""The question's thread under each digest: members answer through a form, their answer is
posted there with a button by which its author (and only they) agrees to be quoted in the
next digest. The bot reads no message content: the form brings the answer."""

from __future__ import annotations

import logging
import re
from typing import Any, Final, Literal

import discord
from discord import ui

from bot.app import report_error
from bot.domain.digest_answers import ANSWER_MAX
from bot.domain.schedule import IsoWeek
from bot.i18n import language_of, t
from cogs.common import services_of
from cogs.common.render import clip, plain

log = logging.getLogger(__name__)

THREAD_ARCHIVE_MINUTES: Final[Literal[10080]] = 10080


async def open_question_thread(
    message: discord.Message, question: str, week: IsoWeek, language: str
) -> None:
    """Start the thread under the digest and post its opener with the Answer button;
    a thread the bot may not start is logged, the digest stays posted."""
    try:
        thread = await message.create_thread(
            name=clip(question, 100), auto_archive_duration=THREAD_ARCHIVE_MINUTES
        )
        view = ui.View(timeout=None)
        view.add_item(AnswerButton(week, t(language, "digest.button.answer")))
        await thread.send(
            t(language, "digest.thread.opener"),
            view=view,
            allowed_mentions=discord.AllowedMentions.none(),
        )
    except discord.HTTPException as exc:
        log.warning("could not open the question thread of digest %s: %s", message.id, exc)


class AnswerModal(ui.Modal):
    def __init__(self, week: IsoWeek, language: str) -> None:
        super().__init__(
            title=t(language, "digest.answer.modal.title"),
            custom_id=f"bp:digest-answer-modal:{week[0]}:{week[1]}",
        )
        self.week = week
        self.text: ui.TextInput[AnswerModal] = ui.TextInput(
            label=t(language, "digest.answer.modal.label"),
            style=discord.TextStyle.paragraph,
            max_length=ANSWER_MAX,
            custom_id="answer",
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        try:
            await self._submit(interaction)
        except Exception as exc:
            await report_error(interaction, exc)

    async def _submit(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        services = services_of(interaction)
        answer_id, text = await services.digest_answers.answer(
            interaction.guild_id, self.week, interaction.user.id, self.text.value
        )
        channel = interaction.channel
        assert isinstance(channel, discord.abc.Messageable)
        config = await services.guilds.config(interaction.guild_id)
        guild = interaction.guild
        post_language = config.post_language(guild.preferred_locale if guild else None)
        view = ui.View(timeout=None)
        view.add_item(ConsentButton(answer_id, t(post_language, "digest.button.consent")))
        await channel.send(
            t(
                post_language,
                "digest.answer.posted",
                member=interaction.user.mention,
                text=plain(text),
            ),
            view=view,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        await interaction.response.send_message(
            t(language_of(interaction.locale), "digest.answer.thanks"), ephemeral=True
        )


class AnswerButton(
    ui.DynamicItem[ui.Button[Any]], template=r"bp:digest:answer:(?P<year>\d{4}):(?P<week>\d{1,2})"
):
    """Opens the answer form of the digest of that ISO week (works after a restart)."""

    def __init__(self, week: IsoWeek, label: str | None = None) -> None:
        super().__init__(
            ui.Button(
                label=label or "Answer",
                style=discord.ButtonStyle.primary,
                custom_id=f"bp:digest:answer:{week[0]}:{week[1]}",
            )
        )
        self.week = week

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> AnswerButton:
        return cls((int(match["year"]), int(match["week"])))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(
            AnswerModal(self.week, language_of(interaction.locale))
        )


class ConsentButton(ui.DynamicItem[ui.Button[Any]], template=r"bp:digest:consent:(?P<id>\d+)"):
    """On an answer: its author agrees to be quoted in the next digest, or takes it back."""

    def __init__(self, answer_id: int, label: str | None = None) -> None:
        super().__init__(
            ui.Button(
                label=label or "Quote me",
                style=discord.ButtonStyle.secondary,
                custom_id=f"bp:digest:consent:{answer_id}",
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> ConsentButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            assert interaction.guild_id is not None
            agreed = await services_of(interaction).digest_answers.toggle_consent(
                interaction.guild_id, self.answer_id, interaction.user.id
            )
            key = "digest.consent.on" if agreed else "digest.consent.off"
            await interaction.response.send_message(
                t(language_of(interaction.locale), key), ephemeral=True
            )
        except Exception as exc:
            await report_error(interaction, exc)
