"""Promise against reality through the fake Discord: the "you're going" reply asks what the
member hopes to get (optional, kept when they go again), the check-back form reminds them,
and the venue card compares hopes with what members got only from three answers, with a
warning when the venue often falls short or is often flagged a sales pitch."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from db.engine import Database
from db.models import RoutineRsvp
from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import EPHEMERAL, run, show
from tests.e2e.test_checkback import FAST, FIRST_ENDS, TUESDAY, _asks, _routine
from tests.fakediscord import Message, User

HOPES_SELECT = 3


def _select(message: Message) -> dict[str, Any]:
    (menu,) = [c for row in message.components for c in row["components"]]
    return menu


async def _going(h: Harness, card: Message, routine_id: str, member: User) -> Message:
    return await (await h.fake.click(card, f"bp:routine:going:{routine_id}", user=member)).reply()


async def _hope(h: Harness, reply: Message, member: User, values: list[str]) -> Message:
    custom_id = _select(reply)["custom_id"]
    click = await h.fake.click(
        reply, custom_id, user=member, component_type=HOPES_SELECT, values=values
    )
    return await click.reply()


async def _hopes_of(url: str, member_id: int) -> list[int | None]:
    db = Database(url)
    try:
        async with db.read() as session:
            return list(
                await session.scalars(
                    select(RoutineRsvp.hopes).where(RoutineRsvp.member_id == member_id)
                )
            )
    finally:
        await db.dispose()


async def _went(
    h: Harness, member: User, occurrence: str, worth: str = "4", **answers: object
) -> dict[str, Any]:
    (ask,) = _asks(h)
    went = await h.fake.click(ask, f"bp:checkback:went:{occurrence}", user=member)
    await went.response()
    modal = went.modal
    assert modal is not None
    submit = await h.fake.submit_modal(
        went, {"worth": worth, "hours": "2.0", **answers}, validate=True
    )
    assert "is saved" in (await submit.reply()).content
    return modal


async def test_hopes_are_asked_on_going_kept_when_going_again_and_recalled_at_check_back(
    harness: Harness,
) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    await run(h, "settings", h.fake.owner, timezone="Europe/Paris")
    card, routine_id = await _routine(h)
    dave = h.fake.add_member(h.guild, "dave").user

    reply = await _going(h, card, routine_id, h.bob)
    assert reply.flags & EPHEMERAL and reply.content.startswith("Noted: you're going on")
    menu = _select(reply)
    assert menu["placeholder"] == "What do you hope to get? (optional)"
    assert (menu["min_values"], menu["max_values"]) == (0, 3)
    assert [o["value"] for o in menu["options"]] == ["substance", "experience", "contact"]
    assert not any(o.get("default") for o in menu["options"])
    assert await _hopes_of(h.database_url, h.bob.id) == [None]

    saved = await _hope(h, reply, h.bob, ["substance", "contact"])
    assert saved.flags & EPHEMERAL
    assert saved.content.startswith("Noted: you hope for substance, a new contact.")
    assert await _hopes_of(h.database_url, h.bob.id) == [5]

    # Someone who is not going cannot state hopes for that date; nothing is stored.
    refused = await _hope(h, reply, dave, ["experience"])
    assert refused.flags & EPHEMERAL and "gathering you're going to" in refused.content
    assert await _hopes_of(h.database_url, dave.id) == []

    # Not this week, then going again: the hopes are kept and shown as chosen.
    await (await h.fake.click(card, f"bp:routine:not-going:{routine_id}", user=h.bob)).reply()
    again = await _going(h, card, routine_id, h.bob)
    chosen = [o["value"] for o in _select(again)["options"] if o.get("default")]
    assert chosen == ["substance", "contact"]
    assert await _hopes_of(h.database_url, h.bob.id) == [5]

    # The check-back form reminds the member of what they hoped for, in their language.
    h.fake.set_clock(FIRST_ENDS + dt.timedelta(minutes=1))
    await eventually(lambda: _has_ask(h), timeout=10)
    (ask,) = _asks(h)
    occurrence = ask.components[0]["components"][0]["custom_id"].rsplit(":", 1)[1]
    went = await h.fake.click(ask, f"bp:checkback:went:{occurrence}", user=h.bob, locale="fr")
    await went.response()
    assert went.modal is not None
    labels = {c["component"]["custom_id"]: c for c in went.modal["components"]}
    assert labels["got"]["description"] == "Vous espériez : du fond, un nouveau contact"
    assert "description" not in labels["worth"]


async def _has_ask(h: Harness) -> bool:
    return len(_asks(h)) == 1


async def test_the_card_compares_hopes_from_three_answers_and_warns(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    await run(h, "settings", h.fake.owner, timezone="Europe/Paris")
    card, routine_id = await _routine(h)
    carol = h.fake.add_member(h.guild, "carol").user
    dave = h.fake.add_member(h.guild, "dave").user
    erin = h.fake.add_member(h.guild, "erin").user
    hopes = {h.bob.id: ["substance"], carol.id: ["contact"], dave.id: ["experience", "substance"]}
    for member in (h.bob, carol, dave, erin):
        reply = await _going(h, card, routine_id, member)
        if member.id in hopes:
            await _hope(h, reply, member, hopes[member.id])
    h.fake.set_clock(FIRST_ENDS + dt.timedelta(minutes=1))
    await eventually(lambda: _has_ask(h), timeout=10)
    (ask,) = _asks(h)
    occurrence = ask.components[0]["components"][0]["custom_id"].rsplit(":", 1)[1]

    # Bob got what he hoped for; Carol hoped for a contact and got substance only.
    await _went(h, h.bob, occurrence, got=["substance", "contact"])
    await _went(h, carol, occurrence, got=["substance"])
    text = (await show(h, "1")).embed_text()
    assert "Lived up to hopes" not in text and "⚠️" not in text

    # From three members who said what they hoped: the count, and the warning when at
    # least half got less than they hoped.
    await _went(h, dave, occurrence, worth="2", got=["substance"], wrong=["pitch"])
    text = (await show(h, "1")).embed_text()
    assert "Promise vs reality" in text and "Lived up to hopes: 1 of 3" in text
    assert "⚠️ Often less than hoped: 2 of 3 members did not get all they hoped for" in text
    assert "sales pitch" not in text.split("Promise vs reality", 1)[1]

    # Erin stated no hopes: she does not count in the comparison, but her flag does in
    # the warning about sales pitches (2 of 4 answers).
    await _went(h, erin, occurrence, worth="2", wrong=["pitch"])
    text = (await show(h, "1")).embed_text()
    assert "Lived up to hopes: 1 of 3" in text
    assert "⚠️ Often flagged as a sales pitch or promises: 2 of 4 answers" in text
    french = (await show(h, "1", locale="fr")).embed_text()
    assert "Promesse et réalité" in french and "À la hauteur des attentes : 1 sur 3" in french
    assert "⚠️ Souvent en deçà des attentes : 2 membres sur 3" in french

    # A member who erases their data leaves the counts: two hoped answers are too few.
    _, question = await run(h, "privacy delete", h.bob)
    confirm, _cancel = (c["custom_id"] for row in question.components for c in row["components"])
    await (await h.fake.click(question, confirm, user=h.bob)).response()
    text = (await show(h, "1")).embed_text()
    assert "Lived up to hopes" not in text and "Often less than hoped" not in text
