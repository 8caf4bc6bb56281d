"""/venue search and /venue top: results, filters, pages with buttons, empty results."""

from __future__ import annotations

import asyncio

from db.engine import Database
from db.repositories import VenueRepository
from tests.e2e.harness import Harness
from tests.e2e.helpers import EPHEMERAL, propose, refused, run, venue_id_of
from tests.fakediscord import Message


async def seed(h: Harness) -> dict[str, str]:
    """Five venues; bob and carol rate some of them."""
    ids = {}
    for name, kind, city, tags in [
        ("Café des Devs", "meetup", "Paris", "rust, ai"),
        ("Le Petit Café", "afterwork", "Lyon", "networking"),
        ("Rust Paris", "meetup", "Paris", "rust"),
        ("Forum Cloud", "conference", "Montréal", "cloud"),
        ("Atelier Créa", "workshop", "Paris", ""),
    ]:
        options = {"name": name, "kind": kind, "city": city}
        if tags:
            options["tags"] = tags
        ids[name] = venue_id_of(await propose(h, **options))
    carol = h.fake.add_member(h.guild, "carol").user
    for user, name, worth, hours in [
        (h.bob, "Rust Paris", 5, 2.0),
        (carol, "Rust Paris", 5, 2.0),
        (h.bob, "Café des Devs", 3, 3.0),
        (carol, "Forum Cloud", 4, 8.0),
    ]:
        await run(h, "venue rate", user, venue=ids[name], worth=worth, hours=str(hours))
    return ids


def names(message: Message) -> list[str]:
    return [f["name"].split(". ", 1)[1] for f in message.embed.get("fields", [])]


async def test_search_finds_accents_and_case_and_filters(running: Harness) -> None:
    h = running
    await seed(h)
    _, reply = await run(h, "venue search", h.bob, query="cafe")
    assert reply.flags & EPHEMERAL
    assert sorted(names(reply)) == ["Café des Devs", "Le Petit Café"]
    _, reply = await run(h, "venue search", h.bob, query="CAFÉ", city="paris")
    assert names(reply) == ["Café des Devs"]
    _, reply = await run(h, "venue search", h.bob, city="montreal")
    assert names(reply) == ["Forum Cloud"]
    _, reply = await run(h, "venue search", h.bob, tag="#Rust", sort="rit")
    assert names(reply) == ["Rust Paris", "Café des Devs"]
    _, reply = await run(h, "venue search", h.bob, kind="workshop")
    assert names(reply) == ["Atelier Créa"]
    _, reply = await run(h, "venue search", h.bob, query="atel cré")
    assert names(reply) == ["Atelier Créa"]


async def test_search_sorts_by_rit_recent_and_votes(running: Harness) -> None:
    h = running
    ids = await seed(h)
    _, reply = await run(h, "venue search", h.bob, sort="rit")
    assert names(reply)[0] == "Rust Paris"
    _, reply = await run(h, "venue search", h.bob, sort="recent")
    assert names(reply)[0] == "Atelier Créa"
    db = Database(h.database_url)
    try:
        async with db.read() as session:
            forum = await VenueRepository(session).get(h.guild.id, int(ids["Forum Cloud"]))
    finally:
        await db.dispose()
    assert forum is not None
    announcement = h.fake.messages[forum.announcement_message_id]
    await h.fake.react(announcement, "👍", h.bob)
    for _ in range(100):
        _, reply = await run(h, "venue search", h.bob, sort="votes")
        if names(reply)[0] == "Forum Cloud":
            break
        await asyncio.sleep(0.05)
    assert names(reply)[0] == "Forum Cloud"
    assert "👍 1 👎 0" in reply.embed["fields"][0]["value"]


async def test_empty_results_suggest_a_broader_query(running: Harness) -> None:
    h = running
    await seed(h)
    message = await refused(h, "venue search", h.bob, query="quantum", city="Berlin")
    assert message.startswith("No venue matches. Try fewer words")
    message = await refused(h, "venue top", h.bob, locale="fr", city="Berlin")
    assert message.startswith("Aucun lieu de cette ville ou de ce type n'a été noté")


async def test_search_ignores_search_syntax_and_bad_choices(running: Harness) -> None:
    h = running
    await seed(h)
    _, reply = await run(h, "venue search", h.bob, query='"rust*" ( ) -- ;')
    assert sorted(names(reply)) == ["Café des Devs", "Rust Paris"]  # tagged or named rust
    message = await refused(h, "venue search", h.bob, query='rust" OR * NEAR( ) -- ;DROP')
    assert message.startswith("No venue matches.")
    message = await refused(h, "venue search", h.bob, validate=False, sort="random")
    assert message.startswith("Unknown order.")
    message = await refused(h, "venue search", h.bob, validate=False, kind="rave")
    assert message.startswith("Unknown kind.")


async def test_top_ranks_by_rit_and_hides_unrated(running: Harness) -> None:
    h = running
    await seed(h)
    _, reply = await run(h, "venue top", h.bob, period="week")
    assert names(reply) == ["Rust Paris", "Forum Cloud", "Café des Devs"]
    assert reply.embed["title"] == "Best venues this week"
    _, reply = await run(h, "venue top", h.bob, city="Paris", kind="meetup")
    assert names(reply) == ["Rust Paris", "Café des Devs"]
    message = await refused(h, "venue top", h.bob, validate=False, period="decade")
    assert message.startswith("Unknown period.")
    message = await refused(h, "venue top", h.bob, validate=False, kind="rave")
    assert message.startswith("Unknown kind.")


async def test_pages_turn_for_their_owner_only_and_expire(harness: Harness) -> None:
    h = harness
    await h.start(VIEW_TIMEOUT="3")
    names_ = [
        "Python",
        "Golang",
        "Kotlin",
        "Haskell",
        "Elixir",
        "Scala",
        "Ruby",
        "Julia",
        "Fortran",
        "Cobol",
        "Erlang",
        "Clojure",
    ]
    await run(h, "settings", h.fake.owner, proposals_per_day=len(names_))
    for name in names_:
        await propose(h, name=f"{name} Nantes", city="Nantes", tags="tech")
    interaction, first = await run(h, "venue search", h.bob, tag="tech", sort="recent")
    assert first.embed["footer"]["text"] == "Page 1/3 · 12 venues"
    assert len(names(first)) == 5
    buttons = [c for row in first.components for c in row["components"]]
    next_id = buttons[1]["custom_id"]
    assert buttons[0].get("disabled") is True

    click = await h.fake.click(first, next_id, user=h.bob)
    assert (await click.response())["type"] == 7
    assert first.embed["footer"]["text"] == "Page 2/3 · 12 venues"

    stranger = await h.fake.click(first, next_id, user=h.alice)
    denied = await stranger.reply()
    assert denied.flags & EPHEMERAL
    assert denied.content.startswith("These buttons belong to the member who asked.")
    assert first.embed["footer"]["text"] == "Page 2/3 · 12 venues"

    click = await h.fake.click(first, next_id, user=h.bob)
    await click.response()
    assert first.embed["footer"]["text"] == "Page 3/3 · 12 venues"
    assert len(names(first)) == 2

    for _ in range(100):  # the view times out: its buttons are disabled on the message
        buttons = [c for row in first.components for c in row["components"]]
        if all(b.get("disabled") for b in buttons):
            break
        await asyncio.sleep(0.1)
    assert all(b.get("disabled") for b in buttons), buttons
    assert interaction.messages[0] is first


async def test_pages_read_the_list_again_at_each_click(harness: Harness) -> None:
    """An open list keeps its query, not its results: a click shows the venues as they are
    now, and the last page if the list got shorter."""
    h = harness
    await h.start()
    cities = ["Brest", "Vannes", "Lorient", "Quimper", "Rennes", "Nantes", "Angers"]
    await run(h, "settings", h.fake.owner, proposals_per_day=len(cities) + 1)
    ids = [venue_id_of(await propose(h, name=f"Forum {c}", city=c, tags="ouest")) for c in cities]
    _, first = await run(h, "venue search", h.bob, tag="ouest", sort="recent")
    assert first.embed["footer"]["text"] == "Page 1/2 · 7 venues"
    next_id, previous_id = (
        [c for row in first.components for c in row["components"]][i]["custom_id"] for i in (1, 0)
    )

    await propose(h, name="Forum Laval", city="Laval", tags="ouest")
    await (await h.fake.click(first, next_id, user=h.bob)).response()
    assert first.embed["footer"]["text"] == "Page 2/2 · 8 venues"
    assert names(first) == ["Forum Lorient", "Forum Vannes", "Forum Brest"]

    for venue in ids[:4]:
        await run(h, "venue remove", h.alice, venue=venue)
    await (await h.fake.click(first, next_id, user=h.bob)).response()
    assert first.embed["footer"]["text"] == "Page 1/1 · 4 venues"
    assert names(first) == ["Forum Laval", "Forum Angers", "Forum Nantes", "Forum Rennes"]
    buttons = [c for row in first.components for c in row["components"]]
    assert all(b.get("disabled") for b in buttons), buttons
    assert previous_id == buttons[0]["custom_id"]
