"""The reminder posted in a routine's thread an hour before each date: the one message in
which the bot pings, and only the members who asked for it."""

from __future__ import annotations

import logging
from typing import Final, Literal

import discord

from bot.app import BonnesPlaces
from bot.domain.routine_base import Reminder
from bot.i18n import t
from cogs.common.render import clip, plain
from cogs.routine_card import card_language, routine_name

log = logging.getLogger(__name__)

#: Members pinged per message (Discord takes at most 100 users in allowed_mentions).
PINGS_PER_MESSAGE = 50
#: A week: the thread stays open from one date to the next.
THREAD_ARCHIVE_MINUTES: Final[Literal[10080]] = 10080
THREAD_EXISTS = 160004
THREAD_ARCHIVED = 50083


async def routine_thread(bot: BonnesPlaces, guild: discord.Guild, reminder: Reminder) -> int | None:
    """The routine's thread, started from its card the first time it is needed (Discord
    gives a thread started from a message that message's id). None when there is no card
    or the bot may not start it (logged)."""
    routine = reminder.upcoming.routine
    if routine.thread_id is not None:
        return routine.thread_id
    if routine.card_channel_id is None or routine.card_message_id is None:
        return None
    try:
        await bot.http.start_thread_with_message(
            routine.card_channel_id,
            routine.card_message_id,
            name=clip(plain(routine_name(reminder.upcoming)), 100),
            auto_archive_duration=THREAD_ARCHIVE_MINUTES,
        )
    except discord.HTTPException as exc:
        if exc.code != THREAD_EXISTS:
            log.warning("could not start the thread of routine %s: %s", routine.id, exc)
            return None
    await bot.services.routines.set_thread(routine.id, routine.card_message_id)
    return routine.card_message_id


def reminder_texts(reminder: Reminder, language: str) -> list[tuple[str, list[int]]]:
    """The reminder's messages, each with the members it pings."""
    upcoming = reminder.upcoming
    starts = int(upcoming.occurrence.starts_at.timestamp())
    head = t(
        language,
        "routine.reminder",
        name=plain(routine_name(upcoming)),
        venue=plain(upcoming.venue.name),
        time=f"<t:{starts}:t>",
        relative=f"<t:{starts}:R>",
    )
    members = list(reminder.member_ids)
    chunks = [members[i : i + PINGS_PER_MESSAGE] for i in range(0, len(members), PINGS_PER_MESSAGE)]
    return [
        ((head + "\n" if index == 0 else "") + " ".join(f"<@{m}>" for m in chunk), chunk)
        for index, chunk in enumerate(chunks)
    ]


async def _send(bot: BonnesPlaces, thread_id: int, text: str, users: list[int], nonce: str) -> None:
    channel = bot.get_partial_messageable(thread_id)
    mentions = discord.AllowedMentions(
        everyone=False, roles=False, replied_user=False, users=[discord.Object(u) for u in users]
    )
    try:
        await channel.send(text, allowed_mentions=mentions, nonce=nonce)
    except discord.HTTPException as exc:
        if exc.code != THREAD_ARCHIVED:
            raise
        await bot.http.edit_channel(thread_id, archived=False)  # quiet for a week: reopen
        await channel.send(text, allowed_mentions=mentions, nonce=nonce)


async def post_reminder(bot: BonnesPlaces, guild: discord.Guild, reminder: Reminder) -> bool:
    """Post the claimed reminder in the routine's thread; the nonce makes a retry after a
    lost answer land on the message already sent. True once posted."""
    occurrence = reminder.upcoming.occurrence
    thread_id = await routine_thread(bot, guild, reminder)
    if thread_id is None:
        return False
    language = await card_language(bot, guild)
    try:
        for index, (text, users) in enumerate(reminder_texts(reminder, language)):
            await _send(bot, thread_id, text, users, f"bp-r{occurrence.id}-{index}")
    except discord.HTTPException as exc:
        log.warning(
            "could not post the reminder of routine %s: %s", reminder.upcoming.routine.id, exc
        )
        return False
    log.info(
        "reminded %d members of routine %s", len(reminder.member_ids), reminder.upcoming.routine.id
    )
    return True
