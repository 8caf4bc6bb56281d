"""What the weekly digest reports: gathered from the database in one read."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.commitments import kept_streaks
from bot.domain.digest_compose import DigestData, NewVenue, RoutineLine, TopVenue
from bot.domain.digest_last_week import last_week
from bot.domain.guild_config import GuildConfig
from bot.domain.routine_base import next_start
from bot.domain.schedule import IsoWeek, week_of
from bot.domain.scores import Scorer
from db.repositories import (
    ProfileRepository,
    RoutineRepository,
    StatsRepository,
    VenueRepository,
    VisitRow,
)
from db.repositories.commitments import CommitmentRepository
from db.repositories.digest_answers import DigestAnswerRepository

TOP_VENUES = 5
NEW_VENUES = 5
#: Routines read for the digest's gatherings (the composition cuts with "and N more").
ROUTINES = 500
STREAKS = 3
QUOTES = 2
HISTORY_WEEKS = 8


async def gather_digest(session: AsyncSession, config: GuildConfig, now: dt.datetime) -> DigestData:
    """Everything the digest reports, for the week ending `now`, in one read."""
    guild_id = config.guild_id
    since = now - dt.timedelta(days=7)
    today = now.astimezone(config.zone).date()
    week = week_of(now, config.zone)
    stats = StatsRepository(session)
    fresh = await stats.new_venues(guild_id, since, NEW_VENUES)
    first_week = today - dt.timedelta(weeks=HISTORY_WEEKS)
    figures = _visit_figures(await stats.visits(guild_id, since=first_week), today)
    kept = await _kept_streaks(session, guild_id, week)
    # The digest names only members who made their profile public (private is the default).
    public = await ProfileRepository(session).public_among(guild_id, (m for m, _ in kept))
    quoted = await DigestAnswerRepository(session).consented(
        guild_id, week_of(now - dt.timedelta(days=7), config.zone), QUOTES
    )
    public |= await ProfileRepository(session).public_among(guild_id, (m for m, _ in quoted))
    return DigestData(
        week=week,
        week_start=dt.date.fromisocalendar(week[0], week[1], 1),
        top=await _top(session, guild_id, since, now),
        new_venues=[NewVenue(v.name, v.city, v.kind) for v in fresh],
        new_venue_count=await stats.count_new_venues(guild_id, since),
        routines=await _routines(session, config, since, now),
        irl_hours=figures.irl_hours,
        irl_members=figures.irl_members,
        streaks=[(m, n) for m, n in kept if m in public][:STREAKS],
        history=figures.history,
        quotes=[(member if member in public else None, text) for member, text in quoted],
        last_week=await last_week(session, guild_id, now),
    )


async def _top(
    session: AsyncSession, guild_id: int, since: dt.datetime, now: dt.datetime
) -> list[TopVenue]:
    """The best places this week: the RIT over recent ratings, fading with their age, so
    the list follows what members lived lately."""
    best = await (await Scorer.of(session, guild_id)).recent(now, limit=TOP_VENUES)
    new_counts = await StatsRepository(session).new_ratings(guild_id, since)
    venues = await VenueRepository(session).many(guild_id, [s.venue_id for s in best])
    return [
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


async def _routines(
    session: AsyncSession, config: GuildConfig, since: dt.datetime, now: dt.datetime
) -> list[RoutineLine]:
    """This week's occurrences, most going first (a skipped date left out), then the
    routines paused since the last digest, so each pause is told once."""
    guild_id = config.guild_id
    repository = RoutineRepository(session)
    routines = await repository.find_all(guild_id, limit=ROUTINES)
    known = await repository.occurrences_between(guild_id, now, now + dt.timedelta(days=7))
    joined: dict[int, list[int]] = defaultdict(list)
    newcomers = await repository.joined_since(guild_id, since)
    public = await ProfileRepository(session).public_among(guild_id, (m for _, m in newcomers))
    for routine_id, member_id in newcomers:
        if member_id in public:
            joined[routine_id].append(member_id)
    going: list[RoutineLine] = []
    paused: list[RoutineLine] = []
    for r in routines:
        line = RoutineLine(
            r.weekday,
            r.local_time,
            r.venue_name,
            r.title,
            len(r.members),
            tuple(joined.get(r.id, ())),
            routine_id=r.id,
        )
        if r.paused_at is not None:
            if since < r.paused_at <= now:
                paused.append(dataclasses.replace(line, paused=True))
            continue
        starts_at = next_start(r.weekday, r.local_time, config.zone, now)
        status, count = known.get((r.id, starts_at), ("scheduled", 0))
        if status != "cancelled":
            going.append(dataclasses.replace(line, starts_at=starts_at, going=count))
    going.sort(key=lambda line: (-line.going, line.starts_at or now, line.routine_id))
    return going + paused


async def _kept_streaks(
    session: AsyncSession, guild_id: int, week: IsoWeek
) -> list[tuple[int, int]]:
    """The current streaks of kept commitments, longest first."""
    found = await kept_streaks(CommitmentRepository(session), guild_id, week)
    ranked = sorted(
        ((m, current) for m, (current, _) in found.items()), key=lambda s: (-s[1], s[0])
    )
    return [(m, n) for m, n in ranked if n > 0]


def _iso_week(day: dt.date) -> IsoWeek:
    year, number, _ = day.isocalendar()
    return (year, number)


class VisitFigures(NamedTuple):
    irl_hours: float
    irl_members: int
    history: list[tuple[IsoWeek, float]]


def _visit_figures(visits: Sequence[VisitRow], today: dt.date) -> VisitFigures:
    """The week's hours and members, and the weekly hours of the last HISTORY_WEEKS weeks
    (oldest first)."""
    week_visits = [v for v in visits if today - dt.timedelta(days=6) <= v.visited_on <= today]
    hours_by_week: dict[IsoWeek, float] = defaultdict(float)
    for v in visits:
        hours_by_week[_iso_week(v.visited_on)] += v.hours
    history = [
        (w, hours_by_week.get(w, 0.0))
        for w in (
            _iso_week(today - dt.timedelta(weeks=back)) for back in range(HISTORY_WEEKS - 1, -1, -1)
        )
    ]
    return VisitFigures(
        irl_hours=sum(v.hours for v in week_visits),
        irl_members=len({v.member_id for v in week_visits}),
        history=history,
    )
