"""Views a member owns: paged lists and confirmations."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import discord
from discord import ui

from bot.app import report_error
from bot.i18n import language_of, t
from cogs.common import Interaction

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


@dataclass(frozen=True, slots=True)
class Page:
    """A page as drawn: its embed, its index (from 0) and how many pages there were."""

    embed: discord.Embed
    index: int
    count: int


class Paginator(OwnedView):
    """Previous / Next over `count` pages. `turn(index)` reads the list again and draws
    that page (or the last one, if the list got shorter) at each click: an open list keeps
    the parameters of its query, never its results or its pages, however long its buttons
    work."""

    def __init__(
        self,
        owner_id: int,
        count: int,
        turn: Callable[[int], Awaitable[Page]],
        language: str,
        *,
        timeout: float,
    ) -> None:
        super().__init__(owner_id, timeout=timeout)
        self.count = count
        self.turn = turn
        self.index = 0
        self.previous.label = t(language, "page.previous")
        self.next.label = t(language, "page.next")
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= self.count - 1

    async def _show(self, interaction: discord.Interaction, index: int) -> None:
        page = await self.turn(max(0, index))
        self.index, self.count = page.index, page.count
        self._sync()
        await interaction.response.edit_message(embed=page.embed, view=self)

    @ui.button(style=discord.ButtonStyle.secondary, emoji="◀️")
    async def previous(self, interaction: discord.Interaction, _: ui.Button[Any]) -> None:
        await self._show(interaction, self.index - 1)

    @ui.button(style=discord.ButtonStyle.secondary, emoji="▶️")
    async def next(self, interaction: discord.Interaction, _: ui.Button[Any]) -> None:
        await self._show(interaction, self.index + 1)


class Confirm(OwnedView):
    """Two buttons: go ahead, or cancel. `on_confirm` does the work and answers."""

    def __init__(
        self,
        owner_id: int,
        language: str,
        on_confirm: Callable[[Interaction], Awaitable[None]],
        *,
        timeout: float,
    ) -> None:
        super().__init__(owner_id, timeout=timeout)
        self.language = language
        self.on_confirm = on_confirm
        self.confirm.label = t(language, "duplicate.create_anyway")
        self.cancel.label = t(language, "duplicate.cancel")

    @ui.button(style=discord.ButtonStyle.primary, custom_id="confirm")
    async def confirm(self, interaction: Interaction, _: ui.Button[Any]) -> None:
        self.stop()
        await self.on_confirm(interaction)

    @ui.button(style=discord.ButtonStyle.secondary, custom_id="cancel")
    async def cancel(self, interaction: discord.Interaction, _: ui.Button[Any]) -> None:
        self.stop()
        await interaction.response.edit_message(
            content=t(language_of(interaction.locale), "confirm.cancelled"), view=None
        )
