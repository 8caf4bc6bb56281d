"""Edit, remove, visit, fuzzy duplicates, settings and moderation, through the fake."""

from __future__ import annotations

import asyncio
import datetime as dt

from babel.dates import format_date

from bot.i18n import day_text
from db.models import Venue, Visit
from tests.e2e.harness import Harness
from tests.e2e.helpers import (
    EPHEMERAL,
    count,
    propose,
    rating_count,
    refused,
    run,
    show,
    venue_id_of,
)
from tests.fakediscord import Permissions


async def moderator_role(h: Harness):  # type: ignore[no-untyped-def]
    return await h.fake.create_role(h.guild, "Mods")


# -- edit ------------------------------------------------------------------------------


async def test_proposer_edits_and_the_announcement_follows(running: Harness) -> None:
    h = running
    announcement = await propose(h, user=h.alice, tags="rust")
    venue = venue_id_of(announcement)
    _, reply = await run(
        h,
        "venue edit",
        h.alice,
        venue=venue,
        name="Café des Devs Rust",
        tags="rust, systems",
        address=" ",
    )
    assert reply.flags & EPHEMERAL
    assert reply.content == "Changes saved: **Café des Devs Rust**."
    assert announcement.embed["title"] == "Café des Devs Rust"  # no longer "new"
    assert "`rust` `systems`" in announcement.embed_text()
    assert any(
        c["custom_id"] == f"bp:rate:{venue}"
        for row in announcement.components
        for c in row["components"]
    )
    assert (await show(h, venue)).embed["title"] == "Café des Devs Rust"


async def test_edit_refusals(running: Harness) -> None:
    h = running
    venue = venue_id_of(await propose(h, user=h.alice))
    other = venue_id_of(await propose(h, user=h.alice, name="Rust Lyon", city="Lyon"))
    message = await refused(h, "venue edit", h.bob, venue=venue, name="Mine now")
    assert message == "Only the member who proposed “Café des Devs” or a moderator can do that."
    message = await refused(h, "venue edit", h.alice, venue=venue)
    assert message == "Give at least one field to change."
    message = await refused(h, "venue edit", h.alice, venue=venue, url="ftp://x.org")
    assert message.startswith("The link must start with http")
    message = await refused(
        h, "venue edit", h.alice, venue=other, name="CAFE des Devs", city="paris"
    )
    assert message.startswith("“Café des Devs” in Paris is already here")
    message = await refused(h, "venue edit", h.alice, venue="999999", name="x")
    assert message.startswith("No venue called")
    assert (await show(h, venue)).embed["title"] == "Café des Devs"


async def test_moderator_role_and_manage_server_may_edit(running: Harness) -> None:
    h = running
    venue = venue_id_of(await propose(h, user=h.alice))
    mods = await moderator_role(h)
    carol = h.fake.add_member(h.guild, "carol", roles=[mods]).user
    await run(h, "settings", h.fake.owner, moderator_role=mods)
    _, reply = await run(h, "venue edit", carol, venue=venue, city="Paris 11e")
    assert reply.content == "Changes saved: **Café des Devs**."
    boss = await h.fake.create_role(h.guild, "Admins", Permissions.MANAGE_GUILD)
    dave = h.fake.add_member(h.guild, "dave", roles=[boss]).user
    _, reply = await run(h, "venue edit", dave, venue=venue, kind="conference")
    assert reply.content == "Changes saved: **Café des Devs**."


# -- remove ----------------------------------------------------------------------------


async def test_remove_hides_the_venue_keeps_ratings_and_edits_the_announcement(
    running: Harness,
) -> None:
    h = running
    announcement = await propose(h, user=h.alice)
    venue = venue_id_of(announcement)
    await run(h, "venue rate", h.bob, venue=venue, worth=4, hours="1.0")
    _, reply = await run(h, "venue remove", h.alice, venue=venue, reason="Closed for good")
    assert reply.content == "Venue removed: **Café des Devs**. Its ratings and votes are kept."
    assert announcement.embed["title"] == "Removed: Café des Devs"
    assert announcement.embed["description"] == "Closed for good"
    assert announcement.components == []
    assert await h.fake.autocomplete("venue show", "venue", "caf", guild=h.guild, user=h.bob) == []
    assert (await refused(h, "venue show", h.bob, venue=venue)).startswith(
        "“Café des Devs” is no longer listed: it was removed or not approved."
    )
    assert (await refused(h, "venue search", h.bob, query="cafe")).startswith("No venue")
    assert await rating_count(h) == 1
    assert await count(h, Venue) == 1


async def test_remove_refusals(running: Harness) -> None:
    h = running
    venue = venue_id_of(await propose(h, user=h.alice))
    message = await refused(h, "venue remove", h.bob, venue=venue)
    assert message.startswith("Only the member who proposed")
    message = await refused(
        h, "venue remove", h.alice, validate=False, venue=venue, reason="r" * 201
    )
    assert message.startswith("The reason is too long: 201 characters")
    await run(h, "venue remove", h.alice, venue=venue)
    message = await refused(h, "venue remove", h.alice, venue=venue)
    assert message.startswith("“Café des Devs” is no longer listed")


# -- visit -----------------------------------------------------------------------------


async def test_visit_logged_today_then_updated(running: Harness) -> None:
    h = running
    venue = venue_id_of(await propose(h))
    today = dt.datetime.now(dt.UTC).date()
    english, french = format_date(today, "long", "en_GB"), format_date(today, "long", "fr_FR")
    _, reply = await run(h, "venue visit", h.bob, venue=venue)
    assert reply.content == f"Visit logged: **Café des Devs**, on {english}, 2 h."
    _, reply = await run(h, "venue visit", h.bob, locale="fr", venue=venue, hours="3h30")
    assert reply.content == (
        f"Votre visite à **Café des Devs** du {french} est mise à jour : 3,5 h."
    )
    earlier = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=10)
    _, reply = await run(h, "venue visit", h.bob, venue=venue, date=earlier.isoformat())
    assert f"on {day_text('en', earlier)}, 2 h" in reply.content
    assert await count(h, Visit) == 2


async def test_visit_refusals(running: Harness) -> None:
    h = running
    venue = venue_id_of(await propose(h))
    future = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=2)).isoformat()
    for options, expected in [
        ({"date": future}, "That date is in the future"),
        ({"date": "14/13/2026"}, "I can't read that date."),
        ({"date": "1999-12-31"}, "That date is before 1 January 2000."),
        ({"hours": "25.0"}, "Hours must be a number from 0.25 to 24"),
        ({"hours": "0.1"}, "Hours must be a number from 0.25 to 24"),
    ]:
        message = await refused(h, "venue visit", h.bob, validate=False, venue=venue, **options)
        assert message.startswith(expected), (options, message)
    message = await refused(h, "venue visit", h.bob, venue="Nowhere")
    assert message.startswith("No venue called")
    assert await count(h, Visit) == 0


# -- fuzzy duplicates ------------------------------------------------------------------


async def test_close_name_asks_to_confirm_then_creates(running: Harness) -> None:
    h = running
    await propose(h, name="Café des Développeurs", city="Paris")
    interaction, question = await run(
        h, "venue propose", h.bob, name="Cafe des Developeur", kind="meetup", city="Paris"
    )
    assert question.flags & EPHEMERAL
    assert question.content.startswith("“Cafe des Developeur” looks like a venue")
    assert "Café des Développeurs — Paris" in question.content
    ids = [c["custom_id"] for row in question.components for c in row["components"]]
    assert await count(h, Venue) == 1
    click = await h.fake.click(question, ids[0], user=h.bob)
    await click.response()
    (followup,) = await click.followups(1)
    assert followup.content.startswith("Proposal posted: **Cafe des Developeur**.")
    assert await count(h, Venue) == 2
    assert len(h.fake.channel_messages(h.general)) == 2
    assert interaction.messages[0].components == []


async def test_close_name_cancelled_adds_nothing(running: Harness) -> None:
    h = running
    await propose(h, name="Café des Développeurs", city="Paris")
    _, question = await run(
        h, "venue propose", h.bob, name="Cafe des Developeur", kind="meetup", city="Paris"
    )
    ids = [c["custom_id"] for row in question.components for c in row["components"]]
    other = await h.fake.click(question, ids[0], user=h.alice)
    assert (await other.reply()).content.startswith("These buttons belong to")
    click = await h.fake.click(question, ids[1], user=h.bob)
    await click.response()
    assert question.content == "Cancelled: nothing was changed."
    assert await count(h, Venue) == 1


# -- settings and moderation -----------------------------------------------------------


async def test_settings_need_manage_server(running: Harness) -> None:
    h = running
    message = await refused(h, "settings", h.bob, language="fr")
    assert message == "You need the Manage Server permission for this."
    _, reply = await run(h, "settings", h.fake.owner)
    assert reply.content == "Current settings:"
    assert "UTC" in reply.embed_text()


async def test_settings_change_channel_language_and_timezone(running: Harness) -> None:
    h = running
    venues = await h.fake.create_channel(h.guild, "venues")
    choices = await h.fake.autocomplete(
        "settings", "timezone", "europe/par", guild=h.guild, user=h.fake.owner
    )
    assert choices[0]["value"] == "Europe/Paris"
    _, reply = await run(
        h,
        "settings",
        h.fake.owner,
        locale="fr",
        venue_channel=venues,
        language="fr",
        timezone="europe/paris",
    )
    assert reply.content == "Réglages enregistrés."
    assert "Europe/Paris" in reply.embed_text()
    interaction = await h.fake.slash(
        "venue propose", guild=h.guild, user=h.alice, name="Café", kind="meetup", city="Paris"
    )
    await interaction.reply()
    (announcement,) = await h.fake.wait_for_message(venues)
    assert announcement.embed["title"] == "Nouveau lieu : Café"
    message = await refused(h, "settings", h.fake.owner, validate=False, timezone="Mars/Olympus")
    assert message.startswith("“Mars/Olympus” is not a time zone.")


async def test_settings_refuse_a_channel_the_bot_cannot_post_in(running: Harness) -> None:
    h = running
    secret = h.fake.add_channel(h.guild, "secret")
    secret.deny(h.fake.bot_role(h.guild).id, Permissions.SEND_MESSAGES)
    await h.fake.dispatch(h.guild.id, "CHANNEL_CREATE", secret.to_dict())
    message = await refused(h, "settings", h.fake.owner, venue_channel=secret)
    assert message == (
        f"I can't post in <#{secret.id}>: I need these permissions there: Send Messages, "
        "Embed Links. Ask a server admin to grant them."
    )
    _, reply = await run(h, "settings", h.fake.owner)
    assert "the channel where a venue is proposed" in reply.embed_text()


async def test_moderation_holds_proposals_until_approved(running: Harness) -> None:
    h = running
    mods = await moderator_role(h)
    carol = h.fake.add_member(h.guild, "carol", roles=[mods]).user
    await run(h, "settings", h.fake.owner, moderation=True, moderator_role=mods)
    interaction = await h.fake.slash(
        "venue propose", guild=h.guild, user=h.alice, name="Café", kind="meetup", city="Paris"
    )
    reply = await interaction.reply()
    assert reply.content.startswith("**Café** is waiting for a moderator's approval")
    (pending,) = await h.fake.wait_for_message(h.general)
    assert pending.embed["title"] == "Proposal awaiting approval: Café"
    assert pending.reactions == {}
    assert await h.fake.autocomplete("venue show", "venue", "caf", guild=h.guild, user=h.bob) == []
    venue = venue_id_of(pending)

    denied = await h.fake.click(pending, f"bp:review:approve:{venue}", user=h.bob)
    assert (await denied.reply()).content.startswith("Only moderators")
    approve = await h.fake.click(pending, f"bp:review:approve:{venue}", user=carol)
    assert (await approve.response())["type"] == 7
    assert pending.embed["title"] == "New venue: Café"
    for _ in range(100):  # the vote reactions are added once the click is answered
        if len(pending.reactions) == 2:
            break
        await asyncio.sleep(0.02)
    assert set(pending.reactions) == {"👍", "👎"}
    assert (await show(h, venue)).embed["title"] == "Café"
    again = await h.fake.click(pending, f"bp:rate:{venue}", user=h.bob)
    await again.response()
    assert again.modal is not None


async def test_rejected_proposal_is_never_listed(running: Harness) -> None:
    h = running
    await run(h, "settings", h.fake.owner, moderation=True)
    interaction = await h.fake.slash(
        "venue propose", guild=h.guild, user=h.alice, name="Spam Corp", kind="other", city="Paris"
    )
    await interaction.reply()
    (pending,) = await h.fake.wait_for_message(h.general)
    venue = venue_id_of(pending)
    reject = await h.fake.click(pending, f"bp:review:reject:{venue}", user=h.fake.owner)
    await reject.response()
    assert pending.embed["title"] == "Not approved: Spam Corp"
    assert pending.components == []
    assert (await refused(h, "venue show", h.bob, venue=venue)).startswith(
        "“Spam Corp” is no longer listed"
    )
