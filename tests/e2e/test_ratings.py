"""Rating by command and by the Rate button's modal; the RIT score the member sees."""

from __future__ import annotations

from tests.e2e.harness import Harness
from tests.e2e.helpers import (
    EPHEMERAL,
    propose,
    rating_count,
    refused,
    run,
    show,
    venue_id_of,
)


async def test_rate_again_keeps_the_history_and_what_is_not_changed(running: Harness) -> None:
    h = running
    venue = venue_id_of(await propose(h))
    _, reply = await run(
        h,
        "venue rate",
        h.bob,
        venue=venue,
        worth=5,
        hours="2.0",
        substance=4,
        comment="Real talks, no pitch decks.",
    )
    assert reply.flags & EPHEMERAL
    assert reply.content.startswith("Thanks! Your rating of **Café des Devs** is saved.")
    assert "(1 rating)." in reply.content and reply.content.endswith("\nRecorded: worth 5/5, 2 h.")
    _, again = await run(h, "venue rate", h.bob, locale="fr", venue=venue, worth=3, hours="1,5")
    assert again.content.startswith("Votre note de **Café des Devs** est mise à jour.")
    assert again.content.endswith("\nC'est noté : 3/5, 1,5 h.")
    assert await rating_count(h) == 2  # a history: the first experience is kept

    card = await show(h, venue)
    text = card.embed_text()
    assert "Return on time invested" in text and "/5 · 1 rating" in text  # one member
    assert "3.0/5" in text  # the newest worth
    assert "Real talks, no pitch decks." in text  # not changed, so kept
    assert "bob" not in text.lower()


async def test_comments_are_shown_without_their_author(running: Harness) -> None:
    h = running
    venue = venue_id_of(await propose(h))
    await run(
        h,
        "venue rate",
        h.bob,
        venue=venue,
        worth=4,
        hours="3.0",
        comment="Worth it for the **Q&A** @everyone",
    )
    text = (await show(h, venue)).embed_text()
    assert "Worth it for the \\*\\*Q&A\\*\\* @\u200beveryone" in text
    assert str(h.bob.id) not in text and "bob" not in text


async def test_proposer_cannot_rate_their_own_venue(running: Harness) -> None:
    h = running
    venue = venue_id_of(await propose(h, user=h.alice))
    message = await refused(h, "venue rate", h.alice, venue=venue, worth=5, hours="1.0")
    assert message.startswith("You proposed this venue, so you can't rate it.")
    assert await rating_count(h) == 0


async def test_bad_ratings_are_refused(running: Harness) -> None:
    h = running
    venue = venue_id_of(await propose(h))
    cases = [
        ({"venue": "Nowhere", "worth": 4, "hours": "1.0"}, "No venue called “Nowhere”"),
        ({"venue": venue, "worth": 7, "hours": "1.0"}, "The worth must be a whole number"),
        ({"venue": venue, "worth": 4, "hours": "30.0"}, "Hours must be a number from 0.25 to 24"),
        ({"venue": venue, "worth": 4, "hours": "0.0"}, "Hours must be a number from 0.25 to 24"),
        (
            {"venue": venue, "worth": 4, "hours": "1.0", "connections": 0},
            "The connections must be a whole number",
        ),
        (
            {"venue": venue, "worth": 4, "hours": "1.0", "comment": "c" * 501},
            "The comment is too long: 501 characters",
        ),
    ]
    for options, expected in cases:
        message = await refused(h, "venue rate", h.bob, validate=False, **options)
        assert message.startswith(expected), (options, message)
    assert await rating_count(h) == 0


async def test_removed_venue_cannot_be_rated(running: Harness) -> None:
    h = running
    venue = venue_id_of(await propose(h))
    await run(h, "venue remove", h.alice, venue=venue)
    message = await refused(h, "venue rate", h.bob, venue=venue, worth=4, hours="1.0")
    assert message.startswith("“Café des Devs” is no longer listed")
    assert await rating_count(h) == 0


async def test_an_unlisted_venue_is_refused_before_the_answers_are_read(
    running: Harness,
) -> None:
    """The venue comes first, as when the option looked it up before the command ran."""
    h = running
    venue = venue_id_of(await propose(h))
    await run(h, "venue remove", h.alice, venue=venue)
    message = await refused(h, "venue rate", h.bob, venue=venue, worth=4, hours="a while")
    assert message.startswith("“Café des Devs” is no longer listed")
    message = await refused(h, "venue rate", h.bob, venue="987654", worth=4, hours="a while")
    assert "987654" in message
    assert await rating_count(h) == 0


async def test_rate_button_opens_a_modal_that_saves_the_rating(running: Harness) -> None:
    h = running
    announcement = await propose(h)
    venue = venue_id_of(announcement)
    click = await h.fake.click(announcement, f"bp:rate:{venue}", user=h.bob, locale="fr")
    await click.response()
    modal = click.modal
    assert modal is not None and modal["title"] == "Noter ce lieu"
    fields = {c["custom_id"]: c for row in modal["components"] for c in row["components"]}
    assert len(fields) == 4
    worth, hours, criteria, comment = fields
    submit = await h.fake.submit_modal(
        click, {worth: "4", hours: "1h30", criteria: "4 5 3", comment: "Bien"}
    )
    reply = await submit.reply()
    assert reply.flags & EPHEMERAL
    assert "Merci ! Votre note de **Café des Devs** est enregistrée." in reply.content
    text = (await show(h, venue)).embed_text()
    assert "4.0 · 5.0 · 3.0" in text
    assert "1.5 h as members reported it (median)" in text


async def test_rate_form_is_prefilled_with_the_last_answers(running: Harness) -> None:
    h = running
    announcement = await propose(h)
    venue = venue_id_of(announcement)
    await run(h, "venue rate", h.bob, venue=venue, worth=4, hours="1.5", substance=5, comment="Top")
    click = await h.fake.click(announcement, f"bp:rate:{venue}", user=h.bob, locale="fr")
    await click.response()
    values = [c.get("value") for row in click.modal["components"] for c in row["components"]]
    assert values == ["4", "1,5", "5", "Top"]
    worth = click.modal["components"][0]["components"][0]["custom_id"]
    hours = click.modal["components"][1]["components"][0]["custom_id"]
    submit = await h.fake.submit_modal(click, {worth: "2", hours: "1,5"})
    await submit.reply()
    assert await rating_count(h) == 2
    text = (await show(h, venue)).embed_text()
    assert "2.0/5" in text and "Top" in text  # the newest worth; the comment kept


async def test_modal_with_bad_values_stores_nothing(running: Harness) -> None:
    h = running
    announcement = await propose(h)
    venue = venue_id_of(announcement)
    for values, expected in [
        ({"worth": "9"}, "The worth must be a whole number from 1 to 5."),
        ({"hours": "a lot"}, "Hours must be a number"),
        ({"criteria": "4 5 3 2"}, "Give up to three grades"),
    ]:
        click = await h.fake.click(announcement, f"bp:rate:{venue}", user=h.bob)
        await click.response()
        ids = [c["custom_id"] for row in click.modal["components"] for c in row["components"]]
        base = dict(zip(["worth", "hours", "criteria", "comment"], ids, strict=True))
        filled = {base["worth"]: "4", base["hours"]: "2"}
        filled.update({base[k]: v for k, v in values.items()})
        submit = await h.fake.submit_modal(click, filled)
        reply = await submit.reply()
        assert reply.flags & EPHEMERAL
        assert reply.content.startswith(expected), reply.content
    assert await rating_count(h) == 0


async def test_rate_button_works_after_a_restart(harness: Harness) -> None:
    h = harness
    await h.start()
    announcement = await propose(h)
    await h.restart()
    venue = venue_id_of(announcement)
    click = await h.fake.click(announcement, f"bp:rate:{venue}", user=h.bob)
    await click.response()
    assert click.modal is not None
