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
    "Propose, rate, find and vote on the venues worth your time": "Proposer, noter, trouver et voter pour les lieux qui valent votre temps",
    "rate": "noter",
    "Rate a venue: was it worth your time?": "Noter un lieu : valait-il votre temps ?",
    "worth": "valeur",
    "Was it worth the time you invested? 1 to 5": "Valait-il le temps investi ? De 1 à 5",
    "hours": "heures",
    "Hours it took, travel included": "Heures passées, trajet compris",
    "substance": "fond",
    "Did you hear substance? 1 to 5": "Y avez-vous entendu du fond ? De 1 à 5",
    "experience": "expérience",
    "Real experience rather than promises? 1 to 5": "De l'expérience réelle plutôt que des promesses ? De 1 à 5",
    "connections": "rencontres",
    "Valuable new connections? 1 to 5": "De nouvelles rencontres utiles ? De 1 à 5",
    "comment": "commentaire",
    "What you would tell a colleague (shown without your name)": "Ce que vous diriez à un collègue (affiché sans votre nom)",
    "search": "chercher",
    "Search the venues": "Chercher parmi les lieux",
    "query": "texte",
    "Words to look for in names, cities, descriptions and tags": "Mots à chercher dans les noms, villes, descriptions et tags",
    "Only in this city": "Seulement dans cette ville",
    "Only this kind": "Seulement ce type",
    "tag": "tag",
    "Only with this tag": "Seulement avec ce tag",
    "sort": "tri",
    "Order of the results": "Ordre des résultats",
    "Best RIT score": "Meilleur score RIT",
    "Most recent": "Plus récents",
    "Most votes": "Plus de votes",
    "top": "meilleurs",
    "The best venues by RIT score": "Les meilleurs lieux selon le score RIT",
    "period": "période",
    "Ratings from this period": "Notes de cette période",
    "This week": "Cette semaine",
    "This month": "Ce mois-ci",
    "All time": "Depuis toujours",
    "edit": "modifier",
    "Edit a venue you proposed": "Modifier un lieu que vous avez proposé",
    "Street address (a single space clears it)": "Adresse postale (une espace seule l'efface)",
    "Web page (a single space clears it)": "Page web (une espace seule l'efface)",
    "What makes it worth the time (a single space clears it)": "Ce qui fait qu'il vaut le temps (une espace seule l'efface)",
    "Up to 5 tags, separated by commas (a single space clears them)": "Jusqu'à 5 tags, séparés par des virgules (une espace seule les efface)",
    "remove": "retirer",
    "Remove a venue you proposed": "Retirer un lieu que vous avez proposé",
    "reason": "raison",
    "Why it is removed (shown on the announcement)": "Pourquoi il est retiré (affiché sur l'annonce)",
    "visit": "visite",
    "Log a visit to a venue": "Noter une visite dans un lieu",
    "date": "date",
    "When, as YYYY-MM-DD (default: today)": "Quand, au format AAAA-MM-JJ (par défaut : aujourd'hui)",
    "settings": "réglages",
    "Show or change this server's settings": "Afficher ou modifier les réglages du serveur",
    "venue_channel": "salon_des_lieux",
    "Where new venues are announced": "Où les nouveaux lieux sont annoncés",
    "language": "langue",
    "Language of the bot's posts in this server": "Langue des publications du bot sur ce serveur",
    "timezone": "fuseau_horaire",
    "Time zone, e.g. Europe/Paris": "Fuseau horaire, par ex. Europe/Paris",
    "moderation": "modération",
    "New proposals wait for a moderator's approval": "Les nouvelles propositions attendent l'approbation d'un modérateur",
    "moderator_role": "rôle_modérateur",
    "Members with this role moderate venues": "Les membres ayant ce rôle modèrent les lieux",
    "French": "Français",
    "English": "Anglais",
    "The server's language": "La langue du serveur",
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
