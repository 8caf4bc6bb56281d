"""French names, descriptions and choices for the slash commands.

Commands are declared in English; each English string is the key of its French form.
Discord requires localized command and option names to be lower-case, without spaces and
at most 32 characters: `tests/unit/test_i18n.py` checks every entry.
"""

from __future__ import annotations

import discord
from discord import app_commands

FRENCH_LOCALES = frozenset({discord.Locale.french})

COMMANDS_FR: dict[str, str] = {
    # /venue
    "venue": "lieu",
    "Propose, show and vote on the venues worth your time": (
        "Proposer, consulter et voter pour les lieux qui valent votre temps"
    ),
    "propose": "proposer",
    "Propose a venue or gathering worth the time": (
        "Proposer un lieu ou un rendez-vous qui vaut le temps investi"
    ),
    "show": "afficher",
    "Show a venue with its votes": "Afficher un lieu et ses votes",
    # options
    "name": "nom",
    "The venue's name": "Le nom du lieu",
    "kind": "type",
    "What kind of venue it is": "Le type de lieu",
    "city": "ville",
    "The city it is in": "La ville où il se trouve",
    "address": "adresse",
    "Street address": "Adresse postale",
    "url": "lien",
    "Web page (http or https)": "Page web (http ou https)",
    "description": "description",
    "What makes it worth the time": "Ce qui fait qu'il vaut le temps investi",
    "tags": "tags",
    "Up to 5 tags, separated by commas": "Jusqu'à 5 tags, séparés par des virgules",
    "The venue (start typing to search)": "Le lieu (commencez à taper pour chercher)",
    # kind choices
    "Meetup": "Meetup",
    "Conference": "Conférence",
    "Seminar": "Séminaire",
    "Afterwork": "Afterwork",
    "Coworking space": "Espace de coworking",
    "Association": "Association",
    "Workshop": "Atelier",
    "Other": "Autre",
}


class CommandTranslator(app_commands.Translator):
    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale in FRENCH_LOCALES:
            return COMMANDS_FR.get(string.message)
        return None
