"""What members hope to get from a gathering: stored on their answer for the occurrence,
copied onto the check-back's rating, and counted per venue (hopes met or not) in the same
transaction as the rating, so the card reads two numbers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Rating, RoutineOccurrence, RoutineRsvp, VenueHopeStats
from db.repositories.sql import affected, dialect_insert


@dataclass(frozen=True, slots=True)
class HopeCounts:
    """Over each member's latest check-back answer that came with hopes: how many
    members, and how many of them got all they hoped for."""

    members: int = 0
    met: int = 0


class HopeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def hope(
        self, guild_id: int, occurrence_id: int, member_id: int, hopes: int, now: dt.datetime
    ) -> bool:
        """The member's hopes for an occurrence they are going to and that has not ended;
        True when stored."""
        still_open = (
            select(RoutineOccurrence.id)
            .where(
                RoutineOccurrence.id == occurrence_id,
                RoutineOccurrence.status == "scheduled",
                RoutineOccurrence.ends_at > now,
            )
            .scalar_subquery()
        )
        result = await self.session.execute(
            update(RoutineRsvp)
            .where(
                RoutineRsvp.occurrence_id == still_open,
                RoutineRsvp.guild_id == guild_id,
                RoutineRsvp.member_id == member_id,
                RoutineRsvp.going.is_(True),
            )
            .values(hopes=hopes or None)
        )
        return affected(result) == 1

    async def of(self, occurrence_id: int, member_id: int) -> int | None:
        """What the member hoped to get from the occurrence (None: they did not say)."""
        hopes = await self.session.scalar(
            select(RoutineRsvp.hopes).where(
                RoutineRsvp.occurrence_id == occurrence_id,
                RoutineRsvp.member_id == member_id,
                RoutineRsvp.going.is_(True),
            )
        )
        return int(hopes) if hopes else None

    async def count(self, guild_id: int, venue_id: int, members: int, met: int) -> None:
        """Change the venue's counts by exactly one answer's difference."""
        stmt = dialect_insert(self.session, VenueHopeStats).values(
            venue_id=venue_id, guild_id=guild_id, members=members, met=met
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["venue_id"],
            set_={
                "members": VenueHopeStats.members + stmt.excluded.members,
                "met": VenueHopeStats.met + stmt.excluded.met,
            },
        )
        await self.session.execute(stmt)

    async def counts(self, venue_id: int) -> HopeCounts:
        row = (
            await self.session.execute(
                select(VenueHopeStats.members, VenueHopeStats.met).where(
                    VenueHopeStats.venue_id == venue_id
                )
            )
        ).first()
        return HopeCounts(int(row[0]), int(row[1])) if row else HopeCounts()

    async def forget_member(self, member_id: int) -> None:
        """Take the member's latest hoped answer of each venue out of the counts, before
        their ratings are deleted."""
        rows = await self.session.execute(
            select(Rating.guild_id, Rating.venue_id, Rating.hopes, Rating.got)
            .where(Rating.member_id == member_id, Rating.hopes.is_not(None), Rating.hopes != 0)
            .order_by(Rating.venue_id, Rating.id.desc())
        )
        seen: set[int] = set()
        for guild_id, venue_id, hopes, got in rows:
            if venue_id in seen or not hopes:
                continue
            seen.add(venue_id)
            met = (int(got or 0) & hopes) == hopes
            await self.count(guild_id, venue_id, -1, -int(met))

    async def rebuild(self) -> None:
        """The counts recomputed from the ratings (after a bulk load that bypassed them)."""
        await self.session.execute(delete(VenueHopeStats))
        await self.session.execute(text(_REBUILD))


_REBUILD = (
    "INSERT INTO venue_hope_stats (venue_id, guild_id, members, met) "
    "SELECT r.venue_id, min(r.guild_id), count(*), "
    "sum(CASE WHEN (coalesce(r.got, 0) & r.hopes) = r.hopes THEN 1 ELSE 0 END) "
    "FROM rating r WHERE r.hopes IS NOT NULL AND r.hopes <> 0 AND r.id = ("
    "SELECT max(o.id) FROM rating o WHERE o.venue_id = r.venue_id "
    "AND o.member_id = r.member_id AND o.hopes IS NOT NULL AND o.hopes <> 0) "
    "GROUP BY r.venue_id"
)

__all__ = ["HopeCounts", "HopeRepository"]
