"""Posting rights, review, self-dealing after deletion, privacy of the digest, votes carried
by two reactions: what a member could abuse, refused through the fake Discord."""

from __future__ import annotations

import asyncio

from db.models import Venue, Vote
from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import count, propose, rating_count, refused, run, show, venue_id_of
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


async def test_an_edit_of_a_live_venue_waits_for_review(running: Harness) -> None:
    h = running
    card, venue = await pending_proposal(h)
    approve = await h.fake.click(card, f"bp:review:approve:{venue}", user=h.fake.owner)
    await approve.response()
    published = card.embed
    _, reply = await run(
        h, "venue edit", h.alice, venue=venue, name="Casino", description="Win big, click here."
    )
    assert "wait for a moderator's approval" in reply.content
    review = (await h.fake.wait_for_message(h.general, 2))[-1]
    assert review.embed["title"] == "Edit awaiting approval: Casino"
    assert card.embed == published
    assert (await show(h, venue)).embed["title"] == "Café"
    # The proposer edits again: the first card can no longer approve anything.
    await run(h, "venue edit", h.alice, venue=venue, url="https://casino.example")
    second = (await h.fake.wait_for_message(h.general, 3))[-1]
    ids = [c["custom_id"] for row in review.components for c in row["components"]]
    stale = await h.fake.click(review, ids[0], user=h.fake.owner)
    assert (await stale.reply()).content == "This proposal was already reviewed."
    assert card.embed == published
    ids = [c["custom_id"] for row in second.components for c in row["components"]]
    denied = await h.fake.click(second, ids[0], user=h.bob)
    assert (await denied.reply()).content.startswith("Only moderators")
    click = await h.fake.click(second, ids[0], user=h.fake.owner)
    await click.response()
    assert second.content == "Edit approved: Casino."
    for _ in range(100):
        if card.embed["title"] == "Casino":
            break
        await asyncio.sleep(0.02)
    assert card.embed["title"] == "Casino"  # edited: no longer "new"
    assert card.embed["url"] == "https://casino.example"
    assert (await show(h, venue)).embed["title"] == "Casino"
    # A rejected edit leaves the venue as it was.
    await run(h, "venue edit", h.alice, venue=venue, name="Casino Royale")
    third = (await h.fake.wait_for_message(h.general, 4))[-1]
    ids = [c["custom_id"] for row in third.components for c in row["components"]]
    reject = await h.fake.click(third, ids[1], user=h.fake.owner)
    await reject.response()
    assert third.content == "Edit not approved: Casino."
    assert (await show(h, venue)).embed["title"] == "Casino"


async def test_an_erased_proposer_still_cannot_rate_or_upvote_their_venue(
    running: Harness,
) -> None:
    h = running
    announcement = await propose(h, user=h.alice)
    venue = venue_id_of(announcement)
    _, question = await run(h, "privacy delete", h.alice)
    confirm, _cancel = (c["custom_id"] for row in question.components for c in row["components"])
    click = await h.fake.click(question, confirm, user=h.alice)
    await click.response()
    assert "<@" not in (await show(h, venue)).embed_text()
    message = await refused(h, "venue rate", h.alice, venue=venue, worth=5, hours="1.0")
    assert message.startswith("You proposed this venue")
    assert await rating_count(h) == 0
    await h.fake.react(announcement, "👍", h.alice)
    await h.fake.react(announcement, "👍", h.bob)
    assert await eventually(lambda: count(h, Vote)) == 1
    assert "👍 1 · 👎 0" in (await show(h, venue)).embed_text()
    # Bob, who proposed nothing, rates it as anyone may.
    await run(h, "venue rate", h.bob, venue=venue, worth=4, hours="1.0")
    assert await rating_count(h) == 1


async def test_the_digest_names_only_members_whose_profile_is_public(running: Harness) -> None:
    h = running
    venue = venue_id_of(await propose(h, name="Café des Devs"))
    await run(h, "routine create", h.alice, venue=venue, weekday=0, time="18:30")
    choices = await h.fake.autocomplete("routine join", "routine", "caf", guild=h.guild, user=h.bob)
    await run(h, "routine join", h.bob, routine=choices[0]["value"])
    await run(h, "venue visit", h.bob, venue=venue, hours="2.0")
    channel = await h.fake.create_channel(h.guild, "digest")
    await run(h, "digest setup", h.fake.owner, channel=channel, weekday=4, hour=18)

    async def preview() -> str:
        _, reply = await run(h, "digest preview", h.fake.owner)
        return h.fake.render(reply)

    private = await preview()
    assert "Café des Devs** · 0 going" in private and f"<@{h.bob.id}>" not in private
    await run(h, "profile", h.bob, visibility="public")
    public = await preview()
    assert public.count(f"<@{h.bob.id}>") == 1  # the routine's newcomer
