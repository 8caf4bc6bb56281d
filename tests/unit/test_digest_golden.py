"""Golden transcripts of the digest, in French and English: a quiet week, a busy week and a
week cut by Discord's limits. Each is composed, laid out as the bot sends it, checked by
the fake Discord's Components V2 rules, and rendered as a member reads it.

After an intended change, rewrite them with
`UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/unit/test_digest_golden.py`
and review the diff of tests/golden/."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from bot.domain.digest import DigestData, NewVenue, RoutineLine, TopVenue, compose_digest
from bot.domain.digest_compose import PastLine
from cogs.common.render import plain
from cogs.digest_layout import CHART_FILE, digest_view
from tests.fakediscord.driver.transcript import render_message
from tests.fakediscord.state import Message
from tests.fakediscord.state.guilds import User
from tests.fakediscord.validation.messages import check_message

GOLDEN = Path(__file__).parent.parent / "golden"
V2 = 1 << 15
MONDAY = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def _gathering(index: int, going: int, *, paused: bool = False) -> RoutineLine:
    starts = MONDAY + dt.timedelta(days=index % 7, hours=9 + index % 4)
    return RoutineLine(
        index % 7,
        starts.time(),
        ["Café des Devs", "Rust Paris", "Forum *Cloud*", "La Cantine"][index % 4],
        ["Lundi code", None, "Apéro infra", None][index % 4],
        3 + index,
        (10**17 + index,) if index == 1 else (),
        None if paused else starts,
        going,
        paused,
        routine_id=100 + index,
    )


def _past(index: int, went: int, *, confirmed: bool = True, told: bool = False) -> PastLine:
    return PastLine(
        MONDAY - dt.timedelta(days=7 - index, hours=-9),
        ["Café des Devs", "Rust Paris", "Forum *Cloud*"][index % 3],
        ["Lundi code", None, "Apéro infra"][index % 3],
        went,
        confirmed,
        (3, 1, 2) if told else None,
        (0, 1, 0, 0) if told else None,
    )


def busy() -> DigestData:
    return DigestData(
        week=(2026, 48),
        week_start=dt.date(2026, 11, 23),
        top=[
            TopVenue(i, name, "Paris", 4.5 - i / 10, 12 - i, i % 2)
            for i, name in enumerate(["Café des Devs", "Rust Paris", "Forum Cloud"], start=1)
        ],
        new_venues=[NewVenue("Atelier Python", "Lyon", "workshop")],
        new_venue_count=1,
        routines=[_gathering(0, 5), _gathering(1, 2), _gathering(2, 0)],
        paused=[_gathering(3, 0, paused=True)],
        irl_hours=17.5,
        irl_members=6,
        streaks=[(10**17 + 1, 4), (10**17 + 2, 2)],
        history=[((2026, 41 + i), float(i) * 1.5) for i in range(8)],
        quotes=[
            (10**17 + 1, "Mardi au Café des Devs : une vraie démo, pas un pitch."),
            (None, "Jeudi au Forum, une future associée."),
        ],
        last_week=[_past(0, 4, told=True), _past(1, 2), _past(2, 3, confirmed=False)],
    )


def cut() -> DigestData:
    long = "Très long nom de lieu " * 4
    data = busy()
    return DigestData(
        week=data.week,
        week_start=data.week_start,
        top=[TopVenue(i, long, "Paris", 4.0, 20, 3) for i in range(1, 6)],
        new_venues=[NewVenue(long, "Lyon", "conference") for _ in range(5)],
        new_venue_count=14,
        routines=[_gathering(i, 30 - i) for i in range(25)],
        irl_hours=123.25,
        irl_members=42,
        streaks=[(10**17 + i, 10 - i) for i in range(3)],
        history=data.history,
        quotes=[(10**17, "Très long souvenir " * 20), (None, "Un autre " * 30)],
        last_week=[_past(i, 20 - i, told=True) for i in range(12)],
        paused=[_gathering(i, 0, paused=True) for i in range(4)],
    )


def quiet() -> DigestData:
    return DigestData(week=(2027, 1), week_start=dt.date(2027, 1, 4))


CASES = {"quiet": quiet, "busy": busy, "cut": cut}


def transcript(data: DigestData, language: str) -> str:
    digest = compose_digest(data, language, escape=plain)
    view = digest_view(digest, chart=CHART_FILE)
    components = view.to_components()
    check_message({"components": components}, V2, {CHART_FILE})
    message = Message(
        id=1,
        channel_id=2,
        guild_id=3,
        author=User(id=4, username="Bonnes Places", bot=True),
        components=components,
        attachments=[{"filename": CHART_FILE, "size": 0}],
        flags=V2,
    )
    return render_message(message) + "\n"


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_digest_transcript(case: str, language: str) -> None:
    text = transcript(CASES[case](), language)
    path = GOLDEN / f"digest_{case}_{language}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text
