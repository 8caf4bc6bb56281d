"""A routine nobody goes to pauses itself and any member resumes it; the host edits it
and its Discord event follows; the calendar file follows edits and skips."""

from __future__ import annotations

import asyncio
import datetime as dt

import icalendar

from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import propose, refused, run
from tests.e2e.test_routine_events import (
    FAST,
    TUESDAY,
    card_value,
    create_routine,
    latest,
    occurrences,
)
from tests.fakediscord import Message
from tests.fakediscord.validation.components import custom_ids

#: With the server in UTC, the first Monday 18:30 after TUESDAY.
MONDAY = dt.datetime(2027, 3, 22, 18, 30, tzinfo=dt.UTC)
WEEK = dt.timedelta(days=7)
PAUSED = (
    "Paused: nobody came three weeks running, so no new Discord event for now. "
    "Anyone can bring it back with /routine resume."
)


def routine_of(card: Message) -> str:
    return str(card.embed["footer"]["text"].split("#", 1)[1].split(" ", 1)[0])


async def events(h: Harness, count: int) -> bool:
    return len(h.fake.scheduled_events(h.guild)) == count


async def test_three_empty_weeks_pause_the_routine_and_any_member_resumes_it(
    harness: Harness,
) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    _, card = await create_routine(h)
    routine = routine_of(card)
    # Week 1: nobody. Week 2: Bob clicks "Interested" in Discord just before it starts
    # (no scheduler count in between): that still counts, so weeks 1-3 do not lapse.
    h.fake.advance_clock(days=7)
    await eventually(lambda: events(h, 2), timeout=10)
    await h.fake.mark_interested(h.fake.scheduled_events(h.guild)[-1], h.bob)
    for count in (3, 4, 5):
        h.fake.advance_clock(days=7)
        await eventually(lambda count=count: events(h, count), timeout=10)
    assert card_value(latest(h, card), "Next time") != PAUSED
    # Weeks 3, 4 and 5 had nobody: paused, and no sixth event.
    h.fake.advance_clock(days=7)

    async def paused() -> bool:
        return card_value(latest(h, card), "Next time") == PAUSED

    await eventually(paused, timeout=10)
    await asyncio.sleep(0.5)  # several scheduler rounds
    assert len(h.fake.scheduled_events(h.guild)) == 5
    assert custom_ids(latest(h, card).components) == {f"bp:routine:join:{routine}"}

    # Carol, who never joined, resumes it: she hosts it and the next date's event exists.
    carol = h.fake.add_member(h.guild, "carol").user
    _, reply = await run(h, "routine resume", carol, routine=routine)
    sixth = MONDAY + 5 * WEEK
    assert reply.content.startswith("Monday 18:30 · **Café des Devs** · 2 members")
    assert reply.content.endswith(
        f"is back on, and you host it. Next time: <t:{int(sixth.timestamp())}:F>."
    )
    assert len(h.fake.scheduled_events(h.guild)) == 6
    assert h.fake.scheduled_events(h.guild)[-1].scheduled_start_time == sixth
    resumed = latest(h, card)
    assert card_value(resumed, "Host") == f"<@{carol.id}>"
    assert card_value(resumed, "Next time").startswith(f"<t:{int(sixth.timestamp())}:F> · [")
    assert len(custom_ids(resumed.components)) == 4
    message = await refused(h, "routine resume", h.bob, routine=routine)
    assert message == "That routine is not paused: there is nothing to resume."
    message = await refused(h, "routine resume", h.bob, locale="fr", routine=routine)
    assert message == "Ce rendez-vous n'est pas en pause : il n'y a rien à relancer."

    # The empty weeks before the pause no longer count: one more empty week does not lapse.
    h.fake.advance_clock(days=7)
    await eventually(lambda: events(h, 7), timeout=10)
    await asyncio.sleep(0.5)
    assert card_value(latest(h, card), "Next time") != PAUSED
    assert len(await occurrences(h.database_url)) == 7


async def test_a_lapse_cancels_the_event_already_made_for_the_next_date(
    harness: Harness,
) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    _, card = await create_routine(h)
    routine = routine_of(card)
    for count in (2, 3):
        h.fake.advance_clock(days=7)
        await eventually(lambda count=count: events(h, count), timeout=10)
    # The third date starts: the fourth's event is made; once the third ends, it lapses.
    h.fake.set_clock(MONDAY + 2 * WEEK + dt.timedelta(minutes=1))
    await eventually(lambda: events(h, 4), timeout=10)
    fourth = h.fake.scheduled_events(h.guild)[-1]
    assert fourth.status == 1
    h.fake.set_clock(MONDAY + 2 * WEEK + dt.timedelta(hours=2, minutes=1))
    await eventually(lambda: _status(fourth, 4), timeout=10)
    assert card_value(latest(h, card), "Next time") == PAUSED
    # Resumed before that date: its occurrence gets a new event, once.
    _, reply = await run(h, "routine resume", h.bob, locale="fr", routine=routine)
    assert reply.content.startswith("C'est reparti pour lundi 18:30")
    fourth_start = int((MONDAY + 3 * WEEK).timestamp())
    assert reply.content.endswith(
        f"et c'est vous qui l'animez ! Prochain rendez-vous : <t:{fourth_start}:F>."
    )
    await asyncio.sleep(0.5)
    made = h.fake.scheduled_events(h.guild)
    assert len(made) == 5 and made[-1].scheduled_start_time == MONDAY + 3 * WEEK
    stored = {o.starts_at: o for o in await occurrences(h.database_url)}
    assert stored[MONDAY + 3 * WEEK].event_id == made[-1].id


async def _status(event: object, status: int) -> bool:
    return getattr(event, "status", None) == status


async def test_the_host_edits_the_routine_and_its_event_follows_once(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    _, card = await create_routine(h)
    routine = routine_of(card)
    (event,) = h.fake.scheduled_events(h.guild)
    click = await h.fake.click(card, f"bp:routine:going:{routine}", user=h.bob)
    await click.reply()

    def patches() -> int:
        return len(h.fake.requests_to("PATCH", rf"^/guilds/\d+/scheduled-events/{event.id}$"))

    # Refusals change nothing.
    message = await refused(h, "routine edit", h.bob, routine=routine, time="19:00")
    assert message == "Only the routine's host or a moderator can do that."
    for options in ({}, {"time": "18:30"}, {"weekday": 0, "title": "Lundi code"}):
        message = await refused(h, "routine edit", h.alice, routine=routine, **options)
        assert message == (
            "Nothing to change: give a day, a time, a duration, a venue or a title "
            "different from the current ones."
        ), options
    message = await refused(h, "routine edit", h.alice, locale="fr", routine=routine)
    assert message == (
        "Rien à changer : indiquez un jour, une heure, une durée, un lieu ou un titre "
        "différent de l'actuel."
    )
    message = await refused(h, "routine edit", h.alice, routine=routine, time="25:00")
    assert message == "I can't read that time. Write e.g. 18:30, 6:30pm or 9am."
    assert patches() == 0 and event.scheduled_start_time == MONDAY
    assert latest(h, card).embed["description"] == "Every Monday at 18:30, for 2 h"

    # Wednesday 19:00 for 90 minutes, renamed: the same event moves, with one PATCH.
    _, reply = await run(
        h,
        "routine edit",
        h.alice,
        routine=routine,
        weekday=2,
        time="19h00",
        duration=90,
        title="Mercredi code",
    )
    assert reply.content.startswith("Done: Wednesday 19:00 · **Café des Devs**")
    wednesday = dt.datetime(2027, 3, 17, 19, 0, tzinfo=dt.UTC)
    assert patches() == 1
    (moved,) = h.fake.scheduled_events(h.guild)
    assert moved.id == event.id and moved.name == "Mercredi code"
    assert moved.scheduled_start_time == wednesday
    assert moved.scheduled_end_time == wednesday + dt.timedelta(minutes=90)
    assert "Every Wednesday at 19:00" in (moved.description or "")
    edited = latest(h, card)
    assert edited.embed["title"] == "Mercredi code"
    assert edited.embed["description"] == "Every Wednesday at 19:00, for 1 h 30"
    assert card_value(edited, "Next time").startswith(f"<t:{int(wednesday.timestamp())}:F> · [")
    assert card_value(edited, "Going this week") == "1 going"  # the answers moved with it

    # Another venue: the event's location follows.
    other = await propose_other(h)
    await run(h, "routine edit", h.alice, routine=routine, venue=other)
    assert patches() == 2
    assert moved.entity_metadata == {"location": "Le Comptoir, 3 place du Marché, Paris"}
    await asyncio.sleep(0.5)  # several scheduler rounds: no second event for that date
    assert len(h.fake.scheduled_events(h.guild)) == 1
    stored = await occurrences(h.database_url)
    assert [(o.starts_at, o.event_id) for o in stored] == [(wednesday, event.id)]

    # The week after, the next event is made on the new schedule.
    h.fake.advance_clock(days=2)
    await eventually(lambda: events(h, 2), timeout=10)
    assert h.fake.scheduled_events(h.guild)[-1].scheduled_start_time == wednesday + WEEK


async def propose_other(h: Harness) -> str:
    announcement = await propose(h, name="Le Comptoir", address="3 place du Marché")
    return str(announcement.embed["footer"]["text"].rsplit("#", 1)[-1].strip())


async def calendar_event(h: Harness) -> icalendar.Event:
    _, reply = await run(h, "routine calendar", h.alice)
    calendar = icalendar.Calendar.from_ical(reply.attachments[0]["content"])
    (event,) = calendar.walk("VEVENT")
    return event


async def test_the_calendar_follows_edits_and_leaves_out_skipped_dates(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    await run(h, "settings", h.fake.owner, timezone="Europe/Paris")
    _, card = await create_routine(h)
    routine = routine_of(card)
    event = await calendar_event(h)
    assert "EXDATE" not in event
    assert event.decoded("duration") == dt.timedelta(hours=2)

    await run(h, "routine edit", h.alice, routine=routine, duration=90, title="Code du lundi")
    await run(
        h, "routine skip", h.alice, routine=routine, date="29/03", reason="Férié"
    )  # typed as in France
    event = await calendar_event(h)
    assert str(event["summary"]) == "Code du lundi"
    assert event.decoded("duration") == dt.timedelta(minutes=90)
    start = event.decoded("dtstart")
    assert (start.date(), start.time(), str(start.tzinfo)) == (
        dt.date(2027, 3, 22),
        dt.time(18, 30),
        "Europe/Paris",
    )
    (exdate,) = [d.dt for d in event["exdate"].dts]
    assert (exdate.date(), exdate.time(), str(exdate.tzinfo)) == (
        dt.date(2027, 3, 29),
        dt.time(18, 30),
        "Europe/Paris",
    )

    # A new day and time: the calendar moves to Thursdays 20:00.
    await run(h, "routine edit", h.alice, routine=routine, weekday=3, time="20:00")
    event = await calendar_event(h)
    start = event.decoded("dtstart")
    assert (start.date(), start.time()) == (dt.date(2027, 3, 18), dt.time(20, 0))
    assert event["rrule"]["BYDAY"] == ["TH"]
