"""My IRL this week: a member commits to one of the week's gatherings; the commitment is
kept when they answer "I went" to its check-back. The streak is the run of kept weeks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.errors import InvalidInput
from bot.domain.schedule import IsoWeek, streaks, week_of
from db.engine import Database
from db.repositories import GuildConfigRepository, RoutineRepository
from db.repositories.commitments import CommitmentRepository, UpcomingGathering

#: The select shows at most Discord's 25 options.
CHOICES = 25
#: Kept commitments are read this far back for the streaks.
STREAK_WEEKS = 60


def weeks_back(week: IsoWeek, count: int) -> IsoWeek:
    monday = dt.date.fromisocalendar(week[0], week[1], 1) - dt.timedelta(weeks=count)
    year, number, _ = monday.isocalendar()
    return (year, number)


@dataclass(frozen=True, slots=True)
class Committed:
    """The gathering committed to, and the routine whose gathering the member no longer
    goes to when they switched from one only their former commitment had them going to."""

    gathering: UpcomingGathering
    released_routine_id: int | None


class CommitmentService:
    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    async def choices(self, guild_id: int) -> tuple[ZoneInfo, list[UpcomingGathering]]:
        """The guild's time zone, and the gatherings of the coming seven days a member may
        commit to."""
        now = await self.clock.now()
        async with self.db.read() as session:
            zone = (await GuildConfigRepository(session).get(guild_id)).zone
            found = await CommitmentRepository(session).upcoming(
                guild_id, now, now + dt.timedelta(days=7), CHOICES
            )
        return zone, found

    async def commit(self, guild_id: int, member_id: int, occurrence_id: int) -> Committed:
        """The member commits to this gathering for its week, and so is going to it (the
        check-back will ask "were you there?"); switching withdraws the going that only the
        former commitment made. Refused when it is not one of the coming week's any more."""
        now = await self.clock.now()
        async with self.db.write() as session:
            repository = CommitmentRepository(session)
            upcoming = await repository.upcoming(guild_id, now, now + dt.timedelta(days=7), CHOICES)
            chosen = next((g for g in upcoming if g.occurrence_id == occurrence_id), None)
            if chosen is None:
                raise InvalidInput("error.commitment_closed")
            zone = (await GuildConfigRepository(session).get(guild_id)).zone
            week = week_of(chosen.starts_at, zone)
            former = await repository.commit(guild_id, member_id, week, occurrence_id, now)
            await RoutineRepository(session).answer(
                occurrence_id, guild_id, member_id, True, "commitment", now, keep_own=True
            )
            released = None if former is None else await repository.release(former, member_id)
        return Committed(chosen, released)


async def kept_streaks(
    repository: CommitmentRepository,
    guild_id: int,
    current: IsoWeek,
    member_ids: list[int] | None = None,
) -> dict[int, tuple[int, int]]:
    """(current, best) streak of kept commitments, per member who kept one."""
    kept = await repository.kept_weeks(
        guild_id, member_ids, since=weeks_back(current, STREAK_WEEKS)
    )
    return {member: streaks(weeks, current) for member, weeks in kept.items()}


__all__ = ["CHOICES", "CommitmentService", "Committed", "kept_streaks"]
