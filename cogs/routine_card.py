"""A routine's public card (what it is, when next, who goes, with persistent buttons) and
the Discord scheduled event of its next occurrence."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any, ClassVar

import discord
from discord import ui

from bot.app import BonnesPlaces, report_error
from bot.domain.errors import NotFound
from bot.domain.routine_base import Upcoming
from bot.i18n import language_of, t, weekday_text
from cogs.common import services_of
from cogs.common.hopes import hopes_view
from cogs.common.render import COLOUR, clip, plain
from db.repositories import RoutineRecord

log = logging.getLogger(__name__)

#: What the bot needs in the channel where it posts a routine's card.
CARD_PERMISSIONS = ("view_channel", "send_messages", "embed_links")
#: A scheduled event's status once cancelled.
CANCELED = 4


class EventGone(Exception):
    """The occurrence's event was cancelled in Discord."""


#: How often the scheduler reads each upcoming event's "Interested" list.
INTERESTED_SYNC = dt.timedelta(minutes=10)
#: Users per page of an event's "Interested" list (Discord's maximum).
USERS_PAGE = 100
#: Discord's limits on a scheduled event.
EVENT_NAME_MAX = 100
EVENT_DESCRIPTION_MAX = 1000
EVENT_LOCATION_MAX = 100


def day_name(language: str, weekday: int) -> str:
    """One weekday form everywhere (the digest, the list, the card): 'mardi'."""
    return weekday_text(language, weekday)


def routine_line(language: str, routine: RoutineRecord) -> str:
    line = t(
        language,
        "routine.line",
        day=day_name(language, routine.weekday),
        time=f"{routine.local_time:%H:%M}",
        venue=plain(routine.venue_name),
        count=len(routine.members),
    )
    if routine.title:
        line += f" · {plain(routine.title)}"
    return line


def duration_text(language: str, minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if rest == 0:
        return t(language, "routine.duration.hours", hours=hours)
    return t(language, "routine.duration", hours=hours, minutes=rest)


def event_url(guild_id: int, event_id: int) -> str:
    return f"https://discord.com/events/{guild_id}/{event_id}"


def card_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def routine_name(upcoming: Upcoming) -> str:
    return upcoming.routine.title or upcoming.venue.name


def card_embed(upcoming: Upcoming, language: str) -> discord.Embed:
    routine, venue, occurrence = upcoming.routine, upcoming.venue, upcoming.occurrence
    embed = discord.Embed(title=clip(plain(routine_name(upcoming)), 256), colour=COLOUR)
    embed.description = t(
        language,
        "routine.card.schedule",
        day=day_name(language, routine.weekday),
        time=f"{routine.local_time:%H:%M}",
        duration=duration_text(language, routine.duration_minutes),
    )
    place = "\n".join(plain(p) for p in (venue.name, venue.address, venue.city) if p)
    embed.add_field(name=t(language, "routine.card.venue"), value=place, inline=False)
    when = f"<t:{int(occurrence.starts_at.timestamp())}:F>"
    if routine.paused_at is not None:
        when = t(language, "routine.card.paused")
    elif occurrence.event_id is not None:
        link = event_url(routine.guild_id, occurrence.event_id)
        when += f" · [{t(language, 'routine.card.event')}]({link})"
    embed.add_field(name=t(language, "routine.card.next"), value=when, inline=False)
    host = (
        f"<@{routine.host_id}>"
        if routine.host_id is not None
        else t(language, "routine.card.no_host")
    )
    embed.add_field(name=t(language, "routine.card.host"), value=host, inline=True)
    embed.add_field(
        name=t(language, "routine.card.members"),
        value=t(language, "routine.card.member_count", count=len(routine.members)),
        inline=True,
    )
    embed.add_field(
        name=t(language, "routine.card.going"),
        value=t(language, "routine.card.going_count", count=upcoming.going),
        inline=True,
    )
    if upcoming.skipped:
        lines = []
        for skipped in upcoming.skipped[:5]:
            date = f"<t:{int(skipped.starts_at.timestamp())}:D>"
            lines.append(
                t(language, "routine.card.skipped_line", date=date, reason=plain(skipped.reason))
                if skipped.reason
                else t(language, "routine.card.skipped_no_reason", date=date)
            )
        embed.add_field(
            name=t(language, "routine.card.skipped"), value="\n".join(lines), inline=False
        )
    embed.set_footer(text=t(language, "routine.card.footer", id=routine.id))
    return embed


def ended_embed(routine: RoutineRecord, language: str) -> discord.Embed:
    embed = discord.Embed(
        title=clip(plain(routine.title or routine.venue_name), 256),
        description=t(language, "routine.card.ended"),
        colour=COLOUR,
    )
    embed.set_footer(text=t(language, "routine.card.footer", id=routine.id))
    return embed


class RoutineButton(
    ui.DynamicItem[ui.Button[Any]],
    template=r"bp:routine:(?P<action>join|going|not-going|remind):(?P<routine_id>\d+)",
):
    """Join / Going this week / Not this week / Remind me on a routine's card: the custom
    id carries the action and the routine, so the buttons answer after a restart."""

    STYLES: ClassVar[dict[str, discord.ButtonStyle]] = {
        "join": discord.ButtonStyle.secondary,
        "going": discord.ButtonStyle.success,
        "not-going": discord.ButtonStyle.secondary,
        "remind": discord.ButtonStyle.secondary,
    }
    LABELS: ClassVar[dict[str, str]] = {
        "join": "routine.button.join",
        "going": "routine.button.going",
        "not-going": "routine.button.not_going",
        "remind": "routine.button.remind",
    }

    def __init__(self, action: str, routine_id: int, label: str | None = None) -> None:
        super().__init__(
            ui.Button(
                label=label or action,
                style=self.STYLES[action],
                custom_id=f"bp:routine:{action}:{routine_id}",
            )
        )
        self.action = action
        self.routine_id = routine_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> RoutineButton:
        return cls(match["action"], int(match["routine_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self._answer(interaction)
        except Exception as exc:
            await report_error(interaction, exc)

    async def _answer(self, interaction: discord.Interaction) -> None:
        guild = interaction.guild
        assert guild is not None
        services = services_of(interaction)
        language = language_of(interaction.locale)
        client = interaction.client
        assert isinstance(client, BonnesPlaces)
        view: ui.View | None = None
        if self.action == "join":
            record, joined = await services.routines.join(
                guild.id, self.routine_id, interaction.user.id
            )
            key = "routine.joined" if joined else "routine.already_joined"
            text = t(language, key, routine=routine_line(language, record))
            upcoming = await sync_interested(
                client, guild, await services.routines.upcoming(guild.id, self.routine_id)
            )
        elif self.action == "remind":
            record, asked = await services.routines.toggle_reminder(
                guild.id, self.routine_id, interaction.user.id
            )
            key = "routine.remind.on" if asked else "routine.remind.off"
            text = t(language, key, routine=routine_line(language, record))
            await interaction.response.send_message(text, ephemeral=True)
            return
        else:
            upcoming, text, view = await self._rsvp(interaction, client, guild, language)
        if view is None:
            await interaction.response.send_message(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, view=view, ephemeral=True)
        await refresh_card(client, guild, upcoming)

    async def _rsvp(
        self,
        interaction: discord.Interaction,
        client: BonnesPlaces,
        guild: discord.Guild,
        language: str,
    ) -> tuple[Upcoming, str, ui.View | None]:
        """Going this week / Not this week; going, the reply carries the optional "What do
        you hope to get?" select for that occurrence."""
        services = client.services
        going = self.action == "going"
        answered = await services.routines.answer(
            guild.id, self.routine_id, interaction.user.id, going
        )
        upcoming = await sync_interested(client, guild, answered)
        date = f"<t:{int(upcoming.occurrence.starts_at.timestamp())}:F>"
        if not going:
            return upcoming, t(language, "routine.answer.not_going", date=date), None
        occurrence_id = answered.occurrence.id
        current = await services.hopes.current(occurrence_id, interaction.user.id)
        text = t(language, "routine.answer.going", date=date, count=upcoming.going)
        return upcoming, text, hopes_view(occurrence_id, language, current)


def card_view(routine_id: int, language: str, *, paused: bool = False) -> ui.View:
    """The card's buttons; a paused routine has no date to answer for, only Join."""
    view = ui.View(timeout=None)
    for action in ("join",) if paused else ("join", "going", "not-going", "remind"):
        view.add_item(RoutineButton(action, routine_id, t(language, RoutineButton.LABELS[action])))
    return view


async def card_language(bot: BonnesPlaces, guild: discord.Guild) -> str:
    config = await bot.services.guilds.config(guild.id)
    return config.post_language(guild.preferred_locale)


async def refresh_card(bot: BonnesPlaces, guild: discord.Guild, upcoming: Upcoming) -> None:
    """Show the routine's current state on its card; a card gone or out of reach, or a bot
    stopping meanwhile, is logged, never an error for the member who clicked."""
    routine = upcoming.routine
    if routine.card_channel_id is None or routine.card_message_id is None:
        return
    language = await card_language(bot, guild)
    message = bot.get_partial_messageable(
        routine.card_channel_id, guild_id=guild.id
    ).get_partial_message(routine.card_message_id)
    try:
        await message.edit(
            embed=card_embed(upcoming, language),
            view=card_view(routine.id, language, paused=routine.paused_at is not None),
        )
    except discord.HTTPException as exc:
        log.warning("could not update the card of routine %s: %s", routine.id, exc)
    except Exception:  # aiohttp's closed session or connector: the member has had their answer
        if not bot.is_closed():
            raise
        log.info("the card of routine %s is left as it was: the bot is stopping", routine.id)


def can_create_events(guild: discord.Guild) -> bool:
    permissions = guild.me.guild_permissions
    return permissions.create_events or permissions.manage_events


async def event_fields(
    bot: BonnesPlaces, guild: discord.Guild, upcoming: Upcoming
) -> dict[str, str]:
    """The name, location and description of the occurrence's Discord event."""
    routine, venue = upcoming.routine, upcoming.venue
    language = await card_language(bot, guild)
    link = (
        card_url(guild.id, routine.card_channel_id, routine.card_message_id)
        if routine.card_channel_id is not None and routine.card_message_id is not None
        else ""
    )
    description = t(
        language,
        "routine.event.description",
        day=day_name(language, routine.weekday),
        time=f"{routine.local_time:%H:%M}",
        link=link,
    ).strip()
    location = ", ".join(p for p in (venue.name, venue.address, venue.city) if p)
    return {
        "name": clip(routine_name(upcoming), EVENT_NAME_MAX),
        "location": clip(location, EVENT_LOCATION_MAX),
        "description": clip(description, EVENT_DESCRIPTION_MAX),
    }


async def update_event(bot: BonnesPlaces, guild: discord.Guild, upcoming: Upcoming) -> None:
    """Make the occurrence's existing Discord event follow the routine (one PATCH); one
    out of reach is logged."""
    occurrence = upcoming.occurrence
    if occurrence.event_id is None:
        return
    fields = await event_fields(bot, guild, upcoming)
    try:
        await bot.http.edit_scheduled_event(
            guild.id,
            occurrence.event_id,
            name=fields["name"],
            description=fields["description"],
            entity_metadata={"location": fields["location"]},
            scheduled_start_time=occurrence.starts_at.isoformat(),
            scheduled_end_time=occurrence.ends_at.isoformat(),
        )
    except discord.HTTPException as exc:
        log.warning("could not update event %s: %s", occurrence.event_id, exc)


async def create_event(
    bot: BonnesPlaces, guild: discord.Guild, upcoming: Upcoming, now: dt.datetime
) -> bool:
    """Create the claimed occurrence's Discord event and record the outcome; True once
    it exists. A failure is recorded, retried by the scheduler, then reported."""
    service = bot.services.routines
    routine, occurrence = upcoming.routine, upcoming.occurrence
    fields = await event_fields(bot, guild, upcoming)
    try:
        event = await guild.create_scheduled_event(
            name=fields["name"],
            start_time=occurrence.starts_at,
            end_time=occurrence.ends_at,
            entity_type=discord.EntityType.external,
            privacy_level=discord.PrivacyLevel.guild_only,
            location=fields["location"],
            description=fields["description"],
        )
    except discord.HTTPException as exc:
        bot.metrics.discord_events.labels("failed").inc()
        retry_after = dt.timedelta(seconds=bot.settings.routine_retry_seconds)
        await service.event_failed(
            occurrence, f"{exc.status} {exc.code} {exc.text}", now, retry_after=retry_after
        )
        return False
    bot.metrics.discord_events.labels("created").inc()
    await service.event_created(occurrence.id, event.id)
    log.info("created the Discord event of routine %s on %s", routine.id, occurrence.starts_at)
    try:
        now_known = await service.upcoming(guild.id, routine.id, now)
    except NotFound:
        return True
    if now_known.occurrence.event_id == event.id and (
        (now_known.occurrence.starts_at, now_known.occurrence.ends_at)
        != (occurrence.starts_at, occurrence.ends_at)
        or await event_fields(bot, guild, now_known) != fields
    ):
        await update_event(bot, guild, now_known)  # the routine was edited meanwhile
    return True


async def interested_ids(bot: BonnesPlaces, guild_id: int, event_id: int) -> list[int]:
    """Everyone who marked the event "Interested", read over REST page by page (Discord
    answers in ascending user id order, so each page starts after the last id seen)."""
    found: list[int] = []
    after: int | None = None
    while True:
        page = await bot.http.get_scheduled_event_users(
            guild_id, event_id, limit=USERS_PAGE, with_member=False, after=after
        )
        ids = [int(entry["user"]["id"]) for entry in page]
        found.extend(ids)
        if len(ids) < USERS_PAGE:
            return found
        after = max(ids)


async def sync_interested(bot: BonnesPlaces, guild: discord.Guild, upcoming: Upcoming) -> Upcoming:
    """The occurrence with Discord's "Interested" list counted; unchanged when the event is
    missing or out of reach (logged)."""
    occurrence = upcoming.occurrence
    if occurrence.event_id is None:
        return upcoming
    try:
        event = await bot.http.get_scheduled_event(guild.id, occurrence.event_id, False)
        if event.get("status") == CANCELED:
            raise EventGone
        member_ids = await interested_ids(bot, guild.id, occurrence.event_id)
    except (EventGone, discord.NotFound):
        gone = await bot.services.routines.event_gone(guild.id, upcoming.routine.id, occurrence.id)
        await refresh_card(bot, guild, gone)
        return gone
    except discord.HTTPException as exc:
        log.info("could not read who is interested in event %s: %s", occurrence.event_id, exc)
        return upcoming
    except Exception:  # aiohttp's closed session or connector, the bot stopping
        if not bot.is_closed():
            raise
        return upcoming
    return await bot.services.routines.sync_interested(
        guild.id, upcoming.routine.id, occurrence.id, member_ids
    )


async def cancel_event(bot: BonnesPlaces, guild: discord.Guild, event_id: int) -> None:
    """Cancel a Discord event of the bot's (gone already or out of reach: logged)."""
    try:
        await bot.http.edit_scheduled_event(guild.id, event_id, status=CANCELED)
    except discord.HTTPException as exc:
        log.info("could not cancel event %s: %s", event_id, exc)


async def end_card(bot: BonnesPlaces, guild: discord.Guild, routine: RoutineRecord) -> None:
    if routine.card_channel_id is None or routine.card_message_id is None:
        return
    language = await card_language(bot, guild)
    message = bot.get_partial_messageable(
        routine.card_channel_id, guild_id=guild.id
    ).get_partial_message(routine.card_message_id)
    try:
        await message.edit(embed=ended_embed(routine, language), view=None)
    except discord.HTTPException as exc:
        log.warning("could not close the card of routine %s: %s", routine.id, exc)
