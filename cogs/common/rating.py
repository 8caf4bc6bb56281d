"""The Rate button (on every announcement and the digest's best places) and the rating
form it opens.

The button is persistent: its custom id carries the venue id, so it works after a restart."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.app import report_error
from bot.domain.ratings import parse_criteria, validate_rating
from bot.i18n import language_of, number, t
from cogs.common import services_of
from cogs.common.render import rated_message
from db.repositories import RatingEntry


class RateButton(ui.DynamicItem[ui.Button[Any]], template=r"bp:rate:(?P<venue_id>\d+)"):
    """The Rate button on every announcement; opens the rating modal."""

    def __init__(self, venue_id: int, label: str = "Rate", emoji: str = "⭐") -> None:
        super().__init__(
            ui.Button(
                label=label,
                emoji=emoji,
                style=discord.ButtonStyle.primary,
                custom_id=f"bp:rate:{venue_id}",
            )
        )
        self.venue_id = venue_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> RateButton:
        return cls(int(match["venue_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            assert interaction.guild_id is not None
            await services_of(interaction).ratings.may_rate(
                interaction.guild_id, self.venue_id, interaction.user.id
            )
            last = await services_of(interaction).ratings.last_answers(
                interaction.guild_id, self.venue_id, interaction.user.id
            )
            await interaction.response.send_modal(
                RateModal(self.venue_id, language_of(interaction.locale), last)
            )
        except Exception as exc:
            await report_error(interaction, exc)


def rate_view(venue_id: int, language: str) -> ui.View:
    view = ui.View(timeout=None)
    view.add_item(RateButton(venue_id, t(language, "rate.button")))
    return view


def _grades(last: RatingEntry) -> str:
    return " ".join(
        str(grade) for grade in (last.substance, last.experience, last.connections) if grade
    )


class RateModal(ui.Modal):
    """Worth, hours, criteria and comment; pre-filled with the member's last answers."""

    def __init__(self, venue_id: int, language: str, last: RatingEntry | None = None) -> None:
        super().__init__(
            title=t(language, "rate.modal.title"), custom_id=f"bp:rate-modal:{venue_id}"
        )
        self.venue_id = venue_id
        self.worth: ui.TextInput[RateModal] = ui.TextInput(
            label=t(language, "rate.modal.worth"), placeholder="1-5", max_length=3
        )
        self.hours: ui.TextInput[RateModal] = ui.TextInput(
            label=t(language, "rate.modal.hours"),
            placeholder=t(language, "rate.modal.hours_placeholder"),
            max_length=10,
        )
        self.criteria: ui.TextInput[RateModal] = ui.TextInput(
            label=t(language, "rate.modal.criteria"),
            placeholder=t(language, "rate.modal.criteria_placeholder"),
            required=False,
            max_length=11,
        )
        self.comment: ui.TextInput[RateModal] = ui.TextInput(
            label=t(language, "rate.modal.comment"),
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=500,
        )
        if last is not None:
            self.worth.default = str(last.worth)
            self.hours.default = number(language, last.hours, 2)
            self.criteria.default = _grades(last) or None
            self.comment.default = last.comment
        for item in (self.worth, self.hours, self.criteria, self.comment):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        criteria = parse_criteria(self.criteria.value)
        rating = validate_rating(
            worth=self.worth.value,
            hours=self.hours.value,
            substance=criteria[0],
            experience=criteria[1],
            connections=criteria[2],
            comment=self.comment.value,
        )
        assert interaction.guild_id is not None
        outcome = await services_of(interaction).ratings.rate(
            interaction.guild_id, self.venue_id, interaction.user.id, rating
        )
        await interaction.response.send_message(
            rated_message(language_of(interaction.locale), outcome, rating), ephemeral=True
        )

    # Modal.on_error itself drops BaseView.on_error's `item` argument: mypy flags the override.
    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        await report_error(interaction, error)


__all__ = ["RateButton", "RateModal", "rate_view", "rated_message"]
