"""The digest's best places: the RIT over recent ratings, fading with their age, so the list
follows what members lived lately; each listed venue with a Rate button that opens the
rating form, after a restart too."""

from __future__ import annotations

import datetime as dt

from tests.e2e.harness import Harness
from tests.e2e.helpers import propose, run, venue_id_of
from tests.fakediscord import Channel, Message
from tests.fakediscord.validation.components import walk

MONDAY = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)


def listed(h: Harness, digest: Message) -> list[str]:
    """The names of the best places, in order."""
    text = h.fake.render(digest)
    return [
        line.split("**", 2)[1]
        for line in text.splitlines()
        if any(emoji in line for emoji in ("1️⃣ **", "2️⃣ **", "3️⃣ **"))
    ]


def rate_ids(digest: Message) -> list[str]:
    """The Rate buttons' custom ids, in the order they show."""
    return [
        c["custom_id"]
        for c in walk(digest.components)
        if str(c.get("custom_id", "")).startswith("bp:rate:")
    ]


async def send_digest(h: Harness, channel: Channel) -> Message:
    before = len(h.fake.channel_messages(channel))
    await run(h, "digest send", h.fake.owner)
    messages = h.fake.channel_messages(channel)
    assert len(messages) == before + 1
    return messages[-1]


async def test_best_places_follow_recent_ratings_with_working_rate_buttons(
    harness: Harness,
) -> None:
    h = harness
    h.fake.set_clock(MONDAY)
    await h.start()
    members = [h.fake.add_member(h.guild, name).user for name in ("carol", "dave", "erin")]
    old = venue_id_of(await propose(h, name="Café des Devs"))
    new = venue_id_of(await propose(h, name="Rust Paris"))
    for member in [h.bob, *members]:
        await run(h, "venue rate", member, venue=old, worth=5, hours="2")
    await run(h, "venue rate", h.bob, venue=new, worth=3, hours="2")
    channel = await h.fake.create_channel(h.guild, "digest")
    await run(h, "digest setup", h.fake.owner, channel=channel, weekday=0, hour=9)

    first = await send_digest(h, channel)
    assert listed(h, first) == ["Café des Devs", "Rust Paris"]
    assert [i for i in rate_ids(first) if i.startswith("bp:rate:")] == [
        f"bp:rate:{old}",
        f"bp:rate:{new}",
    ]
    assert "[Rate] [Rate]" in h.fake.render(first)

    # Three weeks on, two members lived Rust Paris: its fresh ratings outweigh the four
    # older ones of Café des Devs (all-time, Café des Devs still ranks first).
    h.fake.advance_clock(days=21)
    for member in members[:2]:
        await run(h, "venue rate", member, venue=new, worth=5, hours="2")
    _, top = await run(h, "venue top", h.bob)
    assert top.embed_text().index("Café des Devs") < top.embed_text().index("Rust Paris")
    later = await send_digest(h, channel)
    assert listed(h, later) == ["Rust Paris", "Café des Devs"]

    # Five weeks after them, the old ratings are out of the window altogether.
    h.fake.advance_clock(days=14)
    assert listed(h, await send_digest(h, channel)) == ["Rust Paris"]

    # The Rate button opens the rating form, after a restart too.
    await h.restart()
    frank = h.fake.add_member(h.guild, "frank").user
    click = await h.fake.click(later, f"bp:rate:{old}", user=frank, locale="fr")
    await click.response()
    assert click.modal is not None and click.modal["custom_id"].endswith(f":{old}")
    text = h.fake.render(later)
    assert "1️⃣ **Rust Paris**" in text
