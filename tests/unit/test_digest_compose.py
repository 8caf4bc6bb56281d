"""Digest composition: every section present, in the guild's language, within limits."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.digest import (
    COMPONENTS_MAX,
    TOTAL_MAX,
    DigestData,
    NewVenue,
    RoutineLine,
    TopVenue,
    compose_digest,
)
from bot.domain.digest_compose import PastLine
from cogs.digest_layout import digest_view


def full_data(name_length: int = 100, count: int = 30) -> DigestData:
    long = "É" * name_length
    return DigestData(
        week=(2026, 48),
        week_start=dt.date(2026, 11, 23),
        top=[TopVenue(i, long, "C" * 60, 4.2 - i / 10, 20, 3) for i in range(1, 6)],
        new_venues=[NewVenue(long, "C" * 60, "conference") for _ in range(5)],
        new_venue_count=count,
        routines=[
            RoutineLine(
                i % 7,
                dt.time(18, 30),
                long,
                "T" * 100,
                40,
                tuple(10**18 + j for j in range(8)),
                dt.datetime(2026, 11, 23 + i % 7, 18, 30, tzinfo=dt.UTC),
                1000 - i,
                routine_id=i + 1,
            )
            for i in range(count)
        ],
        irl_hours=123.5,
        irl_members=42,
        streaks=[(10**18 + i, 52) for i in range(3)],
        history=[((2026, 41 + i), float(i)) for i in range(8)],
        quotes=[(10**18, "Q" * 500), (None, "R" * 500)],
        quote_ids=(1, 2),
        paused=[
            RoutineLine(i % 7, dt.time(18, 30), long, None, 0, (), None, 0, True)
            for i in range(count)
        ],
        last_week=[
            PastLine(
                dt.datetime(2026, 11, 16 + i % 7, 18, 30, tzinfo=dt.UTC),
                long,
                "T" * 100,
                100 - i,
                True,
                (99, 99, 99),
                (99, 99, 99, 99),
            )
            for i in range(count)
        ],
    )


def test_largest_possible_digest_fits_discord_limits() -> None:
    for language in ("en", "fr"):
        digest = compose_digest(full_data(), language)
        assert digest.total_length() <= TOTAL_MAX
        assert all(s.value for s in digest.sections)
        assert len(digest.gatherings) == 5
        assert digest.gatherings_more.endswith(("and 25 more", "et 25 de plus"))
        assert digest_view(digest).total_children_count <= COMPONENTS_MAX
        assert [s.name for s in digest.sections][-2] in ("Your good moments", "Vos bons moments")
        assert digest.venue_ids == (1, 2, 3, 4, 5)
        # The second quote does not fit whole: it is not counted as quoted, and waits.
        assert digest.quoted_ids == (1,)


@settings(max_examples=50)
@given(name_length=st.integers(1, 100), count=st.integers(0, 60))
def test_any_size_fits(name_length: int, count: int) -> None:
    digest = compose_digest(full_data(name_length, count), "fr")
    assert digest.total_length() <= TOTAL_MAX
    assert len(digest.gatherings) == min(count, 5)
    assert digest_view(digest).total_children_count <= COMPONENTS_MAX
    assert all(len(g.text) <= 200 for g in digest.gatherings)


def test_sections_and_language() -> None:
    data = DigestData(
        week=(2026, 48),
        week_start=dt.date(2026, 11, 23),
        top=[TopVenue(7, "Café *des* Devs", "Paris", 4.18, 20, 2)],
        new_venues=[NewVenue("Atelier", "Lyon", "workshop")],
        new_venue_count=1,
        routines=[RoutineLine(0, dt.time(18, 30), "Café *des* Devs", "Lundi code", 3, (5,))],
        irl_hours=7.5,
        irl_members=3,
        streaks=[(5, 4)],
        history=[((2026, 48), 7.5)],
    )
    french = compose_digest(data, "fr", escape=lambda text: text.replace("*", "\\*"))
    assert french.title == "Récapitulatif hebdomadaire · semaine du 23 novembre 2026"
    assert french.description.startswith("Cette semaine, 3 membres ont investi 7,5 h")
    text = "\n".join(f"{s.name}\n{s.value}" for s in french.sections)
    assert (
        "1️⃣ **Café \\*des\\* Devs** — Paris · 4,18/5 (20 notes) · 2 nouvelles notes cette semaine"
    ) in text
    assert "• **Atelier** — Lyon · Atelier" in text
    (gathering,) = french.gatherings
    assert gathering.text == (
        "lundi 18:30 · **Café \\*des\\* Devs** · 3 membres · Lundi code"
        " · nouveaux cette semaine : <@5>"
    )
    assert french.gatherings_title == "Les rendez-vous de la semaine"
    assert french.chart_decimal == ","
    assert "<@5>" in text and "4 semaines d'affilée" in text
    assert "Question de la semaine" in text
    english = compose_digest(data, "en")
    assert english.title == "Weekly digest · week of 23 November 2026"
    assert english.chart_labels == ("W48",) and english.chart_values == (7.5,)


def test_quiet_week() -> None:
    digest = compose_digest(DigestData(week=(2027, 1), week_start=dt.date(2027, 1, 4)), "en")
    assert digest.description.startswith("No visit logged this week yet.")
    assert [s.name for s in digest.sections] == ["Question of the week"]
    assert digest.venue_ids == ()


def test_gatherings_by_date_and_number_going_and_a_pause_under_last_week() -> None:
    starts = dt.datetime(2026, 11, 27, 19, 0, tzinfo=dt.UTC)
    data = DigestData(
        week=(2026, 48),
        week_start=dt.date(2026, 11, 23),
        routines=[RoutineLine(4, dt.time(19), "Chez *Vendredi*", "Apéro", 4, (), starts, 2)],
        paused=[RoutineLine(1, dt.time(12), "Chez Mardi", None, 2, (), None, 0, True)],
    )
    french = compose_digest(data, "fr", escape=lambda text: text.replace("*", "\\*"))
    assert [g.routine_id for g in french.gatherings] == [0]
    assert [g.text for g in french.gatherings] == [
        f"<t:{int(starts.timestamp())}:f> · **Chez \\*Vendredi\\*** · 2 participants · Apéro",
    ]
    (last,) = [s for s in french.sections if s.name == "La semaine dernière"]
    assert last.value == (
        "⏸️ **Chez Mardi** est en pause : personne n'est venu trois semaines de suite. "
        "/routine reprendre le relance."
    )
    english = compose_digest(data, "en")
    assert english.gatherings[0].text == (
        f"<t:{int(starts.timestamp())}:f> · **Chez *Vendredi*** · 2 going · Apéro"
    )
    assert english.going_label == "Going"
