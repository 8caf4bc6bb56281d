"""Replies a French community would write, and input the way people type it: both
languages, through the fake Discord."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

from tests.e2e.harness import Harness
from tests.e2e.helpers import EPHEMERAL, propose, refused, run, venue_id_of


def _yesterday() -> dt.date:
    return dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)


async def test_names_contract_and_sentences_need_no_agreement(running: Harness) -> None:
    h = running
    interaction = await h.fake.slash(
        "venue propose",
        guild=h.guild,
        user=h.alice,
        locale="fr",
        name="Le Café Numérique",
        kind="meetup",
        city="Le Mans",
    )
    proposed = await interaction.reply()
    assert proposed.content.startswith("Proposition publiée : **Le Café Numérique**. ")
    announcement = (await h.fake.wait_for_message(h.general, 1))[-1]
    venue = venue_id_of(announcement)
    _, rated = await run(h, "venue rate", h.bob, locale="fr", venue=venue, worth=4, hours="1,5")
    assert rated.content.startswith(
        "Merci ! Votre note du **Café Numérique** est enregistrée. "
        "Son retour sur temps investi est maintenant de "
    )
    assert rated.content.endswith("/5 (1 note).\nC'est noté : 4/5, 1,5 h.")
    _, visit = await run(
        h, "venue visit", h.bob, locale="fr", venue=venue, date="hier", hours="1h30"
    )
    day = format_date(_yesterday(), "long", locale="fr_FR")
    assert visit.content == f"Visite enregistrée : au **Café Numérique**, le {day}, 1,5 h."
    duplicate = await refused(
        h,
        "venue propose",
        h.bob,
        locale="fr",
        name="le cafe numerique",
        kind="meetup",
        city="le mans",
    )
    assert duplicate.startswith("« Le Café Numérique » existe déjà au Mans : ")
    _, english = await run(h, "venue visit", h.bob, venue=venue, date="yesterday", hours="90min")
    day = format_date(_yesterday(), "long", locale="en_GB")
    assert english.content == (f"Your visit to **Le Café Numérique** on {day} is updated: 1.5 h.")


async def test_times_dates_and_titles_as_typed(running: Harness) -> None:
    h = running
    venue = venue_id_of(await propose(h, name="Apéro Tech"))
    _, created = await run(
        h,
        "routine create",
        h.alice,
        locale="fr",
        venue=venue,
        weekday=1,
        time="9h30",
        title="Petit-déj",
    )
    assert created.content.startswith("Rendez-vous créé, et vous en êtes : mardi 09:30 · ")
    _, evening = await run(h, "routine create", h.alice, venue=venue, weekday=3, time="9pm")
    assert evening.content.startswith("Routine created, and you're in: Thursday 21:00 · ")
    # A routine found by its typed title, without the autocomplete.
    _, joined = await run(h, "routine join", h.bob, locale="fr", routine="petit-déj")
    assert joined.content.startswith("Vous avez rejoint : mardi 09:30 · **Apéro Tech**")
    message = await refused(h, "routine join", h.bob, routine="Nothing like it")
    assert message.startswith("No routine “Nothing like it” here.")
    _, listing = await run(h, "routine list", h.bob, locale="fr")
    assert "mardi 09:30" in listing.embed["description"]
    assert "jeudi 21:00" in listing.embed["description"]
    for typed in ("29/11/2026", "2026-11-29", "29/11", "aujourd'hui"):
        _, reply = await run(h, "venue visit", h.bob, venue=venue, date=typed, validate=False)
        assert reply.flags & EPHEMERAL
        if typed != "aujourd'hui":
            assert " 29 November " in reply.content, reply.content
    message = await refused(h, "venue visit", h.bob, locale="fr", venue=venue, date="32/13")
    assert message.startswith("Je ne comprends pas cette date.")
    message = await refused(h, "venue rate", h.bob, locale="fr", venue=venue, worth=4, hours="26")
    assert message == "Les heures doivent être un nombre de 0,25 à 24 (par ex. 1,5 ou 1h30)."


async def test_replies_that_used_to_mislead(running: Harness) -> None:
    h = running
    announcement = await propose(h, name="Café des Devs")
    venue = venue_id_of(announcement)
    await run(h, "venue rate", h.bob, venue=venue, worth=4, hours="2")
    message = await refused(h, "venue top", h.bob, kind="workshop")
    assert message.startswith("No venue matching the city or kind you chose was rated")
    message = await refused(h, "venue top", h.bob, locale="fr", kind="workshop")
    assert message.startswith("Aucun lieu de cette ville ou de ce type n'a été noté")
    # The proposer's Rate button refuses at once instead of after the form is filled.
    click = await h.fake.click(announcement, f"bp:rate:{venue}", user=h.alice, locale="fr")
    refusal = await click.reply()
    assert click.modal is None
    assert refusal.content.startswith("Vous avez proposé ce lieu")
    # A removed venue is named as removed, not as an unknown number.
    await run(h, "venue remove", h.alice, venue=venue)
    message = await refused(h, "venue show", h.bob, locale="fr", venue=venue)
    assert message.startswith("« Café des Devs » n'est plus dans la liste")


async def test_member_text_is_kept_as_written(running: Harness) -> None:
    h = running
    announcement = await propose(
        h,
        locale="fr",
        name="La Cordée",
        tags="numérique responsable, IA, ia",
        description="Des **retours d'expérience**, pas de pitch.\n# Venez !\n[ici](https://x.example)",
    )
    text = announcement.embed_text()
    assert "`numérique responsable` `IA`" in text  # as written; the duplicate "ia" dropped
    description = announcement.embed["description"]
    assert description.startswith("Des **retours d'expérience**, pas de pitch.\n")
    assert "\\# Venez !" in description and "\\[ici\\](https://x.example)" in description
    _, found = await run(h, "venue search", h.bob, locale="fr", tag="#ia")
    assert "La Cordée" in found.embed_text()
    _, found = await run(h, "venue search", h.bob, tag="Numérique Responsable")
    assert "La Cordée" in found.embed_text()
