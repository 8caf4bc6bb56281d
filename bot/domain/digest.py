"""The weekly digest: what goes in it (composed from data, no Discord), and the service
that gathers the data, claims the week and records the outcome."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from babel.dates import format_date, get_day_names

from bot.domain.errors import InvalidInput
from bot.domain.guilds import validate_timezone
from bot.domain.ranking import GuildPrior, RatingSample, rank
from bot.domain.schedule import Due, IsoWeek, next_due, pending_due, streaks, week_of
from bot.domain.votes import NUMBER_EMOJIS
from bot.i18n import number, t
from db.digests import DigestRepository, DigestRunRecord, RoutineRepository, StatsRepository
from db.engine import Database
from db.repositories import (
    GuildSettingsRepository,
    RatingRepository,
    VenueRepository,
)

TOP_VENUES = 5
NEW_VENUES = 5
ROUTINES = 6
STREAKS = 3
HISTORY_WEEKS = 8
QUESTIONS = 6
MAX_ATTEMPTS = 3
LEASE = dt.timedelta(minutes=10)
MANUAL_LEASE = dt.timedelta(minutes=2)

# Discord's embed limits
TITLE_MAX, DESCRIPTION_MAX, FIELD_NAME_MAX, FIELD_VALUE_MAX, FOOTER_MAX, TOTAL_MAX = (
    256,
    4096,
    256,
    1024,
    2048,
    6000,
)


@dataclass(frozen=True, slots=True)
class TopVenue:
    id: int
    name: str
    city: str
    rit: float
    ratings: int
    new_ratings: int


@dataclass(frozen=True, slots=True)
class NewVenue:
    name: str
    city: str
    kind: str


@dataclass(frozen=True, slots=True)
class RoutineLine:
    weekday: int
    time: dt.time
    venue: str
    title: str | None
    members: int
    joined: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DigestData:
    week: IsoWeek
    week_start: dt.date
    top: Sequence[TopVenue] = ()
    new_venues: Sequence[NewVenue] = ()
    new_venue_count: int = 0
    routines: Sequence[RoutineLine] = ()
    irl_hours: float = 0.0
    irl_members: int = 0
    streaks: Sequence[tuple[int, int]] = ()  # (member id, weeks)
    history: Sequence[tuple[IsoWeek, float]] = ()  # oldest first


@dataclass(frozen=True, slots=True)
class DigestSection:
    name: str
    value: str


@dataclass(frozen=True, slots=True)
class Digest:
    title: str
    description: str
    sections: tuple[DigestSection, ...]
    footer: str
    venue_ids: tuple[int, ...]
    chart_title: str
    chart_labels: tuple[str, ...] = field(default=())
    chart_values: tuple[float, ...] = field(default=())

    def total_length(self) -> int:
        return (
            len(self.title)
            + len(self.description)
            + len(self.footer)
            + sum(len(s.name) + len(s.value) for s in self.sections)
        )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _lines_within(lines: Sequence[str], limit: int, more: Callable[[int], str]) -> str:
    """As many whole lines as fit in `limit`, then "and N more" for the rest."""
    kept: list[str] = []
    for index, line in enumerate(lines):
        rest = len(lines) - index - 1
        tail = "\n" + more(rest) if rest else ""
        candidate = "\n".join([*kept, line])
        if len(candidate + tail) > limit:
            return "\n".join([*kept, more(len(lines) - index)])[:limit]
        kept.append(line)
    return "\n".join(kept)


def compose_digest(
    data: DigestData,
    language: str,
    *,
    escape: Callable[[str], str] = lambda text: text,
) -> Digest:
    """The digest as text sections within Discord's embed limits, in `language`.

    `escape` makes member-written text (venue names, titles) inert for the renderer."""
    locale = "fr_FR" if language == "fr" else "en_GB"
    days = get_day_names("abbreviated", locale=locale)
    more = lambda n: t(language, "digest.more", count=n)  # noqa: E731
    title = _clip(
        t(language, "digest.title", date=format_date(data.week_start, "long", locale=locale)),
        TITLE_MAX,
    )
    if data.irl_hours:
        description = t(
            language, "digest.hours", count=data.irl_members, hours=number(language, data.irl_hours)
        )
    else:
        description = t(language, "digest.no_hours")
    sections: list[DigestSection] = []

    top = list(data.top[: len(NUMBER_EMOJIS)])
    if top:
        lines = []
        for emoji, venue in zip(NUMBER_EMOJIS, top, strict=False):
            line = t(
                language,
                "digest.top.line",
                emoji=emoji,
                name=escape(_clip(venue.name, 100)),
                city=escape(_clip(venue.city, 60)),
                rit=number(language, venue.rit, 2, exact=True),
                count=venue.ratings,
            )
            if venue.new_ratings:
                line += t(language, "digest.top.new", count=venue.new_ratings)
            lines.append(line)
        lines.append(t(language, "digest.top.vote"))
        sections.append(
            DigestSection(t(language, "digest.top"), _lines_within(lines, FIELD_VALUE_MAX, more))
        )

    if data.new_venues:
        lines = [
            t(
                language,
                "digest.new.line",
                name=escape(_clip(v.name, 100)),
                city=escape(_clip(v.city, 60)),
                kind=t(language, f"kind.{v.kind}"),
            )
            for v in data.new_venues
        ]
        hidden = data.new_venue_count - len(lines)
        if hidden > 0:
            lines.append(more(hidden))
        sections.append(
            DigestSection(
                t(language, "digest.new", count=data.new_venue_count),
                _lines_within(lines, FIELD_VALUE_MAX, more),
            )
        )

    if data.routines:
        lines = []
        for routine in data.routines:
            line = t(
                language,
                "digest.routine.line",
                day=days[routine.weekday],
                time=routine.time.strftime("%H:%M"),
                venue=escape(_clip(routine.venue, 100)),
                count=routine.members,
            )
            if routine.title:
                line += f" · {escape(_clip(routine.title, 100))}"
            if routine.joined:
                joined = " ".join(f"<@{member}>" for member in routine.joined[:5])
                line += t(language, "digest.routine.joined", members=joined)
            lines.append(line)
        sections.append(
            DigestSection(
                t(language, "digest.routines"), _lines_within(lines, FIELD_VALUE_MAX, more)
            )
        )

    if data.streaks:
        lines = [
            t(language, "digest.streak.line", member=f"<@{member}>", count=weeks)
            for member, weeks in data.streaks
        ]
        sections.append(
            DigestSection(
                t(language, "digest.streaks"), _lines_within(lines, FIELD_VALUE_MAX, more)
            )
        )

    question = t(language, f"digest.question.{(data.week[0] * 53 + data.week[1]) % QUESTIONS}")
    sections.append(DigestSection(t(language, "digest.question"), question))

    footer = _clip(t(language, "digest.footer", year=data.week[0], week=data.week[1]), FOOTER_MAX)
    digest = Digest(
        title=title,
        description=_clip(description, DESCRIPTION_MAX),
        sections=tuple(DigestSection(_clip(s.name, FIELD_NAME_MAX), s.value) for s in sections),
        footer=footer,
        venue_ids=tuple(v.id for v in top),
        chart_title=t(language, "digest.chart"),
        chart_labels=tuple(t(language, "digest.chart.week", week=w[1]) for w, _ in data.history),
        chart_values=tuple(hours for _, hours in data.history),
    )
    assert digest.total_length() <= TOTAL_MAX, digest.total_length()
    return digest


@dataclass(frozen=True, slots=True)
class DigestSchedule:
    channel_id: int
    weekday: int
    hour: int
    timezone: str
    since: dt.datetime | None


@dataclass(frozen=True, slots=True)
class DigestStatus:
    schedule: DigestSchedule | None
    next_due: dt.datetime | None
    this_week: DigestRunRecord | None
    latest: DigestRunRecord | None


def _schedule(row) -> DigestSchedule | None:  # type: ignore[no-untyped-def]
    if row is None or row.digest_channel_id is None or row.digest_weekday is None:
        return None
    return DigestSchedule(
        channel_id=row.digest_channel_id,
        weekday=row.digest_weekday,
        hour=row.digest_hour,
        timezone=row.timezone,
        since=row.digest_since,
    )


class DigestService:
    def __init__(self, db: Database) -> None:
        self.db = db

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
            "digest_since": now or dt.datetime.now(dt.UTC),
        }
        if timezone is not None:
            changes["timezone"] = validate_timezone(timezone)
        if language is not None:
            if language not in ("fr", "en", "auto"):
                raise InvalidInput("error.language_invalid")
            changes["language"] = None if language == "auto" else language
        async with self.db.write() as session:
            settings = GuildSettingsRepository(session)
            await settings.upsert(guild_id, **changes)
            schedule = _schedule(await settings.get(guild_id))
        assert schedule is not None
        return schedule

    async def disable(self, guild_id: int) -> bool:
        async with self.db.write() as session:
            settings = GuildSettingsRepository(session)
            row = await settings.get(guild_id)
            if row is None or row.digest_channel_id is None:
                return False
            await settings.upsert(guild_id, digest_channel_id=None)
        return True

    async def status(self, guild_id: int, now: dt.datetime | None = None) -> DigestStatus:
        now = now or dt.datetime.now(dt.UTC)
        async with self.db.read() as session:
            row = await GuildSettingsRepository(session).get(guild_id)
            schedule = _schedule(row)
            zone = ZoneInfo(row.timezone if row else "UTC")
            runs = DigestRepository(session)
            this_week = await runs.get(guild_id, week_of(now, zone))
            latest = await runs.latest(guild_id)
        upcoming = (
            next_due(now, schedule.weekday, schedule.hour, zone) if schedule is not None else None
        )
        return DigestStatus(schedule, upcoming, this_week, latest)

    async def due(self, guild_ids: Sequence[int], now: dt.datetime) -> list[tuple[int, Due]]:
        """Guilds among `guild_ids` whose digest for this week is due and not posted."""
        found = []
        async with self.db.read() as session:
            runs = DigestRepository(session)
            for row in await runs.scheduled(guild_ids):
                schedule = _schedule(row)
                assert schedule is not None
                zone = ZoneInfo(schedule.timezone)
                due = pending_due(now, schedule.weekday, schedule.hour, zone, since=schedule.since)
                if due is None:
                    continue
                run = await runs.get(row.guild_id, due.week)
                if run is not None and (run.posted_at is not None or run.attempts >= MAX_ATTEMPTS):
                    continue
                found.append((row.guild_id, due))
        return found

    async def claim(
        self, guild_id: int, week: IsoWeek, now: dt.datetime, *, manual: bool = False
    ) -> DigestRunRecord | None:
        """The right to post `week`'s digest, at most once per guild and week, across
        processes. `/digest send` may retry a failed week at once."""
        async with self.db.write() as session:
            return await DigestRepository(session).claim(
                guild_id,
                week,
                now,
                lease=MANUAL_LEASE if manual else LEASE,
                max_attempts=None if manual else MAX_ATTEMPTS,
                respect_backoff=not manual,
            )

    async def this_week(
        self, guild_id: int, now: dt.datetime
    ) -> tuple[IsoWeek, DigestRunRecord | None]:
        async with self.db.read() as session:
            row = await GuildSettingsRepository(session).get(guild_id)
            week = week_of(now, ZoneInfo(row.timezone if row else "UTC"))
            return week, await DigestRepository(session).get(guild_id, week)

    async def posted(
        self,
        run: DigestRunRecord,
        *,
        channel_id: int,
        message_id: int,
        venue_ids: Sequence[int],
        now: dt.datetime,
    ) -> None:
        async with self.db.write() as session:
            await DigestRepository(session).mark_posted(
                run.id,
                channel_id=channel_id,
                message_id=message_id,
                venue_ids=venue_ids,
                now=now,
            )

    async def failed(
        self, run: DigestRunRecord, error: str, now: dt.datetime, *, retry_after: dt.timedelta
    ) -> bool:
        """Record a failed attempt; True when no attempt is left."""
        exhausted = run.attempts >= MAX_ATTEMPTS
        async with self.db.write() as session:
            await DigestRepository(session).mark_failed(
                run.id,
                error,
                next_attempt_at=None if exhausted else now + retry_after * run.attempts,
                release=True,
            )
        return exhausted

    async def gather(self, guild_id: int, now: dt.datetime | None = None) -> DigestData:
        """Everything the digest reports, for the week ending `now`."""
        now = now or dt.datetime.now(dt.UTC)
        since = now - dt.timedelta(days=7)
        async with self.db.read() as session:
            row = await GuildSettingsRepository(session).get(guild_id)
            zone = ZoneInfo(row.timezone if row else "UTC")
            today = now.astimezone(zone).date()
            week = week_of(now, zone)
            ratings = await RatingRepository(session).rows(guild_id)
            stats = StatsRepository(session)
            new_counts = await stats.new_ratings(guild_id, since)
            by_venue: dict[int, list[RatingSample]] = defaultdict(list)
            for r in ratings:
                by_venue[r.venue_id].append(RatingSample(r.worth, r.hours))
            prior = GuildPrior.of(RatingSample(r.worth, r.hours) for r in ratings)
            best = rank(dict(by_venue), prior)[:TOP_VENUES]
            venues = await VenueRepository(session).many(guild_id, [s.venue_id for s in best])
            top = [
                TopVenue(
                    s.venue_id,
                    venues[s.venue_id].name,
                    venues[s.venue_id].city,
                    s.rit,
                    s.ratings,
                    new_counts.get(s.venue_id, 0),
                )
                for s in best
                if s.venue_id in venues
            ]
            fresh = await stats.new_venues(guild_id, since, NEW_VENUES)
            fresh_count = await stats.count_new_venues(guild_id, since)
            routines_repo = RoutineRepository(session)
            routines = await routines_repo.list(guild_id, limit=ROUTINES)
            joined: dict[int, list[int]] = defaultdict(list)
            for routine_id, member_id in await routines_repo.joined_since(guild_id, since):
                joined[routine_id].append(member_id)
            first_week = today - dt.timedelta(weeks=HISTORY_WEEKS + 52)
            visits = await stats.visits(guild_id, since=first_week)
        week_visits = [v for v in visits if today - dt.timedelta(days=6) <= v.visited_on <= today]
        member_weeks: dict[int, set[IsoWeek]] = defaultdict(set)
        for v in visits:
            year, number, _ = v.visited_on.isocalendar()
            member_weeks[v.member_id].add((year, number))
        streak_list = sorted(
            ((member, streaks(weeks, week)[0]) for member, weeks in member_weeks.items()),
            key=lambda item: (-item[1], item[0]),
        )
        history: list[tuple[IsoWeek, float]] = []
        for back in range(HISTORY_WEEKS - 1, -1, -1):
            year, number, _ = (today - dt.timedelta(weeks=back)).isocalendar()
            total = sum(
                v.hours for v in visits if tuple(v.visited_on.isocalendar())[:2] == (year, number)
            )
            history.append(((year, number), total))
        return DigestData(
            week=week,
            week_start=dt.date.fromisocalendar(week[0], week[1], 1),
            top=top,
            new_venues=[NewVenue(v.name, v.city, v.kind) for v in fresh],
            new_venue_count=fresh_count,
            routines=[
                RoutineLine(
                    r.weekday,
                    r.local_time,
                    r.venue_name,
                    r.title,
                    len(r.members),
                    tuple(joined.get(r.id, ())),
                )
                for r in routines
            ],
            irl_hours=sum(v.hours for v in week_visits),
            irl_members=len({v.member_id for v in week_visits}),
            streaks=[(m, n) for m, n in streak_list if n > 0][:STREAKS],
            history=history,
        )
