"""What do you hope to get? An optional select under the "you're going" reply (the card's
Going button, the digest's Going button and its commitment): up to three of the things the
check-back asks about, stored on the member's answer for that occurrence."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.app import report_error
from bot.domain.hopes import GOT_KEYS, keys_of, mask_of
from bot.i18n import language_of, t
from cogs.common import services_of


def hopes_text(language: str, mask: int | None) -> str:
    """'substance, a new contact': what a member hoped for, in words."""
    return ", ".join(t(language, f"hopes.short.{key}") for key in keys_of(mask))


class HopeSelect(ui.DynamicItem[ui.Select[Any]], template=r"bp:hopes:(?P<occurrence>\d+)"):
    """None to three of substance, real experience, a new contact; the occurrence is in the
    custom id, so the select answers after a restart."""

    def __init__(
        self, occurrence_id: int, language: str = "en", current: int | None = None
    ) -> None:
        super().__init__(
            ui.Select(
                custom_id=f"bp:hopes:{occurrence_id}",
                placeholder=t(language, "hopes.placeholder"),
                min_values=0,
                max_values=len(GOT_KEYS),
                options=[
                    discord.SelectOption(
                        label=t(language, f"hopes.option.{key}"),
                        value=key,
                        default=bool(current and current & bit),
                    )
                    for key, bit in GOT_KEYS
                ],
            )
        )
        self.occurrence_id = occurrence_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> HopeSelect:
        return cls(int(match["occurrence"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            assert interaction.guild_id is not None
            language = language_of(interaction.locale)
            data: Any = interaction.data or {}
            mask = mask_of(str(value) for value in data.get("values") or [])
            await services_of(interaction).hopes.hope(
                interaction.guild_id, self.occurrence_id, interaction.user.id, mask
            )
            text = (
                t(language, "hopes.saved", hopes=hopes_text(language, mask))
                if mask
                else t(language, "hopes.cleared")
            )
            await interaction.response.send_message(text, ephemeral=True)
        except Exception as exc:
            await report_error(interaction, exc)


def hopes_view(occurrence_id: int, language: str, current: int | None) -> ui.View:
    view = ui.View(timeout=None)
    view.add_item(HopeSelect(occurrence_id, language, current))
    return view


__all__ = ["HopeSelect", "hopes_text", "hopes_view"]
