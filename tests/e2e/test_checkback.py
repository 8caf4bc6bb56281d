"""The check-back through the fake Discord: an occurrence ends, the members who were going
(card button or Discord "Interested") are asked once, "I went" opens the form, one submit
records a visit and a rating tied to the occurrence, and the score follows."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select

from db.engine import Database
from db.models import CheckBackAsk, Rating, Visit
from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import EPHEMERAL, propose, run, venue_id_of
from tests.fakediscord import Message

TUESDAY = dt.datetime(2027, 3, 16, 10, 0, tzinfo=dt.UTC)
FIRST_ENDS = dt.datetime(2027, 3, 22, 19, 30, tzinfo=dt.UTC)  # Monday 18:30 Paris, 2 h
FAST = {"ROUTINE_CHECK_SECONDS": "0.1", "ROUTINE_RETRY_SECONDS": "0.1"}


async def _routine(h: Harness) -> tuple[Message, str]:
    venue_id = venue_id_of(await propose(h, name="Café des Devs"))
    before = len(h.fake.channel_messages(h.general))
    await run(
        h, "routine create", h.alice, venue=venue_id, weekday=0, time="18:30", title="Lundi code"
    )
    card = (await h.fake.wait_for_message(h.general, before + 1))[-1]
    routine_id = card.embed["footer"]["text"].split("#", 1)[1].split(" ", 1)[0]
    return card, routine_id


def _asks(h: Harness) -> list[Message]:
    return [m for m in h.fake.channel_messages(h.general) if "were you there?" in m.content]


async def _count(url: str, model: type, **where: object) -> int:
    db = Database(url)
    try:
        async with db.read() as session:
            stmt = select(func.count()).select_from(model)
            for name, value in where.items():
                stmt = stmt.where(getattr(model, name) == value)
            return int(await session.scalar(stmt) or 0)
    finally:
        await db.dispose()


async def test_members_who_were_going_are_asked_once_and_went_records_visit_and_rating(
    harness: Harness,
) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    await run(h, "settings", h.fake.owner, timezone="Europe/Paris")
    card, routine_id = await _routine(h)
    carol = h.fake.add_member(h.guild, "carol").user
    dave = h.fake.add_member(h.guild, "dave").user
    click = await h.fake.click(card, f"bp:routine:going:{routine_id}", user=h.bob)
    await click.reply()
    (event,) = h.fake.scheduled_events(h.guild)
    await h.fake.mark_interested(event, carol)

    h.fake.set_clock(FIRST_ENDS + dt.timedelta(minutes=1))
    await eventually(lambda: _has_asks(h, 1), timeout=10)
    (ask,) = _asks(h)
    assert f"<@{h.bob.id}>" in ask.content and f"<@{carol.id}>" in ask.content
    assert f"<@{dave.id}>" not in ask.content and f"<@{h.alice.id}>" not in ask.content
    occurrence = ask.components[0]["components"][0]["custom_id"].rsplit(":", 1)[1]

    # Someone who was not going is told so; nothing is stored.
    stranger = await h.fake.click(ask, f"bp:checkback:went:{occurrence}", user=dave)
    reply = await stranger.reply()
    assert reply.flags & EPHEMERAL and "members who were going" in reply.content

    went = await h.fake.click(ask, f"bp:checkback:went:{occurrence}", user=h.bob)
    await went.response()
    modal = went.modal
    assert modal is not None and [c["type"] for c in modal["components"]] == [18] * 5
    submit = await h.fake.submit_modal(
        went,
        {"worth": "4", "hours": "2.0", "got": ["substance", "contact"], "wrong": ["pitch"]},
        validate=True,
    )
    reply = await submit.reply()
    assert reply.flags & EPHEMERAL
    assert reply.content.startswith("Thanks! Your rating of **Café des Devs** is saved.")
    url = h.database_url
    assert await _count(url, Visit, member_id=h.bob.id, visited_on=dt.date(2027, 3, 22)) == 1
    assert await _count(url, Rating, member_id=h.bob.id, tier="attended") == 1

    again = await h.fake.click(ask, f"bp:checkback:went:{occurrence}", user=h.bob)
    assert "already answered" in (await again.reply()).content
    missed = await h.fake.click(ask, f"bp:checkback:missed:{occurrence}", user=carol)
    assert (await missed.reply()).content.startswith("Thanks for letting us know.")
    assert await _count(url, CheckBackAsk, answer="missed") == 1

    # The member's export holds the answer and the tied rating; erasure takes both.
    _, export = await run(h, "privacy export", h.bob)
    data = json.loads(export.attachments[0]["content"])
    assert [a["answer"] for a in data["checkback_answers"]] == ["went"]
    assert [(r["tier"], r["occurrence_id"]) for r in data["ratings"]] == [
        ("attended", int(occurrence))
    ]

    # A restart and more scheduler rounds ask nobody twice.
    await h.restart(**FAST)
    h.fake.advance_clock(minutes=5)
    await eventually(lambda: _has_asks(h, 1), settle=0.5)
    assert await _count(url, CheckBackAsk) == 2


async def test_unanswered_asks_expire_quietly(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    await run(h, "settings", h.fake.owner, timezone="Europe/Paris")
    card, routine_id = await _routine(h)
    await (await h.fake.click(card, f"bp:routine:going:{routine_id}", user=h.bob)).reply()
    h.fake.set_clock(FIRST_ENDS + dt.timedelta(minutes=1))
    await eventually(lambda: _has_asks(h, 1), timeout=10)
    (ask,) = _asks(h)
    occurrence = ask.components[0]["components"][0]["custom_id"].rsplit(":", 1)[1]
    sent = len(h.fake.channel_messages(h.general))
    h.fake.advance_clock(days=4)
    late = await h.fake.click(ask, f"bp:checkback:went:{occurrence}", user=h.bob)
    assert "too late" in (await late.reply()).content
    assert len(_asks(h)) == 1 and len(h.fake.channel_messages(h.general)) >= sent


async def _has_asks(h: Harness, count: int) -> bool:
    return len(_asks(h)) == count
