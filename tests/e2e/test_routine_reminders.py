"""The reminder an hour before each date, in the routine's thread, pinging only the members
who asked for it: once across a restart and with two processes, never for a skipped date."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from db.engine import Database
from db.models import Routine, RoutineReminder, Venue
from tests.e2e.harness import Harness, eventually
from tests.e2e.helpers import bot_env, run, run_processes_until
from tests.e2e.test_routine_events import FAST, FIRST, SECOND, TUESDAY, create_routine, latest
from tests.fakediscord import FakeDiscord, Message
from tests.fakediscord.validation.components import custom_ids

THIRD = SECOND + dt.timedelta(days=7)


def routine_of(card: Message) -> str:
    return str(card.embed["footer"]["text"].split("#", 1)[1].split(" ", 1)[0])


async def test_reminder_pings_only_who_asked_once_and_not_for_a_skipped_date(
    harness: Harness,
) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    await run(h, "settings", h.fake.owner, timezone="Europe/Paris")
    _, card = await create_routine(h)
    routine = routine_of(card)
    remind = f"bp:routine:remind:{routine}"
    assert remind in custom_ids(card.components)
    carol = h.fake.add_member(h.guild, "carol").user

    answer = await (await h.fake.click(card, remind, user=h.bob)).reply()
    assert answer.content.startswith("You'll be reminded in the routine's thread an hour before")
    answer = await (await h.fake.click(card, remind, user=carol, locale="fr")).reply()
    assert answer.content.startswith("C'est noté : je vous le rappellerai dans le fil")
    answer = await (await h.fake.click(card, remind, user=carol, locale="fr")).reply()
    assert answer.content.startswith("C'est noté : plus de rappel pour lundi 18:30")
    h.pings_on_purpose.add(h.bob.id)

    h.fake.set_clock(FIRST - dt.timedelta(minutes=61))
    await asyncio.sleep(0.5)  # several scheduler rounds: not yet
    assert h.guild.threads == {}

    h.fake.set_clock(FIRST - dt.timedelta(minutes=59))
    await h.fake.wait_for_message(card.id, 1)  # the thread started from the card
    thread = h.guild.threads[card.id]
    assert thread.name == "Lundi code" and latest(h, card).thread is not None
    (reminder,) = h.fake.channel_messages(thread)
    starts = int(FIRST.timestamp())
    assert reminder.content == (
        f"⏰ **Lundi code** starts <t:{starts}:R> (<t:{starts}:t>) at Café des Devs. "
        f"See you there!\n<@{h.bob.id}>"
    )
    assert reminder.pinged_users() == {h.bob.id}
    assert reminder.allowed_mentions is not None
    assert reminder.allowed_mentions["parse"] == []

    # A restart within the hour posts nothing more.
    await h.restart(**FAST)
    h.fake.advance_clock(minutes=5)
    await asyncio.sleep(0.5)
    assert len(h.fake.channel_messages(thread)) == 1

    # The next date is skipped: no reminder. The quiet thread is archived meanwhile; the
    # date after, the bot reopens it and reminds again.
    await run(h, "routine skip", h.alice, routine=routine, date="2027-03-29")
    await h.fake.archive_thread(thread)
    h.fake.set_clock(SECOND - dt.timedelta(minutes=30))
    await asyncio.sleep(0.5)
    assert len(h.fake.channel_messages(thread)) == 1
    h.fake.set_clock(THIRD - dt.timedelta(minutes=30))
    await h.fake.wait_for_message(thread, 2)
    assert not thread.archived
    second = h.fake.channel_messages(thread)[-1]
    assert second.pinged_users() == {h.bob.id}
    assert f"<t:{int(THIRD.timestamp())}:R>" in second.content


async def test_nobody_asked_means_no_thread_and_no_message(harness: Harness) -> None:
    h = harness
    h.fake.set_clock(TUESDAY)
    await h.start(**FAST)
    await run(h, "settings", h.fake.owner, timezone="Europe/Paris")
    await create_routine(h)
    h.fake.set_clock(FIRST - dt.timedelta(minutes=30))
    await asyncio.sleep(0.5)
    assert h.guild.threads == {}


async def test_two_processes_post_each_reminder_once(database_url: str, tmp_path: Path) -> None:
    from db.migrate import upgrade

    await upgrade(database_url)
    fake = await FakeDiscord().start()
    try:
        start = dt.datetime(2027, 3, 17, 19, 0, tzinfo=dt.UTC)  # a Wednesday, in UTC
        fake.set_clock(start - dt.timedelta(hours=3))
        guilds = [fake.add_guild(f"Guild {i}") for i in range(3)]
        members = {g.id: fake.add_member(g, f"member of {g.name}").user for g in guilds}
        cards = {}
        db = Database(database_url)
        try:
            async with db.write() as session:
                for guild in guilds:
                    channel = next(iter(guild.channels.values()))
                    card = fake.add_message(channel, author=fake.bot_user, content="card")
                    cards[guild.id] = card
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
                    routine = Routine(
                        guild_id=guild.id,
                        venue_id=venue.id,
                        weekday=2,
                        local_time=dt.time(19, 0),
                        creator_id=1,
                        host_id=1,
                        card_channel_id=channel.id,
                        card_message_id=card.id,
                    )
                    session.add(routine)
                    await session.flush()
                    session.add(
                        RoutineReminder(
                            routine_id=routine.id,
                            member_id=members[guild.id].id,
                            guild_id=guild.id,
                        )
                    )
        finally:
            await db.dispose()
        env = bot_env(fake, database_url, ROUTINE_CHECK_SECONDS="0.05")

        async def reminded() -> None:
            await asyncio.sleep(1.0)  # both processes connected and going round
            fake.set_clock(start - dt.timedelta(minutes=50))

            async def all_there() -> bool:
                return all(
                    card.id in g.threads and fake.channel_messages(card.id)
                    for g, card in ((g, cards[g.id]) for g in guilds)
                )

            await eventually(all_there, timeout=60, settle=2.0)

        await run_processes_until([env, env], tmp_path, reminded)
        for guild in guilds:
            (message,) = fake.channel_messages(cards[guild.id].id)
            assert message.pinged_users() == {members[guild.id].id}
    finally:
        await fake.stop()
