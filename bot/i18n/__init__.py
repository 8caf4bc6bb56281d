"""Message catalogues (one per language) and the language rules."""

from __future__ import annotations

import logging
from typing import Any, Literal

from bot.i18n.en import MESSAGES as EN
from bot.i18n.fr import MESSAGES as FR

log = logging.getLogger(__name__)

Language = Literal["en", "fr"]
LANGUAGES: tuple[Language, ...] = ("en", "fr")
CATALOGUES: dict[str, dict[str, str]] = {"en": EN, "fr": FR}


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
    template = catalogue.get(key) or EN.get(key)
    if template is None:
        log.error("missing message %r", key)
        return key
    return template.format(**params) if params else template
