"""The question's thread under the digest: members answer through a form, only an answer's
author can agree to be quoted, and the next digest quotes consented answers only, naming
only public profiles; an answer agreed after the next digest is out waits for the one after,
and none is quoted twice."""

from __future__ import annotations

import datetime as dt

from tests.e2e.harness import Harness
from tests.e2e.helpers import EPHEMERAL, run
from tests.fakediscord.validation.components import custom_ids

MONDAY = dt.datetime(2027, 3, 15, 8, 0, tzinfo=dt.UTC)


async def answer(h: Harness, opener, user, text: str) -> str:  # type: ignore[no-untyped-def]
    (answer_id,) = custom_ids(opener.components)
    click = await h.fake.click(opener, answer_id, user=user)
    await click.response()
    submitted = await h.fake.submit_modal(click, {"answer": text}, validate=True)
    reply = await submitted.reply()
    assert reply.flags & EPHEMERAL
    return str(reply.content)


async def test_answers_are_quoted_next_week_only_with_their_authors_consent(
    harness: Harness,
) -> None:
    h = harness
    h.fake.set_clock(MONDAY)
    await h.start()
    channel = await h.fake.create_channel(h.guild, "digest")
    await run(h, "digest setup", h.fake.owner, channel=channel, weekday=0, hour=9)
    await run(h, "digest send", h.fake.owner)
    (digest,) = h.fake.channel_messages(channel)
    thread = h.guild.threads[digest.id]
    assert thread.name.endswith("?")
    (opener,) = h.fake.channel_messages(thread)
    assert custom_ids(opener.components) == {"bp:digest:answer:2027:11"}
    carol = h.fake.add_member(h.guild, "carol").user

    thanks = await answer(
        h, opener, h.bob, "Mardi soir au Café des Devs : une vraie démo, pas un pitch."
    )
    assert thanks.startswith("Thanks! Your answer is in the thread.")
    await answer(h, opener, carol, "Jeudi au Forum, j'ai rencontré une future associée.")
    _, bobs, _ = h.fake.channel_messages(thread)
    assert bobs.content == (
        f"💬 <@{h.bob.id}>:\n> Mardi soir au Café des Devs : une vraie démo, pas un pitch."
    )
    (consent,) = custom_ids(bobs.components)
    refused = await (await h.fake.click(bobs, consent, user=h.alice)).reply()
    assert refused.content == "Only the author of this answer can agree to have it quoted."
    agreed = await (await h.fake.click(bobs, consent, user=h.bob, locale="fr")).reply()
    assert agreed.content.startswith("C'est noté : votre réponse pourra être citée")

    # The next week's digest quotes Bob's answer (his profile is private: not named) and
    # not Carol's, who did not agree.
    h.fake.advance_clock(days=7)
    await run(h, "digest send", h.fake.owner)
    _, second = h.fake.channel_messages(channel)
    text = second.text()
    assert "> Mardi soir au Café des Devs : une vraie démo, pas un pitch.\n— a member" in text
    assert "future associée" not in text and f"<@{h.bob.id}>" not in text
    await run(h, "profile", h.bob, visibility="public")
    _, preview = await run(h, "digest preview", h.fake.owner)
    assert f"pas un pitch.\n— <@{h.bob.id}>" in preview.text()


async def test_an_empty_answer_is_refused_and_posts_nothing(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(MONDAY)
    await h.start()
    channel = await h.fake.create_channel(h.guild, "digest")
    await run(h, "digest setup", h.fake.owner, channel=channel, weekday=0, hour=9)
    await run(h, "digest send", h.fake.owner)
    (digest,) = h.fake.channel_messages(channel)
    thread = h.guild.threads[digest.id]
    (opener,) = h.fake.channel_messages(thread)
    (answer_id,) = custom_ids(opener.components)
    click = await h.fake.click(opener, answer_id, user=h.bob)
    await click.response()
    submitted = await h.fake.submit_modal(click, {"answer": "   "})
    assert (await submitted.reply()).content == "Your answer is empty: write a few words."
    assert len(h.fake.channel_messages(thread)) == 1


async def consent(h: Harness, thread, user) -> None:  # type: ignore[no-untyped-def]
    posted = h.fake.channel_messages(thread)[-1]
    (consent_id,) = custom_ids(posted.components)
    await (await h.fake.click(posted, consent_id, user=user)).reply()


async def test_answers_given_after_the_next_digest_are_quoted_once_in_a_later_one(
    harness: Harness,
) -> None:
    h = harness
    h.fake.set_clock(MONDAY)
    await h.start()
    channel = await h.fake.create_channel(h.guild, "digest")
    await run(h, "digest setup", h.fake.owner, channel=channel, weekday=0, hour=9)
    await run(h, "digest send", h.fake.owner)
    (first,) = h.fake.channel_messages(channel)
    first_thread = h.guild.threads[first.id]
    (first_opener,) = h.fake.channel_messages(first_thread)
    carol = h.fake.add_member(h.guild, "carol").user
    await answer(h, first_opener, h.bob, "Mardi au Café des Devs, une vraie démo.")
    await consent(h, first_thread, h.bob)

    h.fake.advance_clock(days=7)
    await run(h, "digest send", h.fake.owner)
    second = h.fake.channel_messages(channel)[-1]
    assert "> Mardi au Café des Devs, une vraie démo." in second.text()
    # Carol answers last week's question after this week's digest is out; Alice answers
    # this week's.
    await answer(h, first_opener, carol, "Jeudi au Forum, une future associée.")
    await consent(h, first_thread, carol)
    second_thread = h.guild.threads[second.id]
    (second_opener,) = h.fake.channel_messages(second_thread)
    await answer(h, second_opener, h.alice, "Vendredi à La Cantine, trois contacts utiles.")
    await consent(h, second_thread, h.alice)

    h.fake.advance_clock(days=7)
    await run(h, "digest send", h.fake.owner)
    third = h.fake.channel_messages(channel)[-1].text()
    assert "> Jeudi au Forum, une future associée." in third
    assert "> Vendredi à La Cantine, trois contacts utiles." in third
    assert "Café des Devs, une vraie démo" not in third

    # Every answer was quoted once: the next digest has none left to quote.
    h.fake.advance_clock(days=7)
    await run(h, "digest send", h.fake.owner)
    fourth = h.fake.channel_messages(channel)[-1]
    assert "Your good moments" not in fourth.text()
