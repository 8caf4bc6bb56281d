"""Choices and autocompletes that several commands offer."""

from __future__ import annotations

import discord
from discord.app_commands import Choice
from discord.app_commands import locale_str as _

from bot.domain.guilds import suggest_timezones

LANGUAGE_CHOICES: list[Choice[str]] = [
    Choice(name=_("French"), value="fr"),
    Choice(name=_("English"), value="en"),
    Choice(name=_("The server's language"), value="auto"),
]
WEEKDAY_CHOICES: list[Choice[int]] = [
    Choice(name=_("Monday"), value=0),
    Choice(name=_("Tuesday"), value=1),
    Choice(name=_("Wednesday"), value=2),
    Choice(name=_("Thursday"), value=3),
    Choice(name=_("Friday"), value=4),
    Choice(name=_("Saturday"), value=5),
    Choice(name=_("Sunday"), value=6),
]


async def timezone_choices(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
    """Time zones matching what the member typed."""
    return [Choice(name=zone, value=zone) for zone in suggest_timezones(current)]
