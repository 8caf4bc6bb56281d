"""My IRL this week, under the digest: "I commit to one gathering this week" opens a select of
the coming week's gatherings; the choice is the member's commitment for that week, and
counts them as going on the routine's card at once. Both are dynamic items, so they answer
after a restart."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.app import BonnesPlaces, report_error
from bot.domain.commitments import CHOICES
from bot.i18n import language_of, t, weekday_text
from cogs.common import services_of
from cogs.common.hopes import hopes_view
from cogs.common.render import clip, plain
from cogs.routine_card import refresh_card, sync_interested


class CommitButton(ui.DynamicItem[ui.Button[Any]], template=r"bp:commit"):
    """The digest's "I commit to one gathering this week"."""

    def __init__(self, label: str = "I commit to one gathering this week") -> None:
        super().__init__(
            ui.Button(
                label=label, emoji="🤝", style=discord.ButtonStyle.success, custom_id="bp:commit"
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> CommitButton:
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            assert interaction.guild_id is not None
            language = language_of(interaction.locale)
            zone, choices = await services_of(interaction).commitments.choices(interaction.guild_id)
            if not choices:
                await interaction.response.send_message(t(language, "commit.none"), ephemeral=True)
                return
            options = []
            for gathering in choices[:CHOICES]:
                local = gathering.starts_at.astimezone(zone)
                when = f"{weekday_text(language, local.weekday())} {local:%H:%M}"
                label = f"{when} · {gathering.venue}"
                options.append(
                    discord.SelectOption(
                        label=clip(label, 100),
                        value=str(gathering.occurrence_id),
                        description=clip(gathering.title, 100) if gathering.title else None,
                    )
                )
            view = ui.View(timeout=None)
            view.add_item(CommitSelect(options, t(language, "commit.placeholder")))
            await interaction.response.send_message(
                t(language, "commit.pick"), view=view, ephemeral=True
            )
        except Exception as exc:
            await report_error(interaction, exc)


class CommitSelect(ui.DynamicItem[ui.Select[Any]], template=r"bp:commit:pick"):
    """The select of the week's gatherings; the chosen one is the member's commitment."""

    def __init__(
        self, options: list[discord.SelectOption] | None = None, placeholder: str | None = None
    ) -> None:
        super().__init__(
            ui.Select(
                custom_id="bp:commit:pick",
                options=options or [discord.SelectOption(label="-", value="0")],
                placeholder=placeholder,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> CommitSelect:
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            assert interaction.guild_id is not None
            language = language_of(interaction.locale)
            data: Any = interaction.data or {}
            values = data.get("values") or []
            if not values or not str(values[0]).isdigit():
                await interaction.response.send_message(
                    t(language, "error.commitment_closed"), ephemeral=True
                )
                return
            services = services_of(interaction)
            committed = await services.commitments.commit(
                interaction.guild_id, interaction.user.id, int(values[0])
            )
            chosen = committed.gathering
            current = await services.hopes.current(chosen.occurrence_id, interaction.user.id)
            await interaction.response.send_message(
                t(
                    language,
                    "commit.done",
                    venue=plain(clip(chosen.venue, 60)),
                    date=f"<t:{int(chosen.starts_at.timestamp())}:f>",
                ),
                view=hopes_view(chosen.occurrence_id, language, current),
                ephemeral=True,
                allowed_mentions=discord.AllowedMentions.none(),
            )
            await _refresh_routine_card(interaction, chosen.routine_id)
            released = committed.released_routine_id
            if released is not None and released != chosen.routine_id:
                await _refresh_routine_card(interaction, released)
        except Exception as exc:
            await report_error(interaction, exc)


async def _refresh_routine_card(interaction: discord.Interaction, routine_id: int) -> None:
    """Committing is going: the routine's card counts the member at once, as its own
    Going button does (with Discord's "Interested" list read the same way)."""
    client, guild = interaction.client, interaction.guild
    assert isinstance(client, BonnesPlaces) and guild is not None
    upcoming = await client.services.routines.upcoming(guild.id, routine_id)
    await refresh_card(client, guild, await sync_interested(client, guild, upcoming))


__all__ = ["CommitButton", "CommitSelect"]
