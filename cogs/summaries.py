"""The monthly summary to hosts and proposers: one private message, in the guild's
language, with counts only, and a button to stop them (or take them back)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import TYPE_CHECKING, Any

import discord
from discord import ui
from discord.ext import commands

from bot.app import report_error
from bot.domain.summaries import Summary
from bot.i18n import language_of, month_text, number, t
from cogs.common import services_of
from cogs.common.render import plain
from cogs.common.schedule import ClaimLoop, ClaimRound
from db.repositories.summaries import SummaryRecord

if TYPE_CHECKING:
    from bot.app import BonnesPlaces

log = logging.getLogger(__name__)

GOT_KEYS = ("substance", "experience", "contact")
WRONG_KEYS = ("ego", "pitch", "nothing_new", "cliquey")


def summary_text(language: str, summary: Summary) -> str:
    """The summary's lines: counts of the month's answers, nobody named."""
    f = summary.figures
    lines = [
        t(
            language,
            f"summary.title.{summary.subject}",
            name=plain(summary.name),
            month=month_text(language, summary.month),
        ),
        t(language, "summary.answered", count=f.respondents, answers=f.answers),
        t(
            language,
            "summary.worth",
            median=number(language, f.median_worth, 1),
            spread=" · ".join(
                t(language, "summary.worth_count", worth=5 - i, count=count)
                for i, count in enumerate(f.worth)
                if count
            ),
        ),
        t(language, "summary.got", **dict(zip(GOT_KEYS, f.got, strict=True))),
    ]
    wrong = [
        t(language, f"venue.wrong.{key}", count=count)
        for key, count in zip(WRONG_KEYS, f.flags, strict=True)
        if count
    ]
    lines.append(
        t(language, "summary.wrong", flags=" · ".join(wrong) or t(language, "venue.wrong.none"))
    )
    if f.hoped:
        lines.append(t(language, "summary.hopes", count=f.met, total=f.hoped))
    else:
        lines.append(t(language, "summary.no_hopes"))
    lines.append(t(language, f"summary.why.{summary.subject}"))
    return "\n".join(lines)


class SummaryButton(
    ui.DynamicItem[ui.Button[Any]],
    template=r"bp:summaries:(?P<action>stop|resume):(?P<guild>\d+)",
):
    """ "Stop these summaries" under a summary (and "Send them again" after); the guild is
    in the custom id, since a direct message has none."""

    def __init__(self, action: str, guild_id: int, label: str = "") -> None:
        super().__init__(
            ui.Button(
                label=label or action,
                style=discord.ButtonStyle.secondary,
                custom_id=f"bp:summaries:{action}:{guild_id}",
            )
        )
        self.action = action
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> SummaryButton:
        return cls(match["action"], int(match["guild"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        language = language_of(interaction.locale)
        resume = self.action == "resume"
        try:
            await services_of(interaction).summaries.set_summaries(
                self.guild_id, interaction.user.id, resume
            )
        except Exception as error:
            await report_error(interaction, error)
            return
        await interaction.response.send_message(
            t(language, "summary.resumed" if resume else "summary.stopped"),
            view=summary_view("stop" if resume else "resume", self.guild_id, language),
        )


def summary_view(action: str, guild_id: int, language: str) -> ui.View:
    view = ui.View(timeout=None)
    view.add_item(SummaryButton(action, guild_id, t(language, f"summary.button.{action}")))
    return view


class MonthlySummaries(commands.Cog):
    def __init__(self, bot: BonnesPlaces) -> None:
        self.bot = bot
        self.service = bot.services.summaries
        self.rounds = ClaimLoop(
            bot, ClaimRound("monthly summary", self.service.due, self._claim, self._send)
        )

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(SummaryButton)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        self.rounds.start()

    async def cog_unload(self) -> None:
        self.rounds.stop()

    async def _claim(self, item: SummaryRecord, now: dt.datetime) -> Summary | None:
        return await self.service.claim(item, now)

    async def _send(self, summary: Summary) -> None:
        guild = self.bot.get_guild(summary.guild_id)
        language = summary.language or (
            language_of(guild.preferred_locale) if guild is not None else "en"
        )
        outcome = "sent"
        try:
            channel = await self.bot.create_dm(discord.Object(summary.recipient_id))
            await channel.send(
                summary_text(language, summary),
                view=summary_view("stop", summary.guild_id, language),
                allowed_mentions=discord.AllowedMentions.none(),
                nonce=f"summary-{summary.summary_id}",
            )
        except discord.Forbidden:
            log.info("summary %s: the member's direct messages are closed", summary.summary_id)
            outcome = "closed"
        await self.service.sent(summary.summary_id, outcome)


async def setup(bot: BonnesPlaces) -> None:
    await bot.add_cog(MonthlySummaries(bot))
