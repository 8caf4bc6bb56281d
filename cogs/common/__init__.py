"""What several cogs share: option helpers, choices, permission checks, text and views.

The cogs import from here and from the domain, never from one another."""

from __future__ import annotations

from typing import TypeAlias

import discord

from bot.app import BonnesPlaces
from bot.services import Services

#: An interaction with the bot as its client (and so `interaction.client.services`).
Interaction: TypeAlias = discord.Interaction[BonnesPlaces]


def services_of(interaction: discord.Interaction) -> Services:
    """The bot's services, from an interaction typed with any client: discord.py's base
    classes (items, transformers) type the interactions they hand to overrides so."""
    client = interaction.client
    assert isinstance(client, BonnesPlaces)
    return client.services
