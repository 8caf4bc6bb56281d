"""Once a month, the host of each routine and the proposer of each venue get a private,
anonymous summary of the previous month's check-back answers about it: how many answered,
how worth their time it was, what they got, what went wrong, hopes met or not. Only from
SUMMARY_FLOOR members who answered, with counts only: never who said what, and no
comments (a comment's wording or detail can tell who wrote it in a small group)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.guild_config import GuildConfig
from bot.domain.hopes import lived_up
from bot.domain.ranking import FLAG_ALL, GOT_ALL
from db.engine import Database
from db.repositories import ANONYMOUS, GuildConfigRepository, ProfileRepository
from db.repositories.summaries import AnswerRow, SummaryRecord, SummaryRepository

#: A summary is sent only when at least this many members answered that month.
SUMMARY_FLOOR = 3
#: Summaries are planned from SEND_HOUR on the 1st of the month, local time, until the end
#: of its WINDOW_DAYS-th day; a bot down all that time sends none for that month.
SEND_HOUR = 9
WINDOW_DAYS = 7
#: A planned summary not sent within this time after its month ended is dropped.
LATE_AFTER = dt.timedelta(days=14)
#: A claim not followed by the message within this time may be taken by another process.
LEASE = dt.timedelta(minutes=5)
#: Summaries read per round of the scheduler.
BATCH = 50


def previous_month(day: dt.date) -> dt.date:
    first = day.replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def summary_month(now: dt.datetime, zone: ZoneInfo) -> dt.date | None:
    """The month whose summaries are due at `now` in the guild's zone, if any."""
    local = now.astimezone(zone)
    if local.day > WINDOW_DAYS or (local.day == 1 and local.hour < SEND_HOUR):
        return None
    return previous_month(local.date())


def month_bounds(month: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The month's first and next month's first instants, local midnight, in UTC."""
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    start = dt.datetime.combine(month, dt.time(), zone).astimezone(dt.UTC)
    return start, dt.datetime.combine(following, dt.time(), zone).astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class Figures:
    """A month's answers about one routine or venue, as counts: nobody is in them."""

    respondents: int
    answers: int
    #: How many answers gave each worth, from 5 down to 1.
    worth: tuple[int, ...]
    median_worth: float
    got: tuple[int, ...]
    flags: tuple[int, ...]
    #: Answers that came with hopes, and those that got all they hoped for.
    hoped: int
    met: int


def figures(rows: Sequence[AnswerRow]) -> Figures:
    worths = [row.worth for row in rows]
    hoped = [row for row in rows if row.hopes]
    return Figures(
        respondents=len({row.member_id for row in rows}),
        answers=len(rows),
        worth=tuple(worths.count(n) for n in range(5, 0, -1)),
        median_worth=float(statistics.median(worths)) if worths else 0.0,
        got=tuple(sum(1 for row in rows if (row.got or 0) & bit) for bit in GOT_ALL),
        flags=tuple(sum(1 for row in rows if row.flags & bit) for bit in FLAG_ALL),
        hoped=len(hoped),
        met=sum(1 for row in hoped if lived_up(row.hopes or 0, row.got)),
    )


@dataclass(frozen=True, slots=True)
class Summary:
    """One summary to send: to whom, about what, in which language, with its figures."""

    summary_id: int
    guild_id: int
    recipient_id: int
    subject: str
    name: str
    month: dt.date
    figures: Figures
    language: str | None


class SummaryService:
    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    async def due(self, guild_ids: list[int], now: dt.datetime) -> list[SummaryRecord]:
        """Plan the month's summaries of the guilds whose first days it is, then list the
        summaries to send."""
        await self._plan(guild_ids, now)
        async with self.db.read() as session:
            return await SummaryRepository(session).due(guild_ids, now, LEASE, BATCH)

    async def _plan(self, guild_ids: list[int], now: dt.datetime) -> None:
        if WINDOW_DAYS + 1 < now.day < 28:  # no zone is in its month's first days
            return
        since = now - dt.timedelta(days=31 + WINDOW_DAYS + 1)
        async with self.db.read() as session:
            repository = SummaryRepository(session)
            guilds = await repository.answering_guilds(guild_ids, since)
            planned = await repository.planned(guilds, since.date())
            configs = [await GuildConfigRepository(session).get(g) for g in guilds]
        for config in configs:
            month = summary_month(now, config.zone)
            if month is not None and (config.guild_id, month) not in planned:
                await self._plan_guild(config, month, now)

    async def _plan_guild(self, config: GuildConfig, month: dt.date, now: dt.datetime) -> None:
        """One process plans the guild's month: one summary per routine and per venue that
        SUMMARY_FLOOR members answered about, to its host or proposer."""
        guild_id = config.guild_id
        async with self.db.write() as session:
            repository = SummaryRepository(session)
            if not await repository.plan(guild_id, month, now):
                return
            routines: dict[int, set[int]] = defaultdict(set)
            venues: dict[int, set[int]] = defaultdict(set)
            for answer in await repository.respondents(guild_id, *month_bounds(month, config.zone)):
                routines[answer.routine_id].add(answer.member_id)
                venues[answer.venue_id].add(answer.member_id)
            hosts = await repository.hosts(_enough(routines))
            proposers = await repository.proposers(_enough(venues), ANONYMOUS)
            rows = [(host, "routine", routine) for routine, host in hosts.items()]
            rows += [(proposer, "venue", venue) for venue, proposer in proposers.items()]
            stopped = await ProfileRepository(session).summaries_stopped(
                guild_id, [row[0] for row in rows]
            )
            await repository.add(guild_id, month, [row for row in rows if row[0] not in stopped])

    async def claim(self, item: SummaryRecord, now: dt.datetime) -> Summary | None:
        """Claim a summary to send; None when another process has it, or when it is not to
        be sent any more (then it is closed with the reason)."""
        async with self.db.write() as session:
            repository = SummaryRepository(session)
            if not await repository.claim(item.id, now, LEASE):
                return None
            config = await GuildConfigRepository(session).get(item.guild_id)
            summary = await self._compose(session, item, config, now)
            if isinstance(summary, str):
                await repository.done(item.id, summary, now)
                return None
        return summary

    async def _compose(
        self, session: AsyncSession, item: SummaryRecord, config: GuildConfig, now: dt.datetime
    ) -> Summary | str:
        """The summary, or why it is not sent: late, gone (no longer the host or the
        proposer, or erased), stopped (the member opted out), few (answers erased since)."""
        start, end = month_bounds(item.month, config.zone)
        if now > end + LATE_AFTER:
            return "late"
        repository = SummaryRepository(session)
        subject = await repository.subject(item.subject, item.subject_id)
        if subject is None or subject[1] != item.recipient_id:
            return "gone"
        if await ProfileRepository(session).summaries_stopped(item.guild_id, [item.recipient_id]):
            return "stopped"
        counted = figures(await repository.answers(item.subject, item.subject_id, start, end))
        if counted.respondents < SUMMARY_FLOOR:
            return "few"
        return Summary(
            summary_id=item.id,
            guild_id=item.guild_id,
            recipient_id=item.recipient_id,
            subject=item.subject,
            name=subject[0],
            month=item.month,
            figures=counted,
            language=config.language,
        )

    async def sent(self, summary_id: int, outcome: str) -> None:
        """The summary was sent (or cannot be: the member's DMs are closed): never again."""
        async with self.db.write() as session:
            await SummaryRepository(session).done(summary_id, outcome, await self.clock.now())

    async def set_summaries(self, guild_id: int, member_id: int, on: bool) -> None:
        """The member stops (or takes back) the monthly summaries of this guild."""
        now = await self.clock.now()
        async with self.db.write() as session:
            await ProfileRepository(session).set_summaries(guild_id, member_id, on, now)


def _enough(members: dict[int, set[int]]) -> list[int]:
    return sorted(key for key, answered in members.items() if len(answered) >= SUMMARY_FLOOR)


__all__ = ["SUMMARY_FLOOR", "Figures", "Summary", "SummaryService", "figures", "summary_month"]
