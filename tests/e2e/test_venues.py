"""Propose -> announcement -> reaction votes -> show, through the fake Discord."""

from __future__ import annotations

from typing import Any

import pytest

from db.engine import Database
from db.repositories import VoteRepository
from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import propose, refused, show
from tests.fakediscord import Message, Permissions


async def vote_counts(h: Harness, announcement: Message) -> tuple[int, int]:
    db = Database(h.database_url)
    try:
        async with db.read() as session:
            from db.repositories import VenueRepository

            found = await VenueRepository(session).by_announcements([announcement.id])
            venue = found[announcement.id]
            return await VoteRepository(session).counts(venue.id)
    finally:
        await db.dispose()


def venue_count(h: Harness) -> int:
    return len(h.fake.channel_messages(h.general))


async def test_propose_announce_vote_and_show(running: Harness) -> None:
    h = running
    announcement = await propose(
        h,
        address="12 rue de la Paix",
        url="https://cafe-des-devs.example.org/meetups",
        description="Talks by people who **ship**, then drinks.",
        tags="Rust, AI, rust",
    )
    embed = announcement.embed
    assert embed["title"] == "New venue: Café des Devs"
    assert embed["url"] == "https://cafe-des-devs.example.org/meetups"
    assert "12 rue de la Paix" in announcement.embed_text()
    assert "`Rust` `AI`" in announcement.embed_text(), "tags as written, duplicates dropped"
    assert embed["description"] == "Talks by people who **ship**, then drinks."  # as written

    async def reacted() -> bool:  # added beside the reply to the member, not before it
        return len(announcement.reactions) == 2

    await eventually(reacted)
    assert announcement.reactions == {"👍": [h.fake.bot_user.id], "👎": [h.fake.bot_user.id]}

    carol = h.fake.add_member(h.guild, "carol").user
    await h.fake.react(announcement, "👍", h.bob)
    await h.fake.react(announcement, "👍", carol)
    await h.fake.react(announcement, "👎", h.bob)  # Bob counts once, by his last: 👎
    await eventually(lambda: _equals(vote_counts(h, announcement), (1, 1)))

    card = await show(h, "Café des Devs")
    assert not card.ephemeral
    assert card.embed["title"] == "Café des Devs"
    assert "👍 1 · 👎 1" in card.embed_text()
    assert str(announcement.id) in card.embed_text()


async def _equals(awaitable: Any, expected: Any) -> bool:
    return (await awaitable) == expected


async def test_same_reaction_twice_counts_once(running: Harness) -> None:
    h = running
    announcement = await propose(h)
    for _ in range(3):
        await h.fake.react(announcement, "👍", h.bob, force=True)
    await eventually(lambda: _equals(vote_counts(h, announcement), (1, 0)))


async def test_add_remove_add_leaves_one_vote(running: Harness) -> None:
    h = running
    announcement = await propose(h)
    await h.fake.react(announcement, "👍", h.bob)
    await eventually(lambda: _equals(vote_counts(h, announcement), (1, 0)))
    await h.fake.unreact(announcement, "👍", h.bob)
    await eventually(lambda: _equals(vote_counts(h, announcement), (0, 0)))
    await h.fake.react(announcement, "👍", h.bob)
    await h.fake.react(announcement, "👎", h.bob)
    await h.fake.unreact(announcement, "👎", h.bob)
    await eventually(lambda: _equals(vote_counts(h, announcement), (1, 0)))
    assert "👍 1 · 👎 0" in (await show(h, "cafe des devs")).embed_text()


async def test_bot_and_proposer_reactions_are_not_votes(running: Harness) -> None:
    h = running
    announcement = await propose(h, user=h.alice)
    other_bot = h.fake.add_user("another-bot", bot=True)
    h.fake.add_member(h.guild, other_bot)
    await h.fake.react(announcement, "👍", other_bot)
    await h.fake.react(announcement, "👍", h.alice)  # the proposer
    await h.fake.react(announcement, "🎉", h.bob)  # not a vote
    await h.fake.react(announcement, "👎", h.bob)  # the only vote; arrives last
    await eventually(lambda: _equals(vote_counts(h, announcement), (0, 1)))


async def test_french_member_gets_french_replies(running: Harness) -> None:
    h = running
    interaction = await h.fake.slash(
        "venue propose",
        guild=h.guild,
        user=h.alice,
        locale="fr",
        name="Atelier Rust",
        kind="workshop",
        city="Lyon",
    )
    reply = await interaction.reply()
    assert reply.content.startswith("Proposition publiée : **Atelier Rust**.")
    card = await show(h, "Atelier Rust", locale="fr")
    assert "Atelier" in card.embed_text() and "Ville" in card.embed_text()
    message = await refused(h, "venue show", locale="fr", venue="Nulle part")
    assert message.startswith("Aucun lieu nommé « Nulle part »")
    english = await refused(h, "venue show", locale="en-GB", venue="Nowhere")
    assert english.startswith("No venue called “Nowhere”")


async def test_announcement_follows_the_guild_language(harness: Harness) -> None:
    h = harness
    h.guild.preferred_locale = "fr"
    await h.start()
    announcement = await propose(h, locale="en-US")
    assert announcement.embed["title"] == "Nouveau lieu : Café des Devs"


@pytest.mark.parametrize(
    ("options", "validate", "expected"),
    [
        ({"name": "x" * 101}, False, "The name is too long: 101 characters, at most 100."),
        ({"name": "\u200b\u200e "}, True, "The name is required."),
        ({"url": "javascript:alert(1)"}, True, "The link must start with http:// or https://."),
        ({"url": "https://"}, True, "That link is not a valid web address."),
        ({"city": "y" * 61}, False, "The city is too long: 61 characters, at most 60."),
        ({"tags": "a,b,c,d,e,f"}, True, "At most 5 tags, separated by commas (you gave 6)."),
        ({"kind": "rave"}, False, "Unknown kind."),
    ],
)
async def test_bad_proposals_are_refused_and_store_nothing(
    running: Harness, options: dict[str, Any], validate: bool, expected: str
) -> None:
    h = running
    fields = {"name": "Café des Devs", "kind": "meetup", "city": "Paris", **options}
    message = await refused(h, "venue propose", validate=validate, **fields)
    assert message.startswith(expected)
    assert venue_count(h) == 0
    assert not await h.fake.autocomplete("venue show", "venue", "", guild=h.guild, user=h.bob)


async def test_everyone_in_a_name_pings_nobody(running: Harness) -> None:
    h = running
    role, user = h.fake.bot_role(h.guild).id, h.bob.id
    name = f"@everyone meetup <@&{role}> <@{user}>"
    announcement = await propose(h, name=name)
    inert = f"@\u200beveryone meetup <@\u200b&{role}> <@\u200b{user}>"
    assert announcement.embed["title"] == f"New venue: {inert}"
    card = await show(h, name)
    assert card.embed["title"] == inert
    # The harness checks allowed_mentions on every message the bot sent.


async def test_duplicate_names_are_refused_with_a_link(running: Harness) -> None:
    h = running
    announcement = await propose(h, name="Café des Devs", city="Paris")
    message = await refused(
        h, "venue propose", name="  CAFE des devs!! ", kind="meetup", city="paris"
    )
    assert message.startswith("“Café des Devs” in Paris is already here")
    assert str(announcement.id) in message
    assert venue_count(h) == 1
    await propose(h, name="Café des Devs", city="Lyon")  # another city is another venue


async def test_missing_permission_is_named_and_nothing_is_stored(running: Harness) -> None:
    h = running
    h.general.deny(h.fake.bot_role(h.guild).id, Permissions.ADD_REACTIONS)
    await h.fake.update_channel(h.general)
    message = await refused(h, "venue propose", name="Café", kind="meetup", city="Paris")
    assert "I need these permissions there: Add Reactions." in message
    assert venue_count(h) == 0
    assert not h.fake.requests_to("POST", r"/channels/\d+/messages$")


async def test_failed_announcement_leaves_no_venue(running: Harness) -> None:
    h = running
    # Discord refuses the post although the bot's cached permissions said it could.
    h.fake.fail("POST", r"^/channels/\d+/messages$", 403, code=50013, message="Missing Permissions")
    message = await refused(h, "venue propose", name="Café", kind="meetup", city="Paris")
    assert message.startswith("I couldn't post the announcement")
    assert not await h.fake.autocomplete("venue show", "venue", "caf", guild=h.guild, user=h.bob)


async def test_autocomplete_suggests_this_guilds_venues(running: Harness) -> None:
    h = running
    await propose(h, name="Café des Devs", city="Paris")
    await propose(h, name="Le Petit Café", city="Lyon")
    await propose(h, name="Rust Paris", city="Paris")
    choices = await h.fake.autocomplete("venue show", "venue", "caf", guild=h.guild, user=h.bob)
    assert [c["name"] for c in choices] == ["Café des Devs — Paris", "Le Petit Café — Lyon"]
    card = await show(h, choices[1]["value"])
    assert card.embed["title"] == "Le Petit Café"
    message = await refused(h, "venue show", venue="999999")
    assert message.startswith("No venue called “999999”")


async def test_option_of_the_wrong_type_is_refused(running: Harness) -> None:
    """Discord checks option types; a forged payload still gets a clear answer."""
    message = await refused(running, "venue show", validate=False, venue=12345)
    assert message == "That value for “venue” is not valid."
    message = await refused(
        running,
        "venue propose",
        validate=False,
        locale="fr",
        name=["list"],
        kind="meetup",
        city="Paris",
    )
    assert message == "Cette valeur pour « nom » n'est pas valide."
    assert venue_count(running) == 0


async def test_autocomplete_labels_fit_discord_limits(running: Harness) -> None:
    h = running
    long_name = "Rencontres " + "très " * 16 + "longues"
    await propose(h, name=long_name[:100], city="Saint-Rémy-de-Provence" * 2)
    choices = await h.fake.autocomplete("venue rate", "venue", "renc", guild=h.guild, user=h.bob)
    assert len(choices) == 1
    assert len(choices[0]["name"]) == 100 and choices[0]["name"].endswith("…")
    other = h.fake.add_guild("Another guild")
    h.fake.add_member(other, h.bob)
    assert await h.fake.autocomplete("venue show", "venue", "renc", guild=other, user=h.bob) == []
