"""The monthly summary through the fake Discord: on the first days of a month, in the
guild's time zone, the host of a routine and the proposer of its venue each get one
private message counting the previous month's check-back answers, nobody named; never
under three members who answered, once across a restart, quietly skipped when direct
messages are closed, and stopped by the member's button."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from db.engine import Database
from db.models import MonthlySummary, SummaryPlan
from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import propose, run, venue_id_of
from tests.e2e.test_checkback import FAST, FIRST_ENDS, TUESDAY
from tests.fakediscord import Message, User

#: 1 April 2027, 09:05 in Paris (summer time): the March summaries are due.
APRIL_FIRST = dt.datetime(2027, 4, 1, 7, 5, tzinfo=dt.UTC)
#: Monday 5 April 2027, 18:30 Paris, ends 20:30 (18:30 UTC).
APRIL_FIFTH_ENDS = dt.datetime(2027, 4, 5, 18, 31, tzinfo=dt.UTC)
MAY_FIRST = dt.datetime(2027, 5, 1, 7, 5, tzinfo=dt.UTC)


async def _routine(h: Harness) -> tuple[Message, str, User]:
    """Paula proposes the venue; Alice creates (and hosts) the routine."""
    paula = h.fake.add_member(h.guild, "paula").user
    venue_id = venue_id_of(await propose(h, paula, name="Café des Devs"))
    before = len(h.fake.channel_messages(h.general))
    await run(
        h, "routine create", h.alice, venue=venue_id, weekday=0, time="18:30", title="Lundi code"
    )
    card = (await h.fake.wait_for_message(h.general, before + 1))[-1]
    footer = card.embed["footer"]["text"].split(" · ", 1)[0]
    routine_id = footer.rsplit("#", 1)[-1].rsplit(" ", 1)[-1]
    return card, routine_id, paula


def _asks(h: Harness) -> list[Message]:
    return [
        m
        for m in h.fake.channel_messages(h.general)
        if "were you there?" in m.content or "vous y étiez ?" in m.content
    ]


async def _gathering(
    h: Harness,
    card: Message,
    routine_id: str,
    ends: dt.datetime,
    answers: list[tuple[User, str, dict[str, object]]],
    hopes: dict[int, list[str]] | None = None,
) -> None:
    """The members go (with their hopes), the date ends, and each answers "I went"."""
    asked = len(_asks(h))
    for member, _, _ in answers:
        click = await h.fake.click(card, f"bp:routine:going:{routine_id}", user=member)
        reply = await click.reply()
        if hopes and member.id in hopes:
            custom_id = reply.components[0]["components"][0]["custom_id"]
            pick = await h.fake.click(
                reply, custom_id, user=member, component_type=3, values=hopes[member.id]
            )
            await pick.reply()
    h.fake.set_clock(ends + dt.timedelta(minutes=1))

    async def has_ask() -> bool:
        return len(_asks(h)) == asked + 1

    await eventually(has_ask, timeout=10)
    ask = _asks(h)[-1]
    occurrence = ask.components[0]["components"][0]["custom_id"].rsplit(":", 1)[1]
    for member, worth, extra in answers:
        went = await h.fake.click(ask, f"bp:checkback:went:{occurrence}", user=member)
        await went.response()
        values = {"worth": worth, "hours": "2.0", **extra}
        await (await h.fake.submit_modal(went, values, validate=True)).reply()


async def _summaries(url: str) -> list[tuple[int, str, dt.date, str | None]]:
    db = Database(url)
    try:
        async with db.read() as session:
            rows = await session.execute(
                select(
                    MonthlySummary.recipient_id,
                    MonthlySummary.subject,
                    MonthlySummary.month,
                    MonthlySummary.outcome,
                ).order_by(MonthlySummary.id)
            )
            return [tuple(row) for row in rows]  # type: ignore[misc]
    finally:
        await db.dispose()


async def _plans(url: str) -> list[dt.date]:
    db = Database(url)
    try:
        async with db.read() as session:
            return list(await session.scalars(select(SummaryPlan.month)))
    finally:
        await db.dispose()


async def test_host_and_proposer_get_one_anonymous_summary_a_month(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    await run(h, "settings", h.fake.owner, timezone="Europe/Paris")
    card, routine_id, paula = await _routine(h)
    carol = h.fake.add_member(h.guild, "carol").user
    dave = h.fake.add_member(h.guild, "dave").user
    answers: list[tuple[User, str, dict[str, object]]] = [
        (h.bob, "5", {"got": ["substance", "contact"]}),
        (carol, "4", {"got": ["substance"], "wrong": ["pitch"], "comment": "Carol's own words"}),
        (dave, "3", {"wrong": ["pitch", "cliquey"]}),
    ]
    hopes = {h.bob.id: ["substance"], carol.id: ["contact"]}
    await _gathering(h, card, routine_id, FIRST_ENDS, answers, hopes)

    # 08:05 in Paris on the 1st: not yet.
    h.fake.set_clock(APRIL_FIRST - dt.timedelta(hours=1))
    await eventually(lambda: _dms(h, h.alice, 0), settle=0.5)
    h.fake.set_clock(APRIL_FIRST)
    await eventually(lambda: _dms(h, h.alice, 1), timeout=10)
    await eventually(lambda: _dms(h, paula, 1), timeout=10)

    (hosted,) = h.fake.dm_messages(h.alice)
    lines = hosted.content.split("\n")
    assert lines[0] == "📊 Your routine **Lundi code** in March 2027"
    assert lines[1].startswith("3 members answered “Were you there?” (3 answers).")
    assert lines[2] == "Worth their time: median 4/5 (5/5 ×1 · 4/5 ×1 · 3/5 ×1)"
    assert lines[3] == "What they got: substance 2 · real experience 0 · a new contact 1"
    assert lines[4] == "What went wrong: Sales pitch or promises 2 · Cliquey 1"
    assert lines[5] == "Lived up to hopes: 1 of 2"
    assert lines[6].startswith("You get this as the routine's host")
    (button,) = [c for row in hosted.components for c in row["components"]]
    assert button["label"] == "Stop these summaries"
    (proposed,) = h.fake.dm_messages(paula)
    assert proposed.content.startswith("📊 **Café des Devs**, the venue you proposed, in March")
    assert "3 members answered" in proposed.content
    for text in (hosted.content, proposed.content):
        assert "Carol's own words" not in text and "<@" not in text
        for member in (h.bob, carol, dave):
            assert str(member.id) not in text and member.username not in text

    # A restart and more rounds send nothing twice.
    await h.restart(**FAST)
    h.fake.advance_clock(minutes=10)
    await eventually(lambda: _dms(h, h.alice, 1), settle=0.5)
    assert len(h.fake.dm_messages(paula)) == 1
    assert await _summaries(h.database_url) == [
        (h.alice.id, "routine", dt.date(2027, 3, 1), "sent"),
        (paula.id, "venue", dt.date(2027, 3, 1), "sent"),
    ]
    _, export = await run(h, "privacy export", h.alice)
    data = json.loads(export.attachments[0]["content"])
    assert [(s["subject"], s["outcome"]) for s in data["monthly_summaries"]] == [
        ("routine", "sent")
    ]


async def test_closed_dms_opt_out_in_french(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    await run(h, "settings", h.fake.owner, timezone="Europe/Paris", language="fr")
    card, routine_id, paula = await _routine(h)
    carol = h.fake.add_member(h.guild, "carol").user
    dave = h.fake.add_member(h.guild, "dave").user
    h.fake.dms_closed.add(paula.id)
    answers: list[tuple[User, str, dict[str, object]]] = [
        (h.bob, "4", {}),
        (carol, "4", {"got": ["experience"]}),
        (dave, "2", {}),
    ]
    await _gathering(h, card, routine_id, FIRST_ENDS, answers)

    h.fake.set_clock(APRIL_FIRST)
    await eventually(lambda: _dms(h, h.alice, 1), timeout=10)
    (hosted,) = h.fake.dm_messages(h.alice)
    assert hosted.content.startswith("📊 Votre rendez-vous **Lundi code** en mars 2027\n")
    assert "3 membres ont répondu à « Vous y étiez ? » (3 réponses)." in hosted.content
    assert "Ça valait le temps investi : médiane 4/5 (4/5 ×2 · 2/5 ×1)" in hosted.content
    assert "Ce qui n'a pas marché : Rien à signaler" in hosted.content
    assert "Personne n'avait dit à l'avance ce qu'il en attendait." in hosted.content

    # The proposer's direct messages are closed: nothing is sent, and never tried again.
    async def proposer_closed() -> bool:
        return (paula.id, "venue", dt.date(2027, 3, 1), "closed") in await _summaries(
            h.database_url
        )

    await eventually(proposer_closed, timeout=10)
    assert h.fake.dm_messages(paula) == []

    # Alice stops the summaries from the message itself.
    (button,) = [c for row in hosted.components for c in row["components"]]
    assert button["label"] == "Ne plus recevoir ces bilans"
    stop = await h.fake.click(hosted, button["custom_id"], user=h.alice, locale="fr")
    reply = await stop.reply()
    assert reply.content.startswith("C'est fait : vous ne recevrez plus de bilan mensuel")

    # April has three answers again; in May, the proposer's summary is planned (and
    # refused by closed DMs), and Alice gets nothing.
    await _gathering(h, card, routine_id, APRIL_FIFTH_ENDS, answers)
    h.fake.set_clock(MAY_FIRST)

    async def april_planned() -> bool:
        return (paula.id, "venue", dt.date(2027, 4, 1), "closed") in await _summaries(
            h.database_url
        )

    await eventually(april_planned, timeout=10)
    assert len(h.fake.dm_messages(h.alice)) == 1
    assert [row for row in await _summaries(h.database_url) if row[0] == h.alice.id] == [
        (h.alice.id, "routine", dt.date(2027, 3, 1), "sent")
    ]


async def test_nothing_is_sent_under_three_members(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    await run(h, "settings", h.fake.owner, timezone="Europe/Paris")
    card, routine_id, paula = await _routine(h)
    carol = h.fake.add_member(h.guild, "carol").user
    answers: list[tuple[User, str, dict[str, object]]] = [(h.bob, "5", {}), (carol, "4", {})]
    await _gathering(h, card, routine_id, FIRST_ENDS, answers)

    h.fake.set_clock(APRIL_FIRST)

    async def planned() -> bool:
        return await _plans(h.database_url) == [dt.date(2027, 3, 1)]

    await eventually(planned, timeout=10)
    h.fake.advance_clock(minutes=5)
    await eventually(lambda: _dms(h, h.alice, 0), settle=0.5)
    assert h.fake.dm_messages(paula) == []
    assert await _summaries(h.database_url) == []


async def test_a_host_and_a_proposer_who_erased_their_data_get_nothing(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    await run(h, "settings", h.fake.owner, timezone="Europe/Paris")
    card, routine_id, paula = await _routine(h)
    carol = h.fake.add_member(h.guild, "carol").user
    dave = h.fake.add_member(h.guild, "dave").user
    answers: list[tuple[User, str, dict[str, object]]] = [
        (h.bob, "5", {}),
        (carol, "4", {}),
        (dave, "4", {}),
    ]
    await _gathering(h, card, routine_id, FIRST_ENDS, answers)
    for member in (h.alice, paula):
        _, question = await run(h, "privacy delete", member)
        confirm = question.components[0]["components"][0]["custom_id"]
        await (await h.fake.click(question, confirm, user=member)).response()

    h.fake.set_clock(APRIL_FIRST)

    async def planned() -> bool:
        return await _plans(h.database_url) == [dt.date(2027, 3, 1)]

    await eventually(planned, timeout=10)
    h.fake.advance_clock(minutes=5)
    await eventually(lambda: _dms(h, h.alice, 0), settle=0.5)
    assert h.fake.dm_messages(paula) == []
    assert await _summaries(h.database_url) == []


async def _dms(h: Harness, user: User, count: int) -> bool:
    return len(h.fake.dm_messages(user)) == count
