"""Buttons, modals and paged lists. Persistent items survive restarts (DynamicItem)."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord import ui

from bot.app import report_error
from bot.domain.ratings import parse_criteria, validate_rating
from bot.i18n import language_of, number, t
from cogs.render import plain

if TYPE_CHECKING:
    from bot.app import BonnesPlaces

log = logging.getLogger(__name__)


class OwnedView(ui.View):
    """A view only the member who asked may use; it disables itself when it times out."""

    def __init__(self, owner_id: int, *, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.interaction: discord.Interaction | None = None

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            t(language_of(interaction.locale), "error.not_your_buttons"), ephemeral=True
        )
        return False

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, ui.Button | ui.Select):
                item.disabled = True
        if self.interaction is not None:
            try:
                await self.interaction.edit_original_response(view=self)
            except discord.HTTPException as exc:
                log.info("could not disable an expired view: %s", exc)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: ui.Item[Any]
    ) -> None:
        await report_error(interaction, error)


class Paginator(OwnedView):
    """Previous / Next over pre-rendered pages."""

    def __init__(
        self, owner_id: int, pages: Sequence[discord.Embed], language: str, *, timeout: float
    ) -> None:
        super().__init__(owner_id, timeout=timeout)
        self.pages = list(pages)
        self.index = 0
        self.previous.label = t(language, "page.previous")
        self.next.label = t(language, "page.next")
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1

    @property
    def page(self) -> discord.Embed:
        return self.pages[self.index]

    @ui.button(style=discord.ButtonStyle.secondary, emoji="◀️")
    async def previous(self, interaction: discord.Interaction, _: ui.Button[Any]) -> None:
        self.index = max(0, self.index - 1)
        self._sync()
        await interaction.response.edit_message(embed=self.page, view=self)

    @ui.button(style=discord.ButtonStyle.secondary, emoji="▶️")
    async def next(self, interaction: discord.Interaction, _: ui.Button[Any]) -> None:
        self.index = min(len(self.pages) - 1, self.index + 1)
        self._sync()
        await interaction.response.edit_message(embed=self.page, view=self)


class Confirm(OwnedView):
    """Two buttons: go ahead, or cancel. `on_confirm` does the work and answers."""

    def __init__(
        self,
        owner_id: int,
        language: str,
        on_confirm: Callable[[discord.Interaction], Awaitable[None]],
        *,
        timeout: float,
    ) -> None:
        super().__init__(owner_id, timeout=timeout)
        self.language = language
        self.on_confirm = on_confirm
        self.confirm.label = t(language, "duplicate.create_anyway")
        self.cancel.label = t(language, "duplicate.cancel")

    @ui.button(style=discord.ButtonStyle.primary, custom_id="confirm")
    async def confirm(self, interaction: discord.Interaction, _: ui.Button[Any]) -> None:
        self.stop()
        await self.on_confirm(interaction)

    @ui.button(style=discord.ButtonStyle.secondary, custom_id="cancel")
    async def cancel(self, interaction: discord.Interaction, _: ui.Button[Any]) -> None:
        self.stop()
        await interaction.response.edit_message(
            content=t(language_of(interaction.locale), "confirm.cancelled"), view=None
        )


class RateButton(ui.DynamicItem[ui.Button[Any]], template=r"bp:rate:(?P<venue_id>\d+)"):
    """The Rate button on every announcement; opens the rating modal."""

    def __init__(self, venue_id: int, label: str = "Rate") -> None:
        super().__init__(
            ui.Button(
                label=label,
                emoji="⭐",
                style=discord.ButtonStyle.primary,
                custom_id=f"bp:rate:{venue_id}",
            )
        )
        self.venue_id = venue_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Button[Any], match: re.Match[str]
    ) -> RateButton:
        return cls(int(match["venue_id"]))

    async def callback(self, interaction: discord.Interaction[BonnesPlaces]) -> None:
        try:
            await interaction.response.send_modal(
                RateModal(self.venue_id, language_of(interaction.locale))
            )
        except Exception as exc:
            await report_error(interaction, exc)


def rate_view(venue_id: int, language: str) -> ui.View:
    view = ui.View(timeout=None)
    view.add_item(RateButton(venue_id, t(language, "rate.button")))
    return view


class RateModal(ui.Modal):
    def __init__(self, venue_id: int, language: str) -> None:
        super().__init__(
            title=t(language, "rate.modal.title"), custom_id=f"bp:rate-modal:{venue_id}"
        )
        self.venue_id = venue_id
        self.worth = ui.TextInput(
            label=t(language, "rate.modal.worth"), placeholder="1-5", max_length=3
        )
        self.hours = ui.TextInput(
            label=t(language, "rate.modal.hours"), placeholder="1.5", max_length=6
        )
        self.criteria = ui.TextInput(
            label=t(language, "rate.modal.criteria"),
            placeholder=t(language, "rate.modal.criteria_placeholder"),
            required=False,
            max_length=11,
        )
        self.comment = ui.TextInput(
            label=t(language, "rate.modal.comment"),
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=500,
        )
        for item in (self.worth, self.hours, self.criteria, self.comment):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction[BonnesPlaces]) -> None:  # type: ignore[override]
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
        outcome = await interaction.client.services.ratings.rate(
            interaction.guild_id, str(self.venue_id), interaction.user.id, rating
        )
        await interaction.response.send_message(
            rated_message(language_of(interaction.locale), outcome), ephemeral=True
        )

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:  # type: ignore[override]
        await report_error(interaction, error)


def rated_message(language: str, outcome: Any) -> str:
    key = "rate.created" if outcome.created else "rate.updated"
    return t(
        language,
        key,
        name=plain(outcome.venue.name),
        score=number(language, outcome.score.rit, 2, exact=True),
        count=outcome.score.ratings,
    )
