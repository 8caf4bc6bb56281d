"""Text that cannot mislead: links that hide where they go, names that show nothing,
keys that outgrow their column."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.domain import text as member_text
from db.engine import Database
from db.models import Venue
from tests.e2e.harness import Harness
from tests.e2e.helpers import count, propose, refused, run, show, venue_id_of

#: A masked link to the member's target as Discord renders it, the label across lines too.
MASKED_LINK = re.compile(r"(?<!\\)\[[^\[\]]*(?<!\\)\]\(https://evil")


async def _stored(h: Harness) -> list[Venue]:
    db = Database(h.database_url)
    try:
        async with db.read() as session:
            return list(await session.scalars(select(Venue).order_by(Venue.id)))
    finally:
        await db.dispose()


async def test_a_link_label_across_lines_is_shown_as_text(running: Harness) -> None:
    h = running
    venue = venue_id_of(
        await propose(h, description="See the [slides\n](https://evil.example/login) here")
    )
    await run(
        h,
        "venue rate",
        h.bob,
        venue=venue,
        worth=4,
        hours="1.0",
        comment="Great [slides\n](https://evil.example/login) and [more](https://evil.example)",
    )
    card = await show(h, venue)
    text = card.embed_text()
    assert "evil.example" in text
    assert not MASKED_LINK.search(text), text
    assert "\\[slides \\](https://evil.example/login)" in text


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"name": "\u3164"}, "The name is required."),
        ({"name": "\u3164\u3164 \u115f"}, "The name is required."),
        ({"city": "\u3164"}, "The city is required."),
        ({"city": "!!! ?"}, "The city needs at least one letter or digit."),
        ({"url": "https://discord.com@evil.example"}, "A link can't carry a user name"),
        ({"url": "https://user:pw@evil.example/x"}, "A link can't carry a user name"),
    ],
)
async def test_invisible_names_and_disguised_links_are_refused(
    running: Harness, options: dict[str, str], expected: str
) -> None:
    h = running
    fields = {"name": "Café des Devs", "kind": "meetup", "city": "Paris", **options}
    message = await refused(h, "venue propose", **fields)
    assert message.startswith(expected), message
    assert await count(h, Venue) == 0


async def test_invisible_letters_and_link_controls_are_dropped_and_the_host_shown(
    running: Harness,
) -> None:
    h = running
    announcement = await propose(
        h,
        name="Caf\u3164é des Devs",
        url="https://\u202eexample.org/\u200bslides\u2066",
    )
    (venue,) = await _stored(h)
    assert venue.name == "Café des Devs"
    assert venue.url == "https://example.org/slides"
    card = await show(h, venue_id_of(announcement))
    link = next(f for f in card.embed["fields"] if f["name"] == "Link")
    assert link["value"] == "example\\.org" or link["value"] == "example.org"
    assert card.embed["url"] == "https://example.org/slides"


async def test_names_that_grow_when_folded_fit_their_keys(running: Harness) -> None:
    h = running
    name = " ".join(["Straße"] * 14)  # 97 characters, 111 once folded
    city = "\ufdfa" * 4  # each folds to 18 letters
    name_max, city_max = 100, 60  # the columns venue.normalized_name and venue.city_key
    assert len(member_text.normalize_name(name)) <= name_max
    assert len(member_text.normalize_name(city, city_max)) <= city_max
    await propose(h, name=name, city=city)
    (venue,) = await _stored(h)
    assert len(venue.normalized_name) <= name_max
    assert len(venue.city_key) <= city_max
    # The key still finds it, and refuses the same name again.
    card = await show(h, name)
    assert card.embed["title"] == name
    message = await refused(h, "venue propose", name=name.lower(), kind="meetup", city=city)
    assert "is already here" in message
    # Two long names differing only at the end keep different keys.
    assert member_text.normalize_name(name + " a") != member_text.normalize_name(name + " b")
