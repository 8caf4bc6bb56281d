"""A member's profile: time invested, last good moment, streaks, ratings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.commitments import kept_streaks
from bot.domain.errors import Forbidden
from bot.domain.schedule import week_of
from db.engine import Database
from db.repositories import GuildConfigRepository, ProfileRepository, StatsRepository
from db.repositories.commitments import CommitmentRepository


@dataclass(frozen=True, slots=True)
class Profile:
    member_id: int
    public: bool
    hours_this_month: float
    hours_overall: float
    visits: int
    last_good_moment: tuple[str, dt.date] | None
    current_streak: int
    best_streak: int
    ratings: int


class ProfileService:
    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    async def set_public(self, guild_id: int, member_id: int, public: bool) -> None:
        async with self.db.write() as session:
            await ProfileRepository(session).set_public(guild_id, member_id, public)

    async def profile(
        self,
        guild_id: int,
        member_id: int,
        *,
        viewer_id: int,
        now: dt.datetime | None = None,
    ) -> Profile:
        """Your own profile always; another member's only if they made it public."""
        now = now or await self.clock.now()
        async with self.db.read() as session:
            public = await ProfileRepository(session).is_public(guild_id, member_id)
            if viewer_id != member_id and not public:
                raise Forbidden("error.profile_private")
            zone = (await GuildConfigRepository(session).get(guild_id)).zone
            stats = StatsRepository(session)
            visits = await stats.visits(guild_id, member_id=member_id)
            last_good = await stats.last_good_moment(guild_id, member_id)
            ratings = await stats.ratings_count(guild_id, member_id)
            # The streak is the run of weeks whose commitment the member kept.
            kept = await kept_streaks(
                CommitmentRepository(session), guild_id, week_of(now, zone), [member_id]
            )
        today = now.astimezone(zone).date()
        month_start = today.replace(day=1)
        current, best = kept.get(member_id, (0, 0))
        return Profile(
            member_id=member_id,
            public=public,
            hours_this_month=sum(v.hours for v in visits if v.visited_on >= month_start),
            hours_overall=sum(v.hours for v in visits),
            visits=len(visits),
            last_good_moment=last_good,
            current_streak=current,
            best_streak=best,
            ratings=ratings,
        )
