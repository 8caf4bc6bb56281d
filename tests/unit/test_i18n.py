"""Both catalogues complete, and every localized command name valid for Discord."""

from __future__ import annotations

import re
import string

import discord
from discord import app_commands

from bot.app import BonnesPlaces
from bot.i18n import CATALOGUES, language_of, t
from bot.i18n.translator import COMMANDS_FR

NAME = re.compile(r"^[-_\w]{1,32}$")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def forms(message: str | dict[str, str]) -> list[str]:
    return list(message.values()) if isinstance(message, dict) else [message]


def test_every_key_in_both_languages_with_the_same_placeholders() -> None:
    en, fr = CATALOGUES["en"], CATALOGUES["fr"]
    assert set(en) == set(fr), set(en) ^ set(fr)
    for key in en:
        expected = placeholders(forms(en[key])[0])
        for text in forms(en[key]) + forms(fr[key]):
            assert placeholders(text) == expected, key
            assert text.strip(), key
        if isinstance(en[key], dict) or isinstance(fr[key], dict):
            assert set(forms(en[key]) and en[key]) == {"one", "other"}, key
            assert set(fr[key]) == {"one", "other"} and "count" in expected, key


def test_plural_forms_follow_each_language() -> None:
    assert t("en", "hit.rit", score="4.00", count=1) == "4.00/5 (1 rating)"
    assert t("en", "hit.rit", score="4.00", count=0) == "4.00/5 (0 ratings)"
    assert t("fr", "hit.rit", score="4,00", count=0) == "4,00/5 (0 note)"
    assert t("fr", "hit.rit", score="4,00", count=2) == "4,00/5 (2 notes)"


def test_language_of_discord_locales() -> None:
    assert language_of(discord.Locale.french) == "fr"
    assert language_of("fr") == "fr"
    assert language_of(discord.Locale.american_english) == "en"
    assert language_of(None) == "en"
    assert t("fr", "error.venue_not_found", query="X").startswith("Aucun lieu")


def _walk(payload: dict) -> list[dict]:
    items = [payload]
    for option in payload.get("options", []):
        items += _walk(option)
    return items


async def test_every_command_string_is_translated_and_valid(bot: BonnesPlaces) -> None:
    translator = bot.tree.translator
    assert translator is not None
    for command in bot.tree.get_commands():
        payload = await command.get_translated_payload(bot.tree, translator)
        for item in _walk(payload):
            french_name = (item.get("name_localizations") or {}).get("fr")
            assert french_name, f"{item['name']} has no French name"
            for name in (item["name"], french_name):
                assert NAME.match(name) and name == name.lower(), name
            french_description = (item.get("description_localizations") or {}).get("fr")
            if item.get("description"):
                assert french_description, f"{item['name']} has no French description"
                assert len(item["description"]) <= 100 and len(french_description) <= 100
            for choice in item.get("choices", []):
                assert (choice.get("name_localizations") or {}).get("fr"), choice
                assert len(choice["name_localizations"]["fr"]) <= 100


async def test_no_unused_french_command_strings(bot: BonnesPlaces) -> None:
    used: set[str] = set()

    class Recorder(app_commands.Translator):
        async def translate(self, string, locale, context):  # type: ignore[no-untyped-def]
            used.add(string.message)
            return None

    recorder = Recorder()
    for command in bot.tree.get_commands():
        await command.get_translated_payload(bot.tree, recorder)
    assert set(COMMANDS_FR) - used == set()


ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
KEY_CALL = re.compile(
    r"""(?:\bt\(\s*[\w.]+,\s*|(?:DomainError|InvalidInput|NotFound|Forbidden|Conflict)\(\s*)"""
    r"""["']([a-z_]+\.[a-z0-9_.]+)["']"""
)


def test_every_message_key_used_in_the_code_exists() -> None:
    used: set[str] = set()
    for folder in ("bot", "cogs"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(KEY_CALL.findall(path.read_text()))
    assert len(used) > 50
    missing = sorted(key for key in used if key not in CATALOGUES["en"])
    assert missing == []


def test_every_permission_the_bot_checks_has_a_name() -> None:
    from cogs.common.permissions import ANNOUNCE_PERMISSIONS, DIGEST_PERMISSIONS

    for name in {*ANNOUNCE_PERMISSIONS, *DIGEST_PERMISSIONS, "manage_guild"}:
        for language in ("en", "fr"):
            assert f"permission.{name}" in CATALOGUES[language], name
