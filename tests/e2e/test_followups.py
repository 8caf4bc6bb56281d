"""Thirty days after a member met a valuable new contact, one private question with four
buttons; the answer is stored once, the venue card counts the connections that led
somewhere, and the question is never asked twice, across restarts."""

from __future__ import annotations

import datetime as dt
import json

from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import EPHEMERAL, run, show
from tests.e2e.test_checkback import FAST, FIRST_ENDS, TUESDAY, _asks, _routine
from tests.e2e.test_venue_card import _went


async def test_a_new_contact_is_followed_up_once_privately(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    await run(h, "settings", h.fake.owner, timezone="Europe/Paris")
    card, routine_id = await _routine(h)
    carol = h.fake.add_member(h.guild, "carol").user
    dave = h.fake.add_member(h.guild, "dave").user
    h.fake.dms_closed.add(carol.id)
    for member in (h.bob, carol, dave):
        await (await h.fake.click(card, f"bp:routine:going:{routine_id}", user=member)).reply()
    h.fake.set_clock(FIRST_ENDS + dt.timedelta(minutes=1))

    async def asked() -> bool:
        return len(_asks(h)) == 1

    await eventually(asked, timeout=10)
    (ask,) = _asks(h)
    occurrence = ask.components[0]["components"][0]["custom_id"].rsplit(":", 1)[1]
    await _went(h, h.bob, occurrence, "2.0", got=["contact"])
    await _went(h, carol, occurrence, "2.0", got=["contact"])
    await _went(h, dave, occurrence, "2.0", got=["substance"])

    h.fake.advance_clock(days=29)
    await h.restart(**FAST)
    h.fake.advance_clock(minutes=5)
    await eventually(lambda: _dms(h, h.bob, 0), settle=0.5)

    h.fake.advance_clock(days=1)

    async def followed_up() -> bool:
        return len(h.fake.dm_messages(h.bob)) == 1

    await eventually(followed_up, timeout=10)
    (question,) = h.fake.dm_messages(h.bob)
    assert "valuable new contact at **Café des Devs**" in question.content
    custom_id = question.components[0]["components"][1]["custom_id"]
    assert custom_id.startswith("bp:followup:client:")
    assert h.fake.dm_messages(dave) == [] and h.fake.dm_messages(carol) == []

    click = await h.fake.click(question, custom_id, user=h.bob)
    assert (await click.reply()).content == "Thanks, noted!"
    again = await h.fake.click(question, custom_id.replace("client", "call"), user=h.bob)
    reply = await again.reply()
    assert reply.flags & EPHEMERAL and "already answered" in reply.content
    text = (await show(h, "1")).embed_text()
    assert "1 new contact made here led somewhere" in text
    french = (await show(h, "1", locale="fr")).embed_text()
    assert "1 rencontre faite ici a abouti" in french

    # Restarts and more rounds ask nobody again, Carol (closed DMs) included.
    await h.restart(**FAST)
    h.fake.advance_clock(days=2)
    await eventually(lambda: _dms(h, h.bob, 1), settle=0.5)
    assert h.fake.dm_messages(carol) == []

    _, export = await run(h, "privacy export", h.bob)
    data = json.loads(export.attachments[0]["content"])
    assert [f["answer"] for f in data["contact_followups"]] == ["client"]
    await run(h, "privacy delete", h.bob)


async def _dms(h: Harness, user: object, count: int) -> bool:
    return len(h.fake.dm_messages(user)) == count  # type: ignore[arg-type]
