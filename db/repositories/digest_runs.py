"""Digest runs: which week each guild's digest was claimed, posted or failed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.guild_config import GuildConfig
from db.models import DigestRun, GuildConfigRow
from db.repositories.guild_config import config_of
from db.repositories.sql import affected, chunks, dialect_insert

#: Guild ids per statement when reading the schedule of many guilds.


@dataclass(frozen=True, slots=True)
class DigestRunRecord:
    id: int
    guild_id: int
    iso_year: int
    iso_week: int
    claimed_at: dt.datetime
    posted_at: dt.datetime | None
    message_id: int | None
    channel_id: int | None
    venue_ids: tuple[int, ...]
    attempts: int
    last_error: str | None
    next_attempt_at: dt.datetime | None
    failure_key: str | None = None
    failure_params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, row: DigestRun) -> DigestRunRecord:
        return cls(
            id=row.id,
            guild_id=row.guild_id,
            iso_year=row.iso_year,
            iso_week=row.iso_week,
            claimed_at=row.claimed_at,
            posted_at=row.posted_at,
            message_id=row.message_id,
            channel_id=row.channel_id,
            venue_ids=tuple(json.loads(row.venue_ids or "[]")),
            attempts=row.attempts,
            last_error=row.last_error,
            next_attempt_at=row.next_attempt_at,
            failure_key=row.failure_key,
            failure_params=json.loads(row.failure_params or "{}"),
        )

    @property
    def week(self) -> tuple[int, int]:
        return (self.iso_year, self.iso_week)

    @property
    def jump_url(self) -> str | None:
        if self.message_id is None or self.channel_id is None:
            return None
        return f"https://discord.com/channels/{self.guild_id}/{self.channel_id}/{self.message_id}"


@dataclass(frozen=True, slots=True)
class ScheduledDigest:
    """A guild with a digest set up, and its runs of the weeks asked about."""

    config: GuildConfig
    runs: dict[tuple[int, int], DigestRunRecord]


class DigestRunRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def scheduled(
        self, guild_ids: Sequence[int], weeks: Sequence[tuple[int, int]]
    ) -> list[ScheduledDigest]:
        """The guilds among `guild_ids` with a digest set up, each with its runs of
        `weeks`: one statement per thousand guilds."""
        found: list[ScheduledDigest] = []
        for chunk in chunks(guild_ids):
            found.extend(await self._scheduled(chunk, weeks))
        return found

    async def _scheduled(
        self, guild_ids: Sequence[int], weeks: Sequence[tuple[int, int]]
    ) -> list[ScheduledDigest]:
        run_of_week = and_(
            DigestRun.guild_id == GuildConfigRow.guild_id,
            tuple_(DigestRun.iso_year, DigestRun.iso_week).in_(list(weeks)),
        )
        rows = await self.session.execute(
            select(GuildConfigRow, DigestRun)
            .outerjoin(DigestRun, run_of_week)
            .where(
                GuildConfigRow.guild_id.in_(list(guild_ids)),
                GuildConfigRow.digest_channel_id.is_not(None),
                GuildConfigRow.digest_weekday.is_not(None),
                GuildConfigRow.digest_hour.is_not(None),
            )
            .order_by(GuildConfigRow.guild_id)
        )
        by_guild: dict[int, ScheduledDigest] = {}
        for config_row, run_row in rows:
            entry = by_guild.get(config_row.guild_id)
            if entry is None:
                entry = by_guild[config_row.guild_id] = ScheduledDigest(config_of(config_row), {})
            if run_row is not None:
                run = DigestRunRecord.of(run_row)
                entry.runs[run.week] = run
        return list(by_guild.values())

    async def get(self, guild_id: int, week: tuple[int, int]) -> DigestRunRecord | None:
        row = await self.session.scalar(
            select(DigestRun).where(
                DigestRun.guild_id == guild_id,
                DigestRun.iso_year == week[0],
                DigestRun.iso_week == week[1],
            )
        )
        return DigestRunRecord.of(row) if row else None

    async def latest(self, guild_id: int) -> DigestRunRecord | None:
        row = await self.session.scalar(
            select(DigestRun)
            .where(DigestRun.guild_id == guild_id)
            .order_by(DigestRun.iso_year.desc(), DigestRun.iso_week.desc())
            .limit(1)
        )
        return DigestRunRecord.of(row) if row else None

    async def by_messages(self, message_ids: Sequence[int]) -> dict[int, DigestRunRecord]:
        if not message_ids:
            return {}
        rows = await self.session.scalars(
            select(DigestRun).where(DigestRun.message_id.in_(list(message_ids)))
        )
        runs = (DigestRunRecord.of(row) for row in rows)
        return {run.message_id: run for run in runs if run.message_id is not None}

    async def claim(
        self,
        guild_id: int,
        week: tuple[int, int],
        now: dt.datetime,
        *,
        lease: dt.timedelta,
        max_attempts: int | None,
        respect_backoff: bool = True,
    ) -> DigestRunRecord | None:
        """Take the right to post this guild's digest for `week`, or None.

        The first claim inserts the row (unique guild + ISO week: only one process can).
        A later claim succeeds only while nothing was posted, the previous attempt's lease
        has expired, attempts remain and (for the scheduler) its back-off has passed."""
        inserted = await self.session.execute(
            dialect_insert(self.session, DigestRun)
            .values(
                guild_id=guild_id,
                iso_year=week[0],
                iso_week=week[1],
                claimed_at=now,
                attempts=1,
                venue_ids="[]",
            )
            .on_conflict_do_nothing(index_elements=["guild_id", "iso_year", "iso_week"])
        )
        if not affected(inserted):
            conditions: list[Any] = [
                DigestRun.guild_id == guild_id,
                DigestRun.iso_year == week[0],
                DigestRun.iso_week == week[1],
                DigestRun.posted_at.is_(None),
                DigestRun.claimed_at <= now - lease,
            ]
            if max_attempts is not None:
                conditions.append(DigestRun.attempts < max_attempts)
            if respect_backoff:
                conditions.append(
                    or_(DigestRun.next_attempt_at.is_(None), DigestRun.next_attempt_at <= now)
                )
            retried = await self.session.execute(
                update(DigestRun)
                .where(and_(*conditions))
                .values(claimed_at=now, attempts=DigestRun.attempts + 1)
            )
            if not affected(retried):
                return None
        return await self.get(guild_id, week)

    async def mark_posted(
        self,
        run_id: int,
        *,
        channel_id: int,
        message_id: int,
        venue_ids: Sequence[int],
        now: dt.datetime,
    ) -> None:
        await self.session.execute(
            update(DigestRun)
            .where(DigestRun.id == run_id)
            .values(
                posted_at=now,
                channel_id=channel_id,
                message_id=message_id,
                venue_ids=json.dumps(list(venue_ids)),
                last_error=None,
                failure_key=None,
                failure_params=None,
                next_attempt_at=None,
            )
        )

    async def mark_failed(
        self,
        run_id: int,
        *,
        key: str,
        params: dict[str, Any],
        detail: str,
        next_attempt_at: dt.datetime | None,
        release: bool,
    ) -> None:
        """Record why an attempt failed: `key` and `params` for members, `detail` for
        operators."""
        values: dict[str, Any] = {
            "failure_key": key,
            "failure_params": json.dumps(params),
            "last_error": detail[:300],
            "next_attempt_at": next_attempt_at,
        }
        if release:  # let the next attempt claim it without waiting for the lease
            values["claimed_at"] = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
        await self.session.execute(update(DigestRun).where(DigestRun.id == run_id).values(**values))
