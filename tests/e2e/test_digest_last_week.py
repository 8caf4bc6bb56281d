"""The digest's "last week": the gatherings that took place, how many went (the check-back's
"I went" answers, or who said they were going when nobody answered), and what they got and
what went wrong, told only from three answers on."""

from __future__ import annotations

import datetime as dt

from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import propose, run, venue_id_of
from tests.fakediscord import Message, User

TUESDAY = dt.datetime(2027, 3, 16, 10, 0, tzinfo=dt.UTC)
#: After Monday's gatherings (Paris) ended, and before the next Tuesday's digest.
MONDAY_NIGHT = dt.datetime(2027, 3, 22, 21, 0, tzinfo=dt.UTC)
NEXT_TUESDAY = dt.datetime(2027, 3, 23, 10, 0, tzinfo=dt.UTC)
FAST = {"ROUTINE_CHECK_SECONDS": "0.1", "ROUTINE_RETRY_SECONDS": "0.1"}


async def routine(h: Harness, name: str, time: str, going: list[User]) -> None:
    venue = venue_id_of(await propose(h, name=name))
    before = len(h.fake.channel_messages(h.general))
    await run(h, "routine create", h.alice, venue=venue, weekday=0, time=time, title=None)
    card = (await h.fake.wait_for_message(h.general, before + 1))[-1]
    routine_id = card.embed["footer"]["text"].split("#", 1)[1].split(" ", 1)[0]
    for member in going:
        await (await h.fake.click(card, f"bp:routine:going:{routine_id}", user=member)).reply()


def asks(h: Harness) -> list[Message]:
    return [m for m in h.fake.channel_messages(h.general) if "were you there?" in m.content]


async def asked(h: Harness, count: int) -> bool:
    return len(asks(h)) == count


async def went(h: Harness, ask: Message, member: User, got: list[str], wrong: list[str]) -> None:
    occurrence = ask.components[0]["components"][0]["custom_id"].rsplit(":", 1)[1]
    click = await h.fake.click(ask, f"bp:checkback:went:{occurrence}", user=member)
    await click.response()
    values = {"worth": "4", "hours": "2.0", "got": got, "wrong": wrong}
    await (await h.fake.submit_modal(click, values, validate=True)).reply()


async def test_last_week_tells_who_went_and_what_they_got_from_three_answers(
    harness: Harness,
) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    await run(h, "settings", h.fake.owner, timezone="Europe/Paris")
    carol, dave, erin = (h.fake.add_member(h.guild, n).user for n in ("carol", "dave", "erin"))
    await routine(h, "Café des Devs", "18:30", [h.bob, carol, dave])
    await routine(h, "Rust Paris", "12:00", [carol, erin])
    await routine(h, "Forum Cloud", "09:00", [dave])

    h.fake.set_clock(MONDAY_NIGHT)
    await eventually(lambda: asked(h, 3), timeout=10)
    by_venue = {
        next(v for v in ("Café des Devs", "Rust Paris", "Forum Cloud") if v in a.content): a
        for a in asks(h)
    }
    cafe, rust = by_venue["Café des Devs"], by_venue["Rust Paris"]
    await went(h, cafe, h.bob, ["substance", "contact"], ["pitch"])
    await went(h, cafe, carol, ["substance"], [])
    await went(h, cafe, dave, ["experience", "substance"], [])
    await went(h, rust, carol, ["substance"], ["cliquey"])
    await went(h, rust, erin, ["contact"], [])

    h.fake.set_clock(NEXT_TUESDAY)
    channel = await h.fake.create_channel(h.guild, "digest")
    await run(h, "digest setup", h.fake.owner, channel=channel, weekday=1, hour=9)
    await run(h, "digest send", h.fake.owner)
    (digest,) = h.fake.channel_messages(channel)
    text = h.fake.render(digest)
    section = text.split("### Last week", 1)[1].split("###", 1)[0]
    lines = [line.strip(" │") for line in section.splitlines() if line.strip(" │")]
    assert lines[0].endswith("· **Café des Devs** · 3 went")
    assert lines[1] == "↳ what they got: substance (3), real experience (1), new contacts (1)"
    assert lines[2] == "↳ what went wrong: sales pitch (1)"
    # Two answers: how many went, never what they got or what went wrong.
    assert lines[3].endswith("· **Rust Paris** · 2 went")
    assert lines[4].endswith("· **Forum Cloud** · 1 said they'd go")
    assert "cliquey" not in text and len(lines) == 5
