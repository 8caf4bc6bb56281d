"""What the weekly digest reports: gathered from the database in one read."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.commitments import kept_streaks, weeks_back
from bot.domain.digest_compose import DigestData, NewVenue, RoutineLine, TopVenue
from bot.domain.digest_last_week import last_week
from bot.domain.guild_config import GuildConfig
from bot.domain.ranking import GuildPrior, Score, VenueSums, score_sums
from bot.domain.routine_base import next_start
from bot.domain.schedule import IsoWeek, week_of
from bot.domain.scores import HALF_LIFE_DAYS, RECENT_DAYS, rank_order
from db.repositories import ProfileRepository, RoutineRepository, VisitRow
from db.repositories.commitments import CommitmentRepository
from db.repositories.digest_answers import DigestAnswerRepository, PendingQuote
from db.repositories.digest_reads import DigestReads, RecentBest

TOP_VENUES = 5
NEW_VENUES = 5
#: Routines read for the digest's gatherings (the composition cuts with "and N more").
ROUTINES = 500
STREAKS = 3
QUOTES = 2
#: Answers agreed to be quoted are taken from this many weeks' threads back, so an answer
#: given after the next digest was posted is quoted in the one after it.
QUOTE_WEEKS = 4
HISTORY_WEEKS = 8


async def gather_digest(session: AsyncSession, config: GuildConfig, now: dt.datetime) -> DigestData:
    """Everything the digest reports, for the week ending `now`, in one read: a statement
    per section, and the check of public profiles once for every member it could name."""
    guild_id = config.guild_id
    since = now - dt.timedelta(days=7)
    today = now.astimezone(config.zone).date()
    week = week_of(now, config.zone)
    reads = DigestReads(session)
    fresh, fresh_count = await reads.new_venues(guild_id, since, NEW_VENUES)
    first_week = today - dt.timedelta(weeks=HISTORY_WEEKS)
    figures = _visit_figures(await reads.visits(guild_id, first_week), today)
    quoted = await DigestAnswerRepository(session).pending_quotes(
        guild_id, weeks_back(week, QUOTE_WEEKS), week, QUOTES
    )
    routines, newcomers, any_routine = await _routines(session, config, since, now)
    # Without a routine there is no occurrence, so no commitment and no past gathering.
    kept = await _kept_streaks(session, guild_id, week) if any_routine else []
    # The digest names only members who made their profile public (private is the default).
    public = await ProfileRepository(session).public_among(
        guild_id,
        [m for m, _ in kept] + [q.member_id for q in quoted] + [m for _, m in newcomers],
    )
    joined: dict[int, list[int]] = defaultdict(list)
    for routine_id, member_id in newcomers:
        if member_id in public:
            joined[routine_id].append(member_id)
    return DigestData(
        week=week,
        week_start=dt.date.fromisocalendar(week[0], week[1], 1),
        top=await _top(session, guild_id, since, now),
        new_venues=[NewVenue(v.name, v.city, v.kind) for v in fresh],
        new_venue_count=fresh_count,
        routines=[
            dataclasses.replace(line, joined=tuple(joined.get(line.routine_id, ())))
            for line in routines
            if not line.paused
        ],
        paused=[line for line in routines if line.paused],
        irl_hours=figures.irl_hours,
        irl_members=figures.irl_members,
        streaks=[(m, n) for m, n in kept if m in public][:STREAKS],
        history=figures.history,
        quotes=[_quote(q, public) for q in quoted],
        quote_ids=tuple(q.answer_id for q in quoted),
        last_week=await last_week(session, guild_id, now) if any_routine else [],
    )


def _quote(quote: PendingQuote, public: set[int]) -> tuple[int | None, str]:
    return (quote.member_id if quote.member_id in public else None, quote.text)


def _score(best: RecentBest, prior: GuildPrior) -> Score:
    sums = VenueSums(best.raters, best.weight, best.weight_value, best.weight_log_hours)
    return score_sums(best.venue_id, sums, prior)


async def _top(
    session: AsyncSession, guild_id: int, since: dt.datetime, now: dt.datetime
) -> list[TopVenue]:
    """The best places this week: the RIT over recent ratings, fading with their age, so
    the list follows what members lived lately. The database sums and ranks them; the few
    it returns are scored here exactly as everywhere else."""
    reads = DigestReads(session)
    sums = await reads.prior(guild_id)
    prior = GuildPrior.of_sums(sums.count, sums.value_sum, sums.value_squares, sums.hours)
    found = await reads.best_recent(
        guild_id,
        rank_order(prior),
        now,
        since=now - dt.timedelta(days=RECENT_DAYS),
        half_life_days=HALF_LIFE_DAYS,
        new_since=since,
        limit=TOP_VENUES * 2,
    )
    by_id = {best.venue_id: best for best in found}
    ranked = sorted((_score(best, prior) for best in found), key=Score.sort_key)
    return [
        TopVenue(
            s.venue_id,
            by_id[s.venue_id].name,
            by_id[s.venue_id].city,
            s.rit,
            s.ratings,
            by_id[s.venue_id].new_ratings,
        )
        for s in ranked[:TOP_VENUES]
    ]


async def _routines(
    session: AsyncSession, config: GuildConfig, since: dt.datetime, now: dt.datetime
) -> tuple[list[RoutineLine], list[tuple[int, int]], bool]:
    """This week's occurrences, most going first (a skipped date left out), then the
    routines paused since the last digest, so each pause is told once; who joined a
    routine since the last digest (routine id, member id); and whether the guild has any
    routine at all."""
    guild_id = config.guild_id
    found = await DigestReads(session).routines(guild_id, ROUTINES)
    routines = [r for r in found if r.active]
    if not routines:
        return [], [], bool(found)
    repository = RoutineRepository(session)
    known = await repository.occurrences_between(guild_id, now, now + dt.timedelta(days=7))
    newcomers = await repository.joined_since(guild_id, since)
    going: list[RoutineLine] = []
    paused: list[RoutineLine] = []
    for r in routines:
        line = RoutineLine(
            r.weekday, r.local_time, r.venue, r.title, r.members, (), routine_id=r.id
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
    return going + paused, newcomers, True


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
