"""Message catalogues (one per language) and the language rules."""

from __future__ import annotations

import datetime as dt
import logging
import string
from functools import cache, lru_cache
from typing import Any, Literal

from babel import Locale
from babel.dates import format_date, format_time, get_day_names
from babel.numbers import format_decimal

from bot.i18n.en import MESSAGES as EN
from bot.i18n.fr import MESSAGES as FR
from bot.i18n.french import contract, parse_spec

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
    if not params:
        return entry
    if _plain(entry) and not any(isinstance(v, _LOCALIZED) for v in params.values()):
        return entry.format(**params)  # what _Formatter writes, without its Python-level walk
    return _Formatter(language).format(entry, **params)


#: The values _Formatter writes its own way when a field has no format spec.
_LOCALIZED = (float, dt.date, dt.time)


@cache
def _plain(entry: str) -> bool:
    """Whether every field of `entry` is a bare name without a format spec: then, with no
    value among _LOCALIZED, str.format writes exactly what _Formatter does."""
    return all(
        name is None or (spec == "" and name.isidentifier())
        for _, name, spec, _ in string.Formatter().parse(entry)
    )


class _Formatter(string.Formatter):
    """str.format that writes values as `language` does.

    Without a format spec, a float is a localized number ('1,5' in French), a date a long
    date ('29 novembre 2026'), a time '21:00' or '9:00 pm'. The specs `de`, `à` (and
    `de**`, `à**` for a bold name) contract a French preposition with the name that follows
    (bot/i18n/french.py); in English they only write the name."""

    def __init__(self, language: str) -> None:
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> str:
        preposition = parse_spec(format_spec)
        if preposition is not None:
            return preposition_before(self.language, preposition[0], str(value), preposition[1])
        if not format_spec:
            if isinstance(value, float):
                return number(self.language, value, 2)
            if isinstance(value, dt.datetime):
                return f"<t:{int(value.timestamp())}:f>"
            if isinstance(value, dt.date):
                return day_text(self.language, value)
            if isinstance(value, dt.time):
                return time_text(self.language, value)
        return str(super().format_field(value, format_spec))


def preposition_before(language: str, preposition: str, name: str, bold: bool = False) -> str:
    if language == "fr":
        return contract(preposition, name, bold=bold)
    return f"**{name}**" if bold else name


def day_text(language: str, day: dt.date) -> str:
    """A date inside a sentence: '29 novembre 2026', '29 November 2026'."""
    return format_date(day, "long", locale=babel_locale(language))


def month_text(language: str, month: dt.date) -> str:
    """A month and its year: 'October 2027', 'octobre 2027'."""
    return format_date(month, "LLLL y", locale=babel_locale(language))


def time_text(language: str, moment: dt.time) -> str:
    """A time of day as the language writes it: '21:00' in both (the 24-hour clock is the
    rule in France and clear in English)."""
    return format_time(moment, "HH:mm", locale=babel_locale(language))


@lru_cache(maxsize=4096)
def plural_form(language: str, count: float) -> str:
    """'one' or 'other' by the language's rules (French: 0 and 1 are singular); counts
    are mostly small numbers, each evaluated once."""
    form = _parsed(language).plural_form(abs(count))
    return "one" if form == "one" else "other"


def number(language: str, value: float, digits: int = 1, *, exact: bool = False) -> str:
    """A number as the language writes it: '7.5' in English, '7,5' in French.

    `digits` decimals at most (trailing zeros dropped), or exactly with `exact`."""
    pattern = "0." + ("0" if exact else "#") * digits if digits else "0"
    return format_decimal(value, format=pattern, locale=_parsed(babel_locale(language)))


def babel_locale(language: str) -> str:
    """The Babel locale that writes dates, days and numbers for `language`."""
    return "fr_FR" if language == "fr" else "en_GB"


@cache
def _parsed(identifier: str) -> Locale:
    """Babel's locale for `identifier`, parsed once."""
    return Locale.parse(identifier)


def weekday_text(language: str, weekday: int) -> str:
    """The weekday (0 = Monday) written in full, the one form used everywhere: 'mardi'."""
    name: str = get_day_names("wide", locale=babel_locale(language))[weekday]
    return name
