"""/routine and /profile through the fake Discord."""

from __future__ import annotations

import datetime as dt

import icalendar

from tests.e2e.harness import Harness
from tests.e2e.helpers import EPHEMERAL, propose, refused, run, venue_id_of


async def test_routine_create_join_list_leave_and_calendar(running: Harness) -> None:
    h = running
    venue = venue_id_of(await propose(h, name="Café des Devs"))
    await run(h, "settings", h.fake.owner, timezone="Europe/Paris")
    _, created = await run(
        h, "routine create", h.alice, venue=venue, weekday=0, time="18:30", title="Lundi code"
    )
    assert created.flags & EPHEMERAL
    assert created.content == (
        "Routine created, and you're in: Monday 18:30 · **Café des Devs** · 1 member · Lundi code"
    )
    choices = await h.fake.autocomplete(
        "routine join", "routine", "caf", guild=h.guild, user=h.bob, locale="fr"
    )
    assert [c["name"] for c in choices] == ["lundi 18:30 — Café des Devs (Lundi code)"]
    routine = choices[0]["value"]
    _, joined = await run(h, "routine join", h.bob, locale="fr", routine=routine)
    assert joined.content.startswith("Vous avez rejoint : lundi 18:30 · **Café des Devs** · 2")
    _, again = await run(h, "routine join", h.bob, routine=routine)
    assert again.content.startswith("You are already in:")

    _, listing = await run(h, "routine list", h.bob)
    assert listing.embed["title"] == "Weekly routines"
    assert listing.embed["description"].startswith("✅ Monday 18:30 · **Café des Devs**")

    _interaction, calendar_reply = await run(h, "routine calendar", h.bob)
    (attachment,) = calendar_reply.attachments
    assert attachment["filename"] == "bonnes-places-routines.ics"
    calendar = icalendar.Calendar.from_ical(attachment["content"])
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "Europe/Paris" and start.time() == dt.time(18, 30)
    assert start.weekday() == 0
    assert event["rrule"]["BYDAY"] == ["MO"]
    assert str(event["summary"]) == "Lundi code"

    _, left = await run(h, "routine leave", h.bob, routine=routine)
    assert left.content.startswith("You left: Monday 18:30")
    message = await refused(h, "routine calendar", h.bob)
    assert message.startswith("You haven't joined any routine yet.")


async def test_routine_refusals(running: Harness) -> None:
    h = running
    venue = venue_id_of(await propose(h))
    await run(h, "routine create", h.alice, venue=venue, weekday=2, time="12:00")
    for options, expected in [
        ({"venue": venue, "weekday": 2, "time": "12:00"}, "There is already a routine at"),
        ({"venue": venue, "weekday": 2, "time": "25:00"}, "I can't read that time."),
        ({"venue": venue, "weekday": 2, "time": "noon"}, "I can't read that time."),
        ({"venue": "Nowhere", "weekday": 2, "time": "12:00"}, "No venue called"),
    ]:
        message = await refused(h, "routine create", h.bob, **options)
        assert message.startswith(expected), (options, message)
    message = await refused(
        h, "routine create", h.bob, validate=False, venue=venue, weekday=8, time="12:00"
    )
    assert message == "Choose a day of the week."
    message = await refused(h, "routine join", h.bob, routine="999999")
    assert message.startswith("No routine “999999” here.")
    message = await refused(h, "routine leave", h.bob, routine="lunch")
    assert message.startswith("No routine “lunch” here.")
    other = h.fake.add_guild("Elsewhere")
    h.fake.add_member(other, h.bob)
    assert await h.fake.autocomplete("routine join", "routine", "", guild=other, user=h.bob) == []


async def test_profile_private_by_default_then_public(running: Harness) -> None:
    h = running
    venue = venue_id_of(await propose(h, user=h.alice))
    await run(h, "venue rate", h.bob, venue=venue, worth=5, hours="2.0")
    await run(h, "venue visit", h.bob, venue=venue)
    _, mine = await run(h, "profile", h.bob)
    assert mine.flags & EPHEMERAL
    text = mine.embed_text()
    assert mine.embed["title"] == "bob's time invested"
    assert "2 h · 1 visit" in text
    assert "Café des Devs, on " in text
    # A visit alone is no kept commitment: the streak counts those only.
    assert "Kept commitments\n0 weeks now · best 0" in text
    assert "Only you can see this profile." in text

    message = await refused(h, "profile", h.alice, member=h.bob)
    assert message == "That profile is private."
    message = await refused(h, "profile", h.alice, member=h.bob, visibility="public")
    assert message == "You can only choose who sees your own profile."

    _, public = await run(h, "profile", h.bob, locale="fr", visibility="public")
    assert "Les membres peuvent voir ce profil." in public.embed_text()
    _, seen = await run(h, "profile", h.alice, member=h.bob)
    assert not seen.flags & EPHEMERAL
    assert "2 h · 1 visit" in seen.embed_text()
