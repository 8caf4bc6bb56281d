"""The French catalogue reads as French: every key translated, numbers and dates as French
writes them, and "de"/"à" before a name always through the contraction helper."""

from __future__ import annotations

import datetime as dt
import re
import string
from typing import Any

from bot.i18n import CATALOGUES, t

#: Messages that are the same in both languages: words French borrowed ("Meetup", "Tags",
#: "Votes"), and layouts made only of placeholders, emoji and numbers.
SAME_IN_BOTH = frozenset(
    {
        "field.description",
        "kind.meetup",
        "kind.afterwork",
        "kind.association",
        "venue.field.tags",
        "venue.field.votes",
        "venue.votes",
        "venue.criteria",
        "checkback.hours_option",
        "summary.worth_count",
        "hit.line",
        "digest.new.line",
        "digest.quote.line",
        "digest.last.line",
        "routine.duration",
        "routine.duration.hours",
        "routine.card.skipped_line",
        "routine.card.skipped_no_reason",
        "profile.hours",
        "privacy.count.votes",
    }
)
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
DECIMAL_POINT = re.compile(r"\d\.\d")
#: Placeholders that hold a name: French contracts "de"/"à" with them.
NAME_PLACEHOLDERS = ("name", "venue", "city", "routine", "member", "title")
BARE_PREPOSITION = re.compile(
    r"(?:\b(?:de|à)\s+(?:\*\*)?|\bd')\{(?:" + "|".join(NAME_PLACEHOLDERS) + r")(?:![rsa])?\}",
    re.IGNORECASE,
)


def forms(message: str | dict[str, str]) -> list[str]:
    return list(message.values()) if isinstance(message, dict) else [message]


def sample(name: str, spec: str) -> Any:
    """A value such as the code passes: numbers and dates as values, names as text."""
    if name == "count":
        return 2
    if spec:
        return 5 if spec.endswith("d") else "Le Café"
    if name in ("hours", "min", "max", "worth", "score", "rit"):
        return 1.5
    if name in ("date", "today", "earliest"):
        return dt.date(2026, 11, 29)
    return "Le Café"


def test_every_key_is_translated() -> None:
    en, fr = CATALOGUES["en"], CATALOGUES["fr"]
    untranslated = sorted(k for k in en if fr.get(k) == en[k] and k not in SAME_IN_BOTH)
    assert untranslated == [], "French equal to English: translate, or list in SAME_IN_BOTH"
    assert sorted(k for k in SAME_IN_BOTH if fr[k] != en[k]) == [], "no longer the same"


def test_no_iso_date_nor_decimal_point_in_french() -> None:
    for key, message in CATALOGUES["fr"].items():
        for template in forms(message):
            assert not ISO_DATE.search(template), key
            assert not DECIMAL_POINT.search(template), key
            params = {
                name: sample(name, spec)
                for _, name, spec, _ in string.Formatter().parse(template)
                if name
            }
            rendered = t("fr", key, **params)
            assert not ISO_DATE.search(rendered), (key, rendered)
            assert not DECIMAL_POINT.search(rendered), (key, rendered)


def test_de_and_a_before_a_name_go_through_the_helper() -> None:
    for key, message in CATALOGUES["fr"].items():
        for template in forms(message):
            assert not BARE_PREPOSITION.search(template), (
                f"{key}: write {{name:de}} or {{name:à}} (bot/i18n/french.py)"
            )


def test_the_check_catches_what_it_is_for() -> None:
    assert BARE_PREPOSITION.search("Votre note de **{name}** est enregistrée")
    assert BARE_PREPOSITION.search("Un rendez-vous à {venue} ce jour-là")
    assert BARE_PREPOSITION.search("Les membres d'{city}")
    assert not BARE_PREPOSITION.search("Votre note {name:de**} est enregistrée")
    assert not BARE_PREPOSITION.search("de {min} à {max}")
    assert DECIMAL_POINT.search("par ex. 1.5") and ISO_DATE.search("le 2026-11-29")


def test_form_titles_and_labels_fit_discord() -> None:
    """Discord refuses a form whose title or field label is over 45 characters: the
    member could not open it at all."""
    for language, catalogue in CATALOGUES.items():
        for key, message in catalogue.items():
            if ".modal." in key:
                for form in forms(message):
                    assert len(form) <= 45, (language, key, form)
