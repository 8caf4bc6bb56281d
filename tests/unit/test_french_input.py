"""Input as French and English speakers type it, and French grammar around names."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.parsing import parse_date, parse_hours, parse_time
from bot.i18n import t
from bot.i18n.french import contract

TODAY = dt.date(2026, 11, 29)


@pytest.mark.parametrize(
    ("typed", "hours"),
    [
        ("1,5", 1.5),
        ("1.5", 1.5),
        ("2", 2.0),
        ("2h", 2.0),
        ("1h30", 1.5),
        ("1 h 30", 1.5),
        ("1h", 1.0),
        ("90min", 1.5),
        ("90 min", 1.5),
        ("45mn", 0.75),
        ("1:30", 1.5),
        ("2 heures", 2.0),
        ("3 hours", 3.0),
        ("0,25", 0.25),
    ],
)
def test_hours_as_typed(typed: str, hours: float) -> None:
    assert parse_hours(typed) == hours


@pytest.mark.parametrize("typed", ["", "abc", "1h75", "0", "25", "-1", "1,5,2", "nan", "inf"])
def test_hours_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_hours(typed)
    assert error.value.key == "error.hours_range"


@pytest.mark.parametrize(
    ("typed", "time"),
    [
        ("21:00", dt.time(21)),
        ("21h", dt.time(21)),
        ("9h", dt.time(9)),
        ("9h30", dt.time(9, 30)),
        ("9H30", dt.time(9, 30)),
        ("18.30", dt.time(18, 30)),
        ("9pm", dt.time(21)),
        ("9:30pm", dt.time(21, 30)),
        ("9:30 p.m.", dt.time(21, 30)),
        ("12am", dt.time(0)),
        ("12pm", dt.time(12)),
        ("7 am", dt.time(7)),
        ("21", dt.time(21)),
    ],
)
def test_times_as_typed(typed: str, time: dt.time) -> None:
    assert parse_time(typed) == time


@pytest.mark.parametrize("typed", ["", "24h", "9h75", "13pm", "0am", "midi", "9h3"])
def test_times_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_time(typed)
    assert error.value.key == "error.time_format"


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("29/11/2026", dt.date(2026, 11, 29)),
        ("29/11/26", dt.date(2026, 11, 29)),
        ("2026-11-29", dt.date(2026, 11, 29)),
        ("29.11.2026", dt.date(2026, 11, 29)),
        ("28/11", dt.date(2026, 11, 28)),
        ("30/11", dt.date(2025, 11, 30)),  # a visit is in the past: last year's
        ("hier", dt.date(2026, 11, 28)),
        ("Yesterday", dt.date(2026, 11, 28)),
        ("aujourd'hui", TODAY),
        ("aujourd’hui", TODAY),
        ("today", TODAY),
        ("avant-hier", dt.date(2026, 11, 27)),
        ("", TODAY),
    ],
)
def test_dates_as_typed(typed: str, day: dt.date) -> None:
    assert parse_date(typed, TODAY) == day


def test_date_without_year_in_the_future() -> None:
    assert parse_date("1/12", TODAY, prefer="future") == dt.date(2026, 12, 1)
    assert parse_date("28/11", TODAY, prefer="future") == dt.date(2027, 11, 28)
    assert parse_date("29/02", dt.date(2027, 3, 1), prefer="future") == dt.date(2028, 2, 29)


@pytest.mark.parametrize("typed", ["31/02/2026", "demain soir", "2026-13-01", "29-11-2026x"])
def test_dates_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_date(typed, TODAY)
    assert error.value.key == "error.date_format"


@pytest.mark.parametrize(
    ("preposition", "name", "written"),
    [
        ("de", "Le Café Numérique", "du Café Numérique"),
        ("à", "Le Café Numérique", "au Café Numérique"),
        ("de", "Les Ateliers", "des Ateliers"),
        ("à", "Les Ateliers", "aux Ateliers"),
        ("de", "Apéro Tech", "d'Apéro Tech"),
        ("de", "École 42", "d'École 42"),
        ("à", "Apéro Tech", "à Apéro Tech"),
        ("de", "La Cordée", "de La Cordée"),
        ("à", "La Cordée", "à La Cordée"),
        ("de", "L'Atelier", "de L'Atelier"),
        ("de", "Yoga Club", "de Yoga Club"),
        ("de", "Lego", "de Lego"),  # "Le" only as a word
        ("à", "le wagon", "au wagon"),
    ],
)
def test_french_contractions(preposition: str, name: str, written: str) -> None:
    assert contract(preposition, name) == written


def test_templates_contract_and_agree() -> None:
    rated = t("fr", "rate.created", name="Le Café Numérique", score="4,00", count=1)
    assert rated.startswith("Merci ! Votre note du **Café Numérique** est enregistrée.")
    visit = t("fr", "visit.logged", name="Le Café Numérique", date=TODAY, hours=1.5)
    assert visit == "Visite enregistrée : au **Café Numérique**, le 29 novembre 2026, 1,5 h."
    visit_en = t("en", "visit.logged", name="Le Café Numérique", date=TODAY, hours=1.5)
    assert visit_en == "Visit logged: **Le Café Numérique**, on 29 November 2026, 1.5 h."
    assert "est proposé" not in t("fr", "venue.proposed", name="La Cordée", link="x")
    exists = t("fr", "error.routine_exists", name="Le Café Numérique", time=dt.time(19))
    assert exists.startswith("Il y a déjà un rendez-vous au Café Numérique ce jour-là à 19:00")


def test_english_plurals_in_one_sentence() -> None:
    counts = {"ratings": 1, "votes": 2, "visits": 1, "routine_memberships": 0}
    counts |= {"proposals_anonymized": 1, "routines_anonymized": 3}
    parts = {name: t("en", f"privacy.count.{name}", count=n) for name, n in counts.items()}
    text = t("en", "privacy.deleted", **parts)
    assert "1 rating," in text and "2 votes" in text and "1 visit," in text
    assert "0 routine memberships" in text and "1 proposal," in text and "3 routines" in text


def test_the_chart_writes_numbers_as_the_guild_does() -> None:
    from bot.domain.digest_compose import DigestData, compose_digest
    from cogs.chart import number_label

    data = DigestData(
        week=(2026, 48), week_start=dt.date(2026, 11, 23), history=[((2026, 48), 11.5)]
    )
    french, english = compose_digest(data, "fr"), compose_digest(data, "en")
    assert number_label(french.chart_values[0], french.chart_decimal) == "11,5"
    assert number_label(english.chart_values[0], english.chart_decimal) == "11.5"
    assert french.chart_labels == ("S48",) and english.chart_labels == ("W48",)
