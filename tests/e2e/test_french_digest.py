"""The digest's loop as a French community reads it: the commitment and its replies, the
question's thread and the consent to be quoted, and the private follow-up of a new contact
thirty days on, each asserted word for word."""

from __future__ import annotations

import datetime as dt
import json

from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import EPHEMERAL, propose, run, venue_id_of
from tests.fakediscord import Message, User
from tests.fakediscord.validation.components import custom_ids

TUESDAY = dt.datetime(2027, 3, 16, 10, 0, tzinfo=dt.UTC)
#: Monday 18:30 in Paris, two hours: the first gathering has ended.
FIRST_ENDS = dt.datetime(2027, 3, 22, 19, 30, tzinfo=dt.UTC)
MONDAY = dt.datetime(2027, 3, 15, 8, 0, tzinfo=dt.UTC)
FAST = {"ROUTINE_CHECK_SECONDS": "0.1", "ROUTINE_RETRY_SECONDS": "0.1"}
STREAK_HINT = "Après, répondez « J'y étais » pour garder votre série."


async def french_guild(h: Harness) -> None:
    await run(h, "settings", h.fake.owner, timezone="Europe/Paris", language="fr")


async def routine(h: Harness) -> Message:
    venue = venue_id_of(await propose(h, name="Le Café des Devs"))
    before = len(h.fake.channel_messages(h.general))
    await run(h, "routine create", h.alice, venue=venue, weekday=0, time="18:30", title=None)
    return (await h.fake.wait_for_message(h.general, before + 1))[-1]


def labels(message: Message) -> list[str]:
    return [c["label"] for row in message.components for c in row["components"]]


def options_of(message: Message) -> dict[str, object]:
    (menu,) = [c for row in message.components for c in row["components"]]
    return menu


async def test_the_commitment_speaks_french(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    await french_guild(h)
    await routine(h)
    channel = await h.fake.create_channel(h.guild, "digest")
    await run(h, "digest setup", h.fake.owner, channel=channel, weekday=1, hour=9)
    await run(h, "digest send", h.fake.owner)
    (digest,) = h.fake.channel_messages(channel)
    text = h.fake.render(digest)
    assert "### Mon IRL de la semaine" in text
    assert "[+Je m'engage sur un rendez-vous cette semaine]" in text

    pick = await (await h.fake.click(digest, "bp:commit", user=h.bob, locale="fr")).reply()
    assert pick.flags & EPHEMERAL
    assert pick.content == (
        "Sur quel rendez-vous vous engagez-vous ? Répondez « J'y étais » après pour garder "
        "votre série."
    )
    menu = options_of(pick)
    assert menu["placeholder"] == "Choisissez un rendez-vous"
    (option,) = menu["options"]  # type: ignore[misc]
    assert option["label"] == "lundi 18:30 · Le Café des Devs"
    chosen = await h.fake.click(
        pick, "bp:commit:pick", user=h.bob, locale="fr", component_type=3, values=[option["value"]]
    )
    done = (await chosen.reply()).content
    assert done.startswith("C'est noté : vous allez au **Café des Devs** le <t:")
    assert done.endswith(f":f>. {STREAK_HINT}")
    closed = await h.fake.click(
        pick, "bp:commit:pick", user=h.alice, locale="fr", component_type=3, values=["999"]
    )
    assert (await closed.reply()).content == (
        "Ce rendez-vous ne fait plus partie de ceux de la semaine. Appuyez à nouveau sur le "
        "bouton pour les voir."
    )


async def answer(h: Harness, opener: Message, user: User, text: str) -> str:
    (answer_id,) = custom_ids(opener.components)
    click = await h.fake.click(opener, answer_id, user=user, locale="fr")
    await click.response()
    assert click.modal is not None
    assert click.modal["title"] == "Votre dernier bon moment"
    label = "Où, quand, et pourquoi ça valait le coup ?"
    assert label in json.dumps(click.modal, ensure_ascii=False)
    submitted = await h.fake.submit_modal(click, {"answer": text}, validate=True)
    return str((await submitted.reply()).content)


async def test_the_question_thread_and_consent_speak_french(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(MONDAY)
    await h.start()
    await french_guild(h)
    channel = await h.fake.create_channel(h.guild, "digest")
    await run(h, "digest setup", h.fake.owner, channel=channel, weekday=0, hour=9)
    await run(h, "digest send", h.fake.owner)
    (digest,) = h.fake.channel_messages(channel)
    thread = h.guild.threads[digest.id]
    (opener,) = h.fake.channel_messages(thread)
    assert opener.content == (
        "Votre réponse ici pourra être citée dans le récapitulatif de la semaine prochaine, "
        "seulement si vous êtes d'accord. Cliquez sur **Répondre** pour l'écrire."
    )
    assert labels(opener) == ["Répondre"]

    thanks = await answer(h, opener, h.bob, "Mardi au Café des Devs : une vraie démo.")
    assert thanks == (
        "Merci ! Votre réponse est dans le fil. Cliquez sur « Me citer dans le prochain "
        "récap » si vous acceptez qu'elle soit citée dans le récapitulatif de la semaine "
        "prochaine."
    )
    assert await answer(h, opener, h.alice, "   ") == (
        "Votre réponse est vide : écrivez quelques mots."
    )
    _, posted = h.fake.channel_messages(thread)
    assert posted.content == f"💬 <@{h.bob.id}> :\n> Mardi au Café des Devs : une vraie démo."
    assert labels(posted) == ["Me citer dans le prochain récap"]
    (consent,) = custom_ids(posted.components)

    async def press(user: User) -> str:
        click = await h.fake.click(posted, consent, user=user, locale="fr")
        return str((await click.reply()).content)

    assert await press(h.alice) == (
        "Seule la personne qui a écrit cette réponse peut accepter qu'elle soit citée."
    )
    assert await press(h.bob) == (
        "C'est noté : votre réponse pourra être citée dans le récapitulatif de la semaine "
        "prochaine. Cliquez à nouveau pour revenir en arrière."
    )
    assert await press(h.bob) == "C'est noté : votre réponse ne sera pas citée."
    await press(h.bob)

    h.fake.advance_clock(days=7)
    await run(h, "digest send", h.fake.owner)
    _, second = h.fake.channel_messages(channel)
    text = h.fake.render(second)
    assert "### Vos bons moments" in text
    assert "> Mardi au Café des Devs : une vraie démo.\n— un membre" in second.text()


def asks(h: Harness) -> list[Message]:
    return [m for m in h.fake.channel_messages(h.general) if "vous y étiez ?" in m.content]


async def went_with_a_contact(h: Harness, ask: Message, member: User) -> None:
    occurrence = ask.components[0]["components"][0]["custom_id"].rsplit(":", 1)[1]
    click = await h.fake.click(ask, f"bp:checkback:went:{occurrence}", user=member, locale="fr")
    await click.response()
    values = {"worth": "4", "hours": "2.0", "got": ["contact"], "wrong": []}
    await (await h.fake.submit_modal(click, values, validate=True)).reply()


async def test_the_follow_up_of_a_new_contact_speaks_french(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    await french_guild(h)
    card = await routine(h)
    (going,) = [i for i in custom_ids(card.components) if i.startswith("bp:routine:going:")]
    await (await h.fake.click(card, going, user=h.bob)).reply()
    h.fake.set_clock(FIRST_ENDS + dt.timedelta(minutes=1))

    async def asked() -> bool:
        return len(asks(h)) == 1

    await eventually(asked, timeout=10)
    (ask,) = asks(h)
    await went_with_a_contact(h, ask, h.bob)

    h.fake.advance_clock(days=30)

    async def followed_up() -> bool:
        return len(h.fake.dm_messages(h.bob)) == 1

    await eventually(followed_up, timeout=10)
    (question,) = h.fake.dm_messages(h.bob)
    assert question.content == (
        "Il y a un mois, vous avez fait une belle rencontre au **Café des Devs**. Ça a donné "
        "quelque chose ? Votre réponse reste anonyme : le lieu compte seulement les "
        "rencontres qui ont abouti."
    )
    assert labels(question) == ["Un appel", "Un client", "Une collaboration", "Rien pour l'instant"]
    call = question.components[0]["components"][0]["custom_id"]
    click = await h.fake.click(question, call, user=h.bob, locale="fr")
    assert (await click.reply()).content == "Merci, c'est noté !"
    again = await h.fake.click(question, call, user=h.bob, locale="fr")
    assert (await again.reply()).content == "Cette question est close : vous y avez déjà répondu."
