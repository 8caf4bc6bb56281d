"""Posting rights, review, self-dealing after deletion, privacy of the digest, votes carried
by two reactions: what a member could abuse, refused through the fake Discord."""

from __future__ import annotations

import asyncio

from db.models import Venue
from tests.e2e.harness import Harness
from tests.e2e.helpers import count, propose, refused, run, venue_id_of
from tests.fakediscord import Message, Permissions


async def test_propose_where_the_member_may_not_write_is_refused(running: Harness) -> None:
    h = running
    h.general.deny(h.alice.id, Permissions.SEND_MESSAGES, member=True)
    await h.fake.update_channel(h.general)
    before = len(h.fake.channel_messages(h.general))
    message = await refused(h, "venue propose", name="Café", kind="meetup", city="Paris")
    assert message.startswith(f"You can't send messages in <#{h.general.id}>")
    french = await refused(
        h, "venue propose", locale="fr", name="Café", kind="meetup", city="Paris"
    )
    assert french.startswith("Vous ne pouvez pas écrire")
    assert await count(h, Venue) == 0
    assert len(h.fake.channel_messages(h.general)) == before


async def pending_proposal(h: Harness) -> tuple[Message, str]:
    await run(h, "settings", h.fake.owner, moderation=True)
    interaction = await h.fake.slash(
        "venue propose",
        guild=h.guild,
        user=h.alice,
        name="Café",
        kind="meetup",
        city="Paris",
        description="Talks, then drinks.",
    )
    await interaction.reply()
    (card,) = await h.fake.wait_for_message(h.general)
    return card, venue_id_of(card)


async def test_an_edited_proposal_shows_the_moderator_what_approve_publishes(
    running: Harness,
) -> None:
    h = running
    card, venue = await pending_proposal(h)
    await run(
        h, "venue edit", h.alice, venue=venue, name="Casino", description="Win big, click here."
    )
    for _ in range(100):
        if card.embed["title"] == "Proposal awaiting approval: Casino":
            break
        await asyncio.sleep(0.02)
    assert card.embed["title"] == "Proposal awaiting approval: Casino"
    assert "Win big" in card.embed["description"]
    seen = card.embed["description"]
    approve = await h.fake.click(card, f"bp:review:approve:{venue}", user=h.fake.owner)
    await approve.response()
    assert card.embed["title"] == "New venue: Casino"
    assert card.embed["description"] == seen


async def test_the_different_venue_confirmation_reads_the_settings_when_clicked(
    running: Harness,
) -> None:
    h = running
    await propose(h, name="Café des Développeurs", city="Paris")
    _, question = await run(
        h, "venue propose", h.bob, name="Cafe des Developeur", kind="meetup", city="Paris"
    )
    await run(h, "settings", h.fake.owner, moderation=True)
    ids = [c["custom_id"] for row in question.components for c in row["components"]]
    click = await h.fake.click(question, ids[0], user=h.bob)
    await click.response()
    (followup,) = await click.followups(1)
    assert "waiting for a moderator's approval" in followup.content
    card = h.fake.channel_messages(h.general)[-1]
    assert card.embed["title"] == "Proposal awaiting approval: Cafe des Developeur"
    assert card.reactions == {}
