"""The weekly digest as one use case: `prepare` claims a guild's week and gathers what
the digest reports; the caller composes and posts it; `record` stores the outcome, and
decides whether a failed week is tried again or given up."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.digest_compose import (
    COMPONENTS_MAX,
    FIELD_VALUE_MAX,
    TOTAL_MAX,
    Digest,
    DigestData,
    DigestGathering,
    DigestSection,
    NewVenue,
    RoutineLine,
    TopVenue,
    compose_digest,
)
from bot.domain.digest_data import gather_digest
from bot.domain.errors import Conflict, DomainError, InvalidInput, NotFound
from bot.domain.guild_config import GuildConfig
from bot.domain.guilds import validate_timezone
from bot.domain.schedule import Due, IsoWeek, next_due, pending_due, week_of
from bot.domain.votes import NUMBER_EMOJIS
from bot.i18n import t
from db.engine import Database
from db.repositories import (
    DigestRunRecord,
    DigestRunRepository,
    GuildConfigRepository,
)
from db.repositories.digest_answers import DigestAnswerRepository

__all__ = [
    "COMPONENTS_MAX",
    "FIELD_VALUE_MAX",
    "MAX_ATTEMPTS",
    "NUMBER_EMOJIS",
    "TOTAL_MAX",
    "Digest",
    "DigestData",
    "DigestFailure",
    "DigestGathering",
    "DigestPosted",
    "DigestPreview",
    "DigestSection",
    "DigestService",
    "DigestStatus",
    "NewVenue",
    "PreparedDigest",
    "RoutineLine",
    "TopVenue",
    "compose_digest",
    "failure_text",
]

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
LEASE = dt.timedelta(minutes=10)
MANUAL_LEASE = dt.timedelta(minutes=2)
#: The UTC offsets farthest apart: at any moment every zone is in one of their two weeks.
_EARLIEST_ZONE, _LATEST_ZONE = dt.timedelta(hours=-12), dt.timedelta(hours=14)

#: Discord's JSON error codes whose failure has its own message.
DISCORD_ERRORS = {
    50013: "digest.error.discord.missing_permissions",
    50001: "digest.error.discord.missing_access",
    10003: "digest.error.discord.unknown_channel",
}
#: A refusal met while posting -> how the failure reads in /digest preview.
_REFUSALS = {
    "error.bot_missing_permissions": "digest.error.permissions",
    "error.digest_channel_gone": "digest.error.channel",
    "error.digest_not_set_up": "digest.error.off",
}


@dataclass(frozen=True, slots=True)
class DigestSchedule:
    channel_id: int
    weekday: int
    hour: int
    timezone: str
    since: dt.datetime | None

    @classmethod
    def of(cls, config: GuildConfig) -> DigestSchedule | None:
        if (
            config.digest_channel_id is None
            or config.digest_weekday is None
            or config.digest_hour is None
        ):
            return None
        return cls(
            channel_id=config.digest_channel_id,
            weekday=config.digest_weekday,
            hour=config.digest_hour,
            timezone=config.timezone,
            since=config.digest_since,
        )


@dataclass(frozen=True, slots=True)
class DigestStatus:
    schedule: DigestSchedule | None
    next_due: dt.datetime | None
    this_week: DigestRunRecord | None
    latest: DigestRunRecord | None


@dataclass(frozen=True, slots=True)
class PreparedDigest:
    """A claimed week, with what the digest reports and where and how it is posted."""

    run: DigestRunRecord
    config: GuildConfig
    data: DigestData


@dataclass(frozen=True, slots=True)
class DigestPreview:
    status: DigestStatus
    config: GuildConfig
    data: DigestData


@dataclass(frozen=True, slots=True)
class DigestPosted:
    channel_id: int
    message_id: int
    venue_ids: tuple[int, ...]
    #: The answers it quoted: no later digest quotes them again.
    answer_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class DigestFailure:
    """Why a digest was not posted: a message key and its parameters, read by members in
    their own language, and `detail`, what the logs say."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    detail: str = ""

    @classmethod
    def refused(cls, error: DomainError) -> DigestFailure:
        """A refusal (no channel, missing permissions...) met on the way to posting."""
        key = _REFUSALS.get(error.key, error.key)
        params = {name: value for name, value in error.params.items() if name == "permissions"}
        return cls(key, params, detail=error.key)

    @classmethod
    def discord(cls, status: int, code: int, text: str) -> DigestFailure:
        """Discord answered the post with an error: its HTTP status, its JSON error code
        and its (English) text, which only the logs show."""
        key = DISCORD_ERRORS.get(code, "digest.error.discord")
        return cls(key, {"status": status}, detail=f"{status} {text}")


def failure_text(language: str, run: DigestRunRecord) -> str:
    """Why the run failed, in `language` (from the message key stored with it)."""
    assert run.failure_key is not None, "the run did not fail"
    params = dict(run.failure_params)
    if "permissions" in params:
        params["permissions"] = ", ".join(
            t(language, f"permission.{name}") for name in params["permissions"]
        )
    return t(language, run.failure_key, **params)


def _candidate_weeks(now: dt.datetime) -> list[IsoWeek]:
    weeks = []
    for offset in (_EARLIEST_ZONE, _LATEST_ZONE):
        year, week, _ = (now + offset).isocalendar()
        weeks.append((year, week))
    return sorted(set(weeks))


class DigestService:
    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    # -- configuration ------------------------------------------------------------------

    async def configure(
        self,
        guild_id: int,
        *,
        channel_id: int,
        weekday: int,
        hour: int,
        timezone: str | None = None,
        language: str | None = None,
        now: dt.datetime | None = None,
    ) -> DigestSchedule:
        if not 0 <= weekday <= 6:
            raise InvalidInput("error.weekday_invalid")
        if not 0 <= hour <= 23:
            raise InvalidInput("error.hour_invalid")
        changes: dict[str, object] = {
            "digest_channel_id": channel_id,
            "digest_weekday": weekday,
            "digest_hour": hour,
            "digest_since": now or await self.clock.now(),
        }
        if timezone is not None:
            changes["timezone"] = validate_timezone(timezone)
        if language is not None:
            if language not in ("fr", "en", "auto"):
                raise InvalidInput("error.language_invalid")
            changes["language"] = None if language == "auto" else language
        async with self.db.write() as session:
            configs = GuildConfigRepository(session)
            await configs.upsert(guild_id, **changes)
            schedule = DigestSchedule.of(await configs.get(guild_id))
        assert schedule is not None
        return schedule

    async def disable(self, guild_id: int) -> bool:
        async with self.db.write() as session:
            configs = GuildConfigRepository(session)
            if (await configs.get(guild_id)).digest_channel_id is None:
                return False
            await configs.upsert(guild_id, digest_channel_id=None)
        return True

    async def status(self, guild_id: int, now: dt.datetime | None = None) -> DigestStatus:
        now = now or await self.clock.now()
        async with self.db.read() as session:
            config = await GuildConfigRepository(session).get(guild_id)
            return await self._status(session, config, now)

    async def preview(self, guild_id: int, now: dt.datetime) -> DigestPreview:
        """The digest as it would be posted now, with the schedule and the last runs."""
        async with self.db.read() as session:
            config = await GuildConfigRepository(session).get(guild_id)
            status = await self._status(session, config, now)
            return DigestPreview(status, config, await gather_digest(session, config, now))

    @staticmethod
    async def _status(session: AsyncSession, config: GuildConfig, now: dt.datetime) -> DigestStatus:
        runs = DigestRunRepository(session)
        this_week = await runs.get(config.guild_id, week_of(now, config.zone))
        latest = await runs.latest(config.guild_id)
        schedule = DigestSchedule.of(config)
        upcoming = (
            next_due(now, schedule.weekday, schedule.hour, config.zone)
            if schedule is not None
            else None
        )
        return DigestStatus(schedule, upcoming, this_week, latest)

    async def scheduled(self, guild_id: int) -> GuildConfig:
        """The guild's configuration, refused when no digest is set up."""
        async with self.db.read() as session:
            config = await GuildConfigRepository(session).get(guild_id)
        if DigestSchedule.of(config) is None:
            raise NotFound("error.digest_not_set_up")
        return config

    # -- the weekly run -------------------------------------------------------------------

    async def due(self, guild_ids: Sequence[int], now: dt.datetime) -> list[tuple[int, Due]]:
        """Guilds among `guild_ids` whose digest for this week is due and not posted (nor
        given up), read in one statement per thousand guilds."""
        found = []
        async with self.db.read() as session:
            scheduled = await DigestRunRepository(session).scheduled(
                guild_ids, _candidate_weeks(now)
            )
        for entry in scheduled:
            schedule = DigestSchedule.of(entry.config)
            assert schedule is not None
            due = pending_due(
                now, schedule.weekday, schedule.hour, entry.config.zone, since=schedule.since
            )
            if due is None:
                continue
            run = entry.runs.get(due.week)
            if run is not None and (run.posted_at is not None or run.attempts >= MAX_ATTEMPTS):
                continue
            found.append((entry.config.guild_id, due))
        return found

    async def claim(
        self, guild_id: int, week: IsoWeek, now: dt.datetime, *, manual: bool = False
    ) -> DigestRunRecord | None:
        """The right to post `week`'s digest, at most once per guild and week, across
        processes. `/digest send` may retry a failed week at once."""
        async with self.db.write() as session:
            return await self._claim(session, guild_id, week, now, manual=manual)

    @staticmethod
    async def _claim(
        session: AsyncSession, guild_id: int, week: IsoWeek, now: dt.datetime, *, manual: bool
    ) -> DigestRunRecord | None:
        return await DigestRunRepository(session).claim(
            guild_id,
            week,
            now,
            lease=MANUAL_LEASE if manual else LEASE,
            max_attempts=None if manual else MAX_ATTEMPTS,
            respect_backoff=not manual,
        )

    async def prepare(
        self, guild_id: int, now: dt.datetime, *, week: IsoWeek | None = None
    ) -> PreparedDigest | None:
        """Claim the guild's digest of `week` (the scheduler's) and gather it; None when
        another process has it or it is backing off. Without `week`, an admin's
        `/digest send` of this week: refused when it is posted or being posted."""
        manual = week is None
        async with self.db.write() as session:
            config = await GuildConfigRepository(session).get(guild_id)
            wanted = week or week_of(now, config.zone)
            run = await self._claim(session, guild_id, wanted, now, manual=manual)
            if run is None and manual:
                existing = await DigestRunRepository(session).get(guild_id, wanted)
                if existing is not None and existing.posted_at is not None:
                    raise Conflict("error.digest_already_posted", link=existing.jump_url or "—")
                raise Conflict("error.digest_in_progress")
        if run is None:
            return None
        async with self.db.read() as session:
            data = await gather_digest(session, config, now)
        return PreparedDigest(run, config, data)

    async def record(
        self,
        run: DigestRunRecord,
        outcome: DigestPosted | DigestFailure,
        now: dt.datetime,
        *,
        retry_after: dt.timedelta = dt.timedelta(minutes=5),
    ) -> bool:
        """Store how the attempt ended. A failed week is tried again later, waiting longer
        each time, until MAX_ATTEMPTS; True when this failure gives it up."""
        async with self.db.write() as session:
            runs = DigestRunRepository(session)
            if isinstance(outcome, DigestPosted):
                await runs.mark_posted(
                    run.id,
                    channel_id=outcome.channel_id,
                    message_id=outcome.message_id,
                    venue_ids=outcome.venue_ids,
                    now=now,
                )
                await DigestAnswerRepository(session).mark_quoted(
                    outcome.answer_ids, (run.iso_year, run.iso_week)
                )
                log.info(
                    "posted the digest of guild %s for week %s-W%s",
                    run.guild_id,
                    run.iso_year,
                    run.iso_week,
                )
                return False
            exhausted = run.attempts >= MAX_ATTEMPTS
            await runs.mark_failed(
                run.id,
                key=outcome.key,
                params=outcome.params,
                detail=outcome.detail or outcome.key,
                next_attempt_at=None if exhausted else now + retry_after * run.attempts,
                release=True,
            )
        self._log_failure(run, outcome, exhausted)
        return exhausted

    @staticmethod
    def _log_failure(run: DigestRunRecord, failure: DigestFailure, exhausted: bool) -> None:
        week = f"{run.iso_year}-W{run.iso_week}"
        if exhausted:
            log.error(
                "digest of guild %s for week %s failed %d times, giving up: %s",
                run.guild_id,
                week,
                run.attempts,
                failure.detail or failure.key,
            )
        else:
            log.warning(
                "digest of guild %s for week %s failed (attempt %d): %s",
                run.guild_id,
                week,
                run.attempts,
                failure.detail or failure.key,
            )

    # -- what the digest reports ----------------------------------------------------------

    async def gather(self, guild_id: int, now: dt.datetime | None = None) -> DigestData:
        """Everything the digest reports, for the week ending `now`."""
        now = now or await self.clock.now()
        async with self.db.read() as session:
            config = await GuildConfigRepository(session).get(guild_id)
            return await gather_digest(session, config, now)
