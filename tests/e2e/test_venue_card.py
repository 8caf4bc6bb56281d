"""The venue card's figures as members see them after the check-back: who confirmed they
came, who came back, what they got and what went wrong (counts, and only from three
answers), the hours they reported; and a member's 👍 then 👎 counting once."""

from __future__ import annotations

import datetime as dt

from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import propose, run, show, venue_id_of
from tests.e2e.test_checkback import FAST, FIRST_ENDS, TUESDAY, _asks, _routine
from tests.e2e.test_votes import upvotes
from tests.fakediscord import User


async def _went(h: Harness, member: User, occurrence: str, hours: str, **answers: object) -> None:
    (ask,) = _asks(h)
    went = await h.fake.click(ask, f"bp:checkback:went:{occurrence}", user=member)
    await went.response()
    submit = await h.fake.submit_modal(
        went, {"worth": "4", "hours": hours, **answers}, validate=True
    )
    assert "is saved" in (await submit.reply()).content


async def test_the_card_follows_check_back_answers_from_three_on(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    await run(h, "settings", h.fake.owner, timezone="Europe/Paris")
    card, routine_id = await _routine(h)
    carol = h.fake.add_member(h.guild, "carol").user
    dave = h.fake.add_member(h.guild, "dave").user
    for member in (h.bob, carol, dave):
        await (await h.fake.click(card, f"bp:routine:going:{routine_id}", user=member)).reply()
    h.fake.set_clock(FIRST_ENDS + dt.timedelta(minutes=1))

    async def asked() -> bool:
        return len(_asks(h)) == 1

    await eventually(asked, timeout=10)
    (ask,) = _asks(h)
    occurrence = ask.components[0]["components"][0]["custom_id"].rsplit(":", 1)[1]
    venue = "1"
    before = (await show(h, venue)).embed_text()
    assert "confirmed" not in before and "What members got" not in before

    await _went(h, h.bob, occurrence, "2.0", got=["substance", "contact"], wrong=["pitch"])
    text = (await show(h, venue)).embed_text()
    assert "1 member confirmed they came to a gathering" in text
    assert "Shown once 3 members have answered (1 so far)." in text
    assert "Substance" not in text and "Sales pitch" not in text

    await _went(h, carol, occurrence, "3.0", got=["substance"])
    text = (await show(h, venue)).embed_text()
    assert "(2 so far)" in text and "Sales pitch" not in text

    await _went(h, dave, occurrence, "1.0", got=["experience"], wrong=["pitch", "cliquey"])
    text = (await show(h, venue)).embed_text()
    assert "3 members confirmed they came to a gathering" in text
    assert "0 of 3 who went came back" in text
    assert "What members got (3 answers)" in text
    assert "Substance 2 · Real experience 1 · New contact 1" in text
    assert "Sales pitch or promises 2 · Cliquey 1" in text and "Ego" not in text
    assert "4.0/5 · 2 h as members reported it (median)" in text

    # Bob went again another day: one of the three came back.
    h.fake.advance_clock(days=1)
    await run(h, "venue visit", h.bob, venue=venue, hours="2")
    assert "1 of 3 who went came back" in (await show(h, venue)).embed_text()
    french = (await show(h, venue, locale="fr")).embed_text()
    assert "3 membres ont confirmé leur venue à une rencontre" in french
    assert "1 sur 3 y est retourné" in french
    assert "Du fond 2 · Du vécu 1 · Un nouveau contact 1" in french
    assert "Discours commercial ou promesses 2 · Entre-soi 1" in french


async def test_a_member_who_reacts_both_ways_counts_once_by_the_last(running: Harness) -> None:
    h = running
    announcement = await propose(h)
    venue = venue_id_of(announcement)
    carol = h.fake.add_member(h.guild, "carol").user
    await h.fake.react(announcement, "👍", carol)
    await upvotes(h, venue, 1)
    await h.fake.react(announcement, "👎", carol)
    await upvotes(h, venue, 0, down=1)
    await h.fake.react(announcement, "👍", h.bob)
    await upvotes(h, venue, 1, down=1)
    await h.fake.unreact(announcement, "👎", carol)
    await upvotes(h, venue, 2)
