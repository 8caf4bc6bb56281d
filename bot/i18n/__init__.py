"""Message catalogues (one per language) and the language rules."""

from __future__ import annotations

import logging
from typing import Any, Literal

from babel import Locale
from babel.numbers import format_decimal

from bot.i18n.en import MESSAGES as EN
from bot.i18n.fr import MESSAGES as FR

log = logging.getLogger(__name__)

Language = Literal["en", "fr"]
LANGUAGES: tuple[Language, ...] = ("en", "fr")
Message = str | dict[str, str]
CATALOGUES: dict[str, dict[str, Message]] = {"en": EN, "fr": FR}


def language_of(locale: object) -> Language:
    """French for any French Discord locale, English otherwise."""
    value = str(getattr(locale, "value", locale) or "")
    return "fr" if value.lower().startswith("fr") else "en"


def t(language: str, key: str, /, **params: Any) -> str:
    """The message `key` in `language`, formatted with `params`.

    A key missing from a catalogue is a bug the catalogue test catches; at run time it
    falls back to English rather than showing the member nothing.
    """
    catalogue = CATALOGUES.get(language, EN)
    entry = catalogue.get(key) or EN.get(key)
    if entry is None:
        log.error("missing message %r", key)
        return key
    if isinstance(entry, dict):  # plural forms, chosen by the `count` parameter
        entry = entry[plural_form(language, params["count"])]
    return entry.format(**params) if params else entry


def plural_form(language: str, count: float) -> str:
    """'one' or 'other' by the language's rules (French: 0 and 1 are singular)."""
    form = Locale.parse(language).plural_form(abs(count))
    return "one" if form == "one" else "other"


def number(language: str, value: float, digits: int = 1, *, exact: bool = False) -> str:
    """A number as the language writes it: '7.5' in English, '7,5' in French.

    `digits` decimals at most (trailing zeros dropped), or exactly with `exact`."""
    pattern = "0." + ("0" if exact else "#") * digits if digits else "0"
    return format_decimal(value, format=pattern, locale=babel_locale(language))


def babel_locale(language: str) -> str:
    """The Babel locale that writes dates, days and numbers for `language`."""
    return "fr_FR" if language == "fr" else "en_GB"
