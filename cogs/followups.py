"""The follow-up of a valuable new contact: one private message, thirty days on, with four
buttons (a call, a client, a collaboration, nothing yet); the answer is stored once."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import TYPE_CHECKING, Any

import discord
from discord import ui
from discord.ext import commands

from bot.app import report_error
from bot.domain.followups import FollowUpAsk
from bot.i18n import language_of, t
from cogs.common import services_of
from cogs.common.render import plain
from cogs.common.schedule import ClaimLoop, ClaimRound
from db.repositories.followups import FOLLOWUP_ANSWERS, FollowUpRecord

if TYPE_CHECKING:
    from bot.app import BonnesPlaces

log = logging.getLogger(__name__)


class FollowUpButton(
    ui.DynamicItem[ui.Button[Any]],
    template=r"bp:followup:(?P<answer>call|client|collaboration|nothing):(?P<id>\d+)",
):
    """One answer under the private question; persistent across restarts."""

    def __init__(self, answer: str, followup_id: int, label: str = "") -> None:
        super().__init__(
            ui.Button(
                label=label or answer,
                style=discord.ButtonStyle.secondary
                if answer == "nothing"
                else discord.ButtonStyle.success,
                custom_id=f"bp:followup:{answer}:{followup_id}",
            )
        )
        self.answer = answer
        self.followup_id = followup_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> FollowUpButton:
        return cls(match["answer"], int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        language = language_of(interaction.locale)
        try:
            await services_of(interaction).followups.answer(
                self.followup_id, interaction.user.id, self.answer
            )
        except Exception as error:
            await report_error(interaction, error)
            return
        await interaction.response.send_message(t(language, "followup.thanks"))


def followup_view(followup_id: int, language: str) -> ui.View:
    view = ui.View(timeout=None)
    for answer in FOLLOWUP_ANSWERS:
        view.add_item(FollowUpButton(answer, followup_id, t(language, f"followup.answer.{answer}")))
    return view


class FollowUps(commands.Cog):
    def __init__(self, bot: BonnesPlaces) -> None:
        self.bot = bot
        self.service = bot.services.followups
        self.rounds = ClaimLoop(
            bot, ClaimRound("follow-up", self.service.due, self._claim, self._send)
        )

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(FollowUpButton)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        self.rounds.start()

    async def cog_unload(self) -> None:
        self.rounds.stop()

    async def _claim(self, item: FollowUpRecord, now: dt.datetime) -> FollowUpAsk | None:
        return await self.service.claim(item.id, now)

    async def _send(self, ask: FollowUpAsk) -> None:
        language = ask.language or "en"
        try:
            channel = await self.bot.create_dm(discord.Object(ask.member_id))
            await channel.send(
                t(language, "followup.ask", name=plain(ask.venue_name)),
                view=followup_view(ask.followup_id, language),
            )
        except discord.Forbidden:
            log.info("follow-up %s: the member's direct messages are closed", ask.followup_id)
        await self.service.asked(ask.followup_id)


async def setup(bot: BonnesPlaces) -> None:
    await bot.add_cog(FollowUps(bot))
