"""Routines as Discord scheduled events: the card, the event of each occurrence created
exactly once (restarts, catch-up, two processes), RSVP buttons, the missing permission."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

from sqlalchemy import select

from cogs.routine_card import refresh_card, sync_interested
from db.engine import Database
from db.models import Routine, RoutineOccurrence, Venue
from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import EPHEMERAL, bot_env, propose, refused, run, run_processes_until
from tests.fakediscord import FakeDiscord, Message
from tests.fakediscord.state import Permissions
from tests.fakediscord.state.events import EXTERNAL
from tests.fakediscord.validation.components import custom_ids

#: A Tuesday in Paris winter time; the next Monday 18:30 is 17:30 UTC, the one after,
#: past the change to summer time on 28 March, 16:30 UTC.
TUESDAY = dt.datetime(2027, 3, 16, 10, 0, tzinfo=dt.UTC)
FIRST = dt.datetime(2027, 3, 22, 17, 30, tzinfo=dt.UTC)
SECOND = dt.datetime(2027, 3, 29, 16, 30, tzinfo=dt.UTC)
FAST = {"ROUTINE_CHECK_SECONDS": "0.1", "ROUTINE_RETRY_SECONDS": "0.1"}


async def occurrences(url: str) -> list[RoutineOccurrence]:
    db = Database(url)
    try:
        async with db.read() as session:
            rows = await session.scalars(
                select(RoutineOccurrence).order_by(RoutineOccurrence.starts_at)
            )
            return list(rows)
    finally:
        await db.dispose()


async def create_routine(h: Harness, **options: object) -> tuple[Message, Message]:
    """/routine create at a new venue; the ephemeral reply and the card it posted."""
    venue = (await propose(h, name="Café des Devs", address="12 rue des Lilas")).embed["footer"]
    venue_id = venue["text"].rsplit("#", 1)[-1].strip()
    before = len(h.fake.channel_messages(h.general))
    fields = {"venue": venue_id, "weekday": 0, "time": "18:30", "title": "Lundi code", **options}
    _, reply = await run(h, "routine create", h.alice, **fields)
    messages = await h.fake.wait_for_message(h.general, before + 1)
    return reply, messages[-1]


def card_value(card: Message, name: str) -> str:
    return next(f["value"] for f in card.embed["fields"] if f["name"] == name)


async def test_create_posts_a_card_and_the_event_of_the_next_occurrence(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    await run(h, "settings", h.fake.owner, timezone="Europe/Paris")
    reply, card = await create_routine(h)
    assert reply.flags & EPHEMERAL
    assert reply.content == (
        "Routine created, and you're in: Monday 18:30 · **Café des Devs** · 1 member · Lundi code"
    )
    (event,) = h.fake.scheduled_events(h.guild)
    assert event.name == "Lundi code" and event.entity_type == EXTERNAL
    assert event.scheduled_start_time == FIRST
    assert event.scheduled_end_time == FIRST + dt.timedelta(hours=2)
    assert event.entity_metadata == {"location": "Café des Devs, 12 rue des Lilas, Paris"}
    assert str(card.id) in (event.description or "")

    card = h.fake.channel_messages(h.general)[-1]
    assert card.embed["title"] == "Lundi code"
    assert card.embed["description"] == "Every Monday at 18:30, for 2 h"
    next_time = card_value(card, "Next time")
    assert next_time.startswith(f"<t:{int(FIRST.timestamp())}:F>")
    assert f"https://discord.com/events/{h.guild.id}/{event.id}" in next_time
    assert card_value(card, "Host") == f"<@{h.alice.id}>"
    assert card_value(card, "Members") == "1 member"
    assert card_value(card, "Going this week") == "0 going"
    (stored,) = await occurrences(h.database_url)
    assert stored.event_id == event.id and stored.attempts == 1

    # A week later the scheduler renews: the next occurrence, in summer time, once.
    h.fake.advance_clock(days=7)
    await eventually(lambda: _events_count(h, 2), timeout=10)
    second = h.fake.scheduled_events(h.guild)[-1]
    assert second.scheduled_start_time == SECOND
    await eventually(lambda: _card_says(h, card, f"<t:{int(SECOND.timestamp())}:F>"), timeout=5)
    assert len(await occurrences(h.database_url)) == 2


async def _events_count(h: Harness, count: int) -> bool:
    return len(h.fake.scheduled_events(h.guild)) == count


def latest(h: Harness, card: Message) -> Message:
    """The card as it reads now."""
    return next(m for m in h.fake.channel_messages(h.general) if m.id == card.id)


async def _card_says(h: Harness, card: Message, text: str) -> bool:
    return text in card_value(latest(h, card), "Next time")


async def test_going_buttons_count_this_week(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    _, card = await create_routine(h)
    routine_id = card.embed["footer"]["text"].split("#", 1)[1].split(" ", 1)[0]
    assert custom_ids(card.components) == {
        f"bp:routine:join:{routine_id}",
        f"bp:routine:going:{routine_id}",
        f"bp:routine:not-going:{routine_id}",
        f"bp:routine:remind:{routine_id}",
    }
    click = await h.fake.click(card, f"bp:routine:going:{routine_id}", user=h.bob, locale="fr")
    answer = await click.reply()
    assert answer.flags & EPHEMERAL
    assert answer.content.startswith("C'est noté, on vous attend le <t:")
    assert answer.content.endswith("Pour l'instant : 1 personne.")

    async def going(text: str) -> bool:
        return card_value(latest(h, card), "Going this week") == text

    async def members(text: str) -> bool:
        return card_value(latest(h, card), "Members") == text

    await eventually(lambda: going("1 going"))
    click = await h.fake.click(latest(h, card), f"bp:routine:join:{routine_id}", user=h.bob)
    assert (await click.reply()).content.startswith("You joined: Monday 18:30")
    await eventually(lambda: members("2 members"))
    click = await h.fake.click(latest(h, card), f"bp:routine:not-going:{routine_id}", user=h.bob)
    assert (await click.reply()).content.startswith("Noted: not this time (<t:")
    await eventually(lambda: going("0 going"))
    # A restart keeps the buttons answering, and creates no second event.
    await h.restart(**FAST)
    click = await h.fake.click(latest(h, card), f"bp:routine:going:{routine_id}", user=h.alice)
    assert (await click.reply()).content.endswith("1 going so far.")
    await asyncio.sleep(0.5)  # several scheduler rounds
    assert len(h.fake.scheduled_events(h.guild)) == 1


async def test_catch_up_after_downtime_creates_only_the_next_occurrence(
    harness: Harness,
) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    await create_routine(h)
    await h.stop()
    h.fake.advance_clock(days=21)  # three Mondays pass while the bot is down
    await h.start(**FAST)
    await eventually(lambda: _events_count(h, 2), timeout=10)
    await asyncio.sleep(0.5)
    events = h.fake.scheduled_events(h.guild)
    assert len(events) == 2
    assert events[-1].scheduled_start_time == dt.datetime(2027, 4, 12, 18, 30, tzinfo=dt.UTC)


async def test_failures_are_retried_then_reported_never_doubled(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    h.fake.fail(
        "POST",
        r"/guilds/\d+/scheduled-events$",
        400,
        times=3,
        code=30038,
        message="Maximum number of uncompleted guild scheduled events reached (100)",
    )
    h.expected_errors.append("giving up")
    await h.start(**FAST)
    reply, _ = await create_routine(h)
    assert reply.content.startswith("Routine created")
    assert h.fake.scheduled_events(h.guild) == []

    async def given_up() -> bool:
        (stored,) = await occurrences(h.database_url)
        return stored.attempts == 3 and stored.next_attempt_at is None

    await eventually(given_up, timeout=15)
    await asyncio.sleep(0.5)
    assert h.fake.scheduled_events(h.guild) == []
    (stored,) = await occurrences(h.database_url)
    assert stored.attempts == 3 and stored.event_id is None and "30038" in (stored.last_error or "")


async def test_without_create_events_the_routine_works_and_the_reply_says_so_once(
    harness: Harness,
) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    for role in (h.fake.bot_role(h.guild), h.guild.roles[h.guild.id]):  # its role, @everyone
        role.permissions &= ~Permissions.CREATE_EVENTS
    await h.start(**FAST)
    reply, card = await create_routine(h)
    assert reply.content.splitlines()[1] == (
        "The routine works inside the bot, but I can't create its Discord event: "
        "give me the Create Events permission in this server."
    )
    await asyncio.sleep(0.5)  # the scheduler does not try either
    assert h.fake.scheduled_events(h.guild) == []
    assert "Discord event" not in card_value(card, "Next time")
    routine_id = card.embed["footer"]["text"].split("#", 1)[1].split(" ", 1)[0]
    click = await h.fake.click(card, f"bp:routine:going:{routine_id}", user=h.bob)
    assert (await click.reply()).content.endswith("1 going so far.")

    async def counted() -> bool:
        return card_value(latest(h, card), "Going this week") == "1 going"

    await eventually(counted)


async def test_bad_duration_changes_nothing(harness: Harness) -> None:
    h = harness
    await h.start()
    venue = (await propose(h)).embed["footer"]["text"].rsplit("#", 1)[-1].strip()
    before = len(h.fake.channel_messages(h.general))
    message = await refused(
        h,
        "routine create",
        h.bob,
        validate=False,
        venue=venue,
        weekday=1,
        time="12:00",
        duration=5,
    )
    assert message == "The duration is in minutes, from 15 to 720."
    assert len(h.fake.channel_messages(h.general)) == before
    assert h.fake.scheduled_events(h.guild) == []
    assert await occurrences(h.database_url) == []


async def test_two_processes_create_one_event_per_occurrence(
    database_url: str, tmp_path: Path
) -> None:
    from db.migrate import upgrade

    await upgrade(database_url)
    fake = await FakeDiscord().start()
    try:
        fake.set_clock(TUESDAY)
        guilds = [fake.add_guild(f"Guild {i}") for i in range(3)]
        db = Database(database_url)
        try:
            async with db.write() as session:
                for guild in guilds:
                    venue = Venue(
                        guild_id=guild.id,
                        name="Le Comptoir",
                        normalized_name="le comptoir",
                        kind="meetup",
                        city="Lyon",
                        city_key="lyon",
                        proposer_id=1,
                    )
                    session.add(venue)
                    await session.flush()
                    for hour in (9, 12, 19):
                        session.add(
                            Routine(
                                guild_id=guild.id,
                                venue_id=venue.id,
                                weekday=2,
                                local_time=dt.time(hour, 0),
                                creator_id=1,
                                host_id=1,
                            )
                        )
        finally:
            await db.dispose()
        env = bot_env(fake, database_url, ROUTINE_CHECK_SECONDS="0.05")

        async def created() -> None:
            async def all_there() -> bool:
                return sum(len(fake.scheduled_events(g)) for g in guilds) >= 9

            await eventually(all_there, timeout=60, settle=2.0)  # more rounds everywhere

        await run_processes_until([env, env], tmp_path, created)
        assert len(fake.sessions) == 2
        for guild in guilds:
            events = fake.scheduled_events(guild)
            assert len(events) == 3, [e.name for e in events]
        stored = await occurrences(database_url)
        assert len(stored) == 9 and all(o.event_id is not None for o in stored)
        assert {o.attempts for o in stored} == {1}
    finally:
        await fake.stop()


async def test_privacy_export_and_delete_cover_hosting_and_answers(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    _, card = await create_routine(h)
    routine_id = card.embed["footer"]["text"].split("#", 1)[1].split(" ", 1)[0]
    click = await h.fake.click(card, f"bp:routine:going:{routine_id}", user=h.alice)
    await click.reply()
    _, export = await run(h, "privacy export", h.alice)
    data = json.loads(export.attachments[0]["content"])
    assert [r["id"] for r in data["routines_hosted"]] == [int(routine_id)]
    ((answer,),) = [data["routine_answers"]]
    assert answer["going"] is True and answer["source"] == "button"

    _, question = await run(h, "privacy delete", h.alice)
    confirm = question.components[0]["components"][0]["custom_id"]
    await (await h.fake.click(question, confirm, user=h.alice)).response()
    _, export = await run(h, "privacy export", h.alice)
    data = json.loads(export.attachments[0]["content"])
    assert data["routines_hosted"] == [] and data["routine_answers"] == []
    (stored,) = await occurrences(h.database_url)
    db = Database(h.database_url)
    try:
        async with db.read() as session:
            routine = await session.get(Routine, int(routine_id))
            assert routine is not None and routine.host_id is None
    finally:
        await db.dispose()
    assert stored.event_id is not None  # the event itself stays


async def test_interested_in_discord_counts_as_going_read_page_by_page(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    _, card = await create_routine(h)
    routine_id = card.embed["footer"]["text"].split("#", 1)[1].split(" ", 1)[0]
    (event,) = h.fake.scheduled_events(h.guild)
    await h.fake.mark_interested(event, h.bob)
    click = await h.fake.click(card, f"bp:routine:going:{routine_id}", user=h.alice)
    assert (await click.reply()).content.endswith("2 going so far.")

    async def going(text: str) -> bool:
        return card_value(latest(h, card), "Going this week") == text

    await eventually(lambda: going("2 going"))
    # An answer on the card wins over "Interested".
    click = await h.fake.click(card, f"bp:routine:not-going:{routine_id}", user=h.bob)
    await click.reply()
    await eventually(lambda: going("1 going"))

    # 130 more members click "Interested" in Discord: the scheduler reads the list (two
    # pages) at its next count and the card follows, without anyone touching the card.
    crowd = [h.fake.add_member(h.guild, f"member{i}").user for i in range(130)]
    for user in crowd:
        await h.fake.mark_interested(event, user)
    h.fake.advance_clock(minutes=11)
    await eventually(lambda: going("131 going"), timeout=10)
    await h.fake.unmark_interested(event, crowd[0])
    h.fake.advance_clock(minutes=11)
    await eventually(lambda: going("130 going"), timeout=10)
    pages = h.fake.requests_to("GET", r"^/guilds/\d+/scheduled-events/\d+/users")
    assert any("after" in request.query for request in pages)


async def test_host_skips_a_date_hands_over_and_ends(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    await run(h, "settings", h.fake.owner, timezone="Europe/Paris")
    _, card = await create_routine(h)
    routine = card.embed["footer"]["text"].split("#", 1)[1].split(" ", 1)[0]
    (first,) = h.fake.scheduled_events(h.guild)

    choices = await h.fake.autocomplete(
        "routine skip", "date", "", guild=h.guild, user=h.alice, routine=routine
    )
    assert len(choices) == 8
    assert choices[0] == {"name": "Monday, 22 March 2027", "value": "2027-03-22"}
    message = await refused(h, "routine skip", h.bob, routine=routine, date="2027-03-22")
    assert message == "Only the routine's host or a moderator can do that."
    for date in ("2027-03-23", "tomorrow", "2027-03-15"):
        message = await refused(h, "routine skip", h.alice, routine=routine, date=date)
        assert message == "Pick one of the routine's next dates from the suggestions.", date
    assert first.status == 1 and (await occurrences(h.database_url))[0].status == "scheduled"

    _, reply = await run(
        h, "routine skip", h.alice, routine=routine, date="2027-03-22", reason="Closed that day"
    )
    assert reply.content.startswith(f"<t:{int(FIRST.timestamp())}:D> is skipped")
    assert first.status == 4  # cancelled in Discord
    assert card_value(latest(h, card), "Skipped") == (
        f"~~<t:{int(FIRST.timestamp())}:D>~~ · Closed that day"
    )
    week_after = SECOND  # summer time from then on
    assert card_value(latest(h, card), "Next time").startswith(
        f"<t:{int(week_after.timestamp())}:F>"
    )
    await eventually(lambda: _events_count(h, 2), timeout=10)
    second = h.fake.scheduled_events(h.guild)[-1]
    assert second.scheduled_start_time == week_after
    message = await refused(h, "routine skip", h.alice, routine=routine, date="2027-03-22")
    assert message == "That date is already skipped."

    # Alice hands the routine to Bob, who from then on is the one who can skip.
    _, reply = await run(
        h, "routine host", h.alice, routine=routine, member=h.guild.members[h.bob.id]
    )
    assert reply.content.startswith(f"<@{h.bob.id}> now hosts Monday 18:30")
    assert card_value(latest(h, card), "Host") == f"<@{h.bob.id}>"
    message = await refused(h, "routine end", h.alice, routine=routine)
    assert message == "Only the routine's host or a moderator can do that."

    # Someone deletes the next event by hand in Discord: that date is cancelled, not remade.
    await h.fake.delete_event(second)
    h.fake.advance_clock(minutes=11)
    await eventually(lambda: _events_count(h, 2), timeout=10)  # the one after is created
    third = h.fake.scheduled_events(h.guild)[-1]
    assert third.scheduled_start_time == week_after + dt.timedelta(days=7)
    stored = {o.starts_at: o.status for o in await occurrences(h.database_url)}
    assert stored[week_after] == "cancelled"
    await asyncio.sleep(0.5)
    assert [e.scheduled_start_time for e in h.fake.scheduled_events(h.guild)] == [
        FIRST,
        third.scheduled_start_time,
    ]

    _, reply = await run(h, "routine end", h.bob, routine=routine)
    assert reply.content.startswith("The routine is over")
    assert third.status == 4
    ended = latest(h, card)
    assert ended.embed["description"] == "This routine has ended. Thanks to everyone who came!"
    assert ended.components == []
    message = await refused(h, "routine join", h.bob, routine=routine)
    assert message.startswith(f"No routine “{routine}” here.")


async def test_a_card_refreshed_while_the_bot_stops_is_left_as_it_was(harness: Harness) -> None:
    """A member's answer is in; the bot stops before the card is redrawn (its HTTP session
    closed): the card keeps its last state, with nothing logged as an error."""
    h = harness
    h.fake.set_clock(TUESDAY)
    bot = await h.start(**FAST)
    _, card = await create_routine(h)
    routine_id = int(card.embed["footer"]["text"].split("#", 1)[1].split(" ", 1)[0])
    guild = bot.get_guild(h.guild.id)
    assert guild is not None
    upcoming = await bot.services.routines.upcoming(h.guild.id, routine_id)
    await bot.close()
    assert await sync_interested(bot, guild, upcoming) is upcoming
    await refresh_card(bot, guild, upcoming)
    assert latest(h, card).embed == card.embed
