"""Digest claims, routines and profiles on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt

import icalendar
import pytest
from sqlalchemy.exc import OperationalError

from bot.domain.digest import (
    MAX_ATTEMPTS,
    DigestFailure,
    DigestPosted,
    DigestService,
    failure_text,
)
from bot.domain.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from bot.domain.guilds import GuildService
from bot.domain.profiles import ProfileService
from bot.domain.ratings import RatingService, validate_rating
from bot.domain.routines import RoutineService
from bot.domain.venues import VenueService, validate_proposal
from bot.domain.visits import VisitService
from bot.domain.votes import VoteService
from db.engine import Database
from db.repositories import DigestRunRecord, sql

GUILD, OTHER = 111_111_111_111_111_111, 222_222_222_222_222_222
ALICE, BOB, CAROL = 10_000_000_000_000_001, 10_000_000_000_000_002, 10_000_000_000_000_003
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)  # Wednesday, ISO week 2026-W48
WEEK = (2026, 48)


async def venue(db: Database, name: str = "Café", city: str = "Paris"):
    draft = validate_proposal(name=name, kind="meetup", city=city)
    return await VenueService(db).propose(GUILD, ALICE, draft)


async def test_one_claim_per_guild_and_week_among_concurrent_claimers(
    database_url: str,
) -> None:
    """Several processes (here, engines) claim the same week at once: one wins."""
    databases = [Database(database_url) for _ in range(4)]
    try:
        results = await asyncio.gather(
            *(DigestService(db).claim(GUILD, WEEK, NOW) for db in databases for _ in range(3)),
            return_exceptions=True,
        )
    finally:
        for db in databases:
            await db.dispose()
    # Under SQLite a claimer may give up waiting for the lock: it then simply did not claim.
    assert all(not isinstance(r, Exception) or isinstance(r, OperationalError) for r in results)
    assert sum(1 for r in results if isinstance(r, DigestRunRecord)) == 1


async def test_posted_week_is_never_claimed_again(db: Database) -> None:
    service = DigestService(db)
    run = await service.claim(GUILD, WEEK, NOW)
    assert run is not None
    await service.record(run, DigestPosted(5, 6, (1, 2)), NOW)
    later = NOW + dt.timedelta(days=2)
    assert await service.claim(GUILD, WEEK, later) is None
    assert await service.claim(GUILD, WEEK, later, manual=True) is None
    assert await service.claim(OTHER, WEEK, NOW) is not None
    assert await service.claim(GUILD, (2026, 49), later) is not None


async def test_failed_attempts_back_off_then_stop(db: Database) -> None:
    service = DigestService(db)
    now = NOW
    attempts = 0
    for _ in range(MAX_ATTEMPTS + 2):
        run = await service.claim(GUILD, WEEK, now)
        if run is None:
            now += dt.timedelta(hours=1)
            continue
        attempts += 1
        exhausted = await service.record(
            run,
            DigestFailure.discord(403, 50013, "Missing Permissions"),
            now,
            retry_after=dt.timedelta(minutes=5),
        )
        assert exhausted == (attempts == MAX_ATTEMPTS)
        assert await service.claim(GUILD, WEEK, now) is None  # backing off
        now += dt.timedelta(hours=1)
    assert attempts == MAX_ATTEMPTS
    status = await service.status(GUILD, NOW)
    assert status.latest is not None and status.latest.last_error == "403 Missing Permissions"
    # An admin can still send it by hand once the cause is fixed.
    assert await service.claim(GUILD, WEEK, now, manual=True) is not None


async def test_an_unfinished_claim_is_retried_after_its_lease(db: Database) -> None:
    service = DigestService(db)
    assert await service.claim(GUILD, WEEK, NOW) is not None  # the process died here
    assert await service.claim(GUILD, WEEK, NOW + dt.timedelta(minutes=1)) is None
    assert await service.claim(GUILD, WEEK, NOW + dt.timedelta(minutes=11)) is not None


async def test_due_guilds_follow_their_schedule(db: Database) -> None:
    service = DigestService(db)
    before = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
    await service.configure(
        GUILD, channel_id=5, weekday=0, hour=9, timezone="Europe/Paris", now=before
    )
    await service.configure(OTHER, channel_id=6, weekday=4, hour=9, now=before)
    due = await service.due([GUILD, OTHER], NOW)
    assert [(guild, d.week) for guild, d in due] == [(GUILD, WEEK)]
    assert await service.due([OTHER], NOW) == []
    run = await service.claim(GUILD, WEEK, NOW)
    assert run is not None
    await service.record(run, DigestPosted(5, 7, ()), NOW)
    assert await service.due([GUILD], NOW) == []
    assert await service.disable(GUILD)
    assert await service.due([GUILD], NOW + dt.timedelta(days=7)) == []


async def test_due_reads_many_guilds_in_chunks_and_each_guilds_own_week(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Five guilds read two at a time; one of them is already in next week (UTC+14)."""
    monkeypatch.setattr(sql, "CHUNK", 2)
    service = DigestService(db)
    sunday = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)  # Monday 02:00 at Kiritimati
    guilds = [GUILD + i for i in range(5)]
    for guild in guilds[:4]:
        await service.configure(guild, channel_id=5, weekday=6, hour=9, now=NOW)
    await service.configure(
        guilds[4], channel_id=5, weekday=0, hour=1, timezone="Pacific/Kiritimati", now=NOW
    )
    due = await service.due([*guilds, OTHER], sunday)
    assert sorted((guild, d.week) for guild, d in due) == [
        *((guild, WEEK) for guild in guilds[:4]),
        (guilds[4], (2026, 49)),
    ]
    run = await service.claim(guilds[4], (2026, 49), sunday)
    assert run is not None
    await service.record(run, DigestPosted(5, 8, ()), sunday)
    assert [guild for guild, _ in await service.due(guilds, sunday)] == guilds[:4]


async def test_a_failure_reads_in_the_readers_language(db: Database) -> None:
    service = DigestService(db)
    await service.configure(GUILD, channel_id=5, weekday=0, hour=9, now=NOW)
    failures = [
        DigestFailure.refused(DomainError("error.digest_not_set_up")),
        DigestFailure.refused(
            DomainError(
                "error.bot_missing_permissions", channel="<#5>", permissions=["embed_links"]
            )
        ),
        DigestFailure.refused(DomainError("error.digest_channel_gone")),
        DigestFailure.discord(403, 50013, "Missing Permissions"),
        DigestFailure.discord(502, 0, "Bad Gateway"),
    ]
    seen = []
    for week, failure in enumerate(failures, 40):
        run = await service.claim(GUILD, (2026, week), NOW)
        assert run is not None
        await service.record(run, failure, NOW)
        latest = (await service.status(GUILD, NOW)).latest
        assert latest is not None and latest.week == (2026, week)
        seen.append((failure_text("en", latest), failure_text("fr", latest)))
    assert seen == [
        ("the digest was turned off", "le récapitulatif a été désactivé"),
        (
            "the bot lacks a permission in the digest channel",
            "il manque une permission au bot dans le salon du récapitulatif",
        ),
        ("the digest channel no longer exists", "le salon du récapitulatif n'existe plus"),
        ("403 Missing Permissions", "403 : il manque des permissions au bot"),
        ("502 error from Discord", "erreur 502 de Discord"),
    ]
    assert latest.last_error == "502 Bad Gateway"  # what the logs say


async def test_digest_votes_follow_the_numbers(db: Database) -> None:
    first, second = await venue(db, "Un"), await venue(db, "Deux")
    service = DigestService(db)
    run = await service.claim(GUILD, WEEK, NOW)
    assert run is not None
    await service.record(run, DigestPosted(5, 99, (second.id, first.id)), NOW)
    service = VoteService(db)  # type: ignore[assignment]
    assert await service.record_vote(GUILD, 99, BOB, "1️⃣", added=True) is True
    assert await service.record_vote(GUILD, 99, BOB, "1️⃣", added=True) is False
    assert await service.record_vote(GUILD, 99, BOB, "3️⃣", added=True) is False
    assert await service.record_vote(GUILD, 99, ALICE, "2️⃣", added=True) is False  # proposer
    assert await service.record_vote(GUILD, 98, BOB, "1️⃣", added=True) is None
    details = await VenueService(db).details(GUILD, second.id)
    assert details.upvotes == 1
    assert await service.record_vote(GUILD, 99, BOB, "1️⃣", added=False) is True


async def test_gather_reports_the_week(db: Database) -> None:
    cafe = await venue(db, "Café")
    await RatingService(db).rate(
        GUILD, cafe.id, BOB, validate_rating(worth=5, hours=2), now=NOW - dt.timedelta(days=1)
    )
    visits = VisitService(db)
    for day, member in [(1, BOB), (2, CAROL), (8, BOB), (15, BOB)]:
        await visits.log(
            GUILD,
            cafe.id,
            member,
            date=(NOW - dt.timedelta(days=day)).date().isoformat(),
            hours="2",
            now=NOW,
        )
    routine = await RoutineService(db).create(
        GUILD, cafe.id, BOB, weekday=0, time="18:30", title=None, now=NOW
    )
    await RoutineService(db).join(GUILD, routine.id, CAROL)
    for member in (BOB, CAROL):  # the digest names only public profiles
        await ProfileService(db).set_public(GUILD, member, True)
    data = await DigestService(db).gather(GUILD, NOW)
    assert data.week == WEEK
    assert [(v.name, v.new_ratings) for v in data.top] == [("Café", 1)]
    assert data.new_venue_count == 1
    assert data.irl_hours == 4.0 and data.irl_members == 2
    # Visits alone keep no commitment: the streaks count kept commitments only
    # (tests/e2e/test_digest_commitment.py).
    assert data.streaks == []
    assert data.routines[0].members == 2
    assert set(data.routines[0].joined) == {BOB, CAROL}
    assert data.history[-1] == (WEEK, 4.0)
    assert len(data.history) == 8


async def test_routines_create_join_leave_and_refusals(db: Database) -> None:
    cafe = await venue(db)
    routines = RoutineService(db)
    created = await routines.create(
        GUILD, cafe.id, BOB, weekday=0, time="18h30", title="Lundi code"
    )
    assert created.local_time == dt.time(18, 30) and created.members == (BOB,)
    with pytest.raises(Conflict):
        await routines.create(GUILD, cafe.id, CAROL, weekday=0, time="18:30", title=None)
    for time in ("25:00", "1830", "soon"):
        with pytest.raises(InvalidInput):
            await routines.create(GUILD, cafe.id, BOB, weekday=1, time=time, title=None)
    routine, joined = await routines.join(GUILD, created.id, CAROL)
    assert joined and routine.id == created.id
    assert not (await routines.join(GUILD, created.id, CAROL))[1]
    with pytest.raises(NotFound):
        await routines.join(OTHER, created.id, CAROL)
    with pytest.raises(NotFound):
        await routines.resolve(GUILD, "not a routine")
    assert (await routines.leave(GUILD, created.id, CAROL))[1]
    assert [r.id for r in await routines.find_all(GUILD, BOB)] == [created.id]
    assert await routines.find_all(GUILD, CAROL) == []
    assert [r.id for r in await routines.autocomplete(GUILD, "caf")] == [created.id]


async def test_calendar_is_weekly_in_the_guild_zone(db: Database) -> None:
    cafe = await venue(db)
    await GuildService(db).update(GUILD, timezone="Europe/Paris")
    routines = RoutineService(db)
    routine = await routines.create(
        GUILD, cafe.id, BOB, weekday=3, time="19:00", title="Jeudi tech"
    )
    with pytest.raises(NotFound):
        await routines.calendar(GUILD, CAROL)
    data = await routines.calendar(GUILD, BOB, now=NOW)
    calendar = icalendar.Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert str(event["summary"]) == "Jeudi tech"
    assert start.tzinfo is not None and str(start.tzinfo) == "Europe/Paris"
    assert (start.date(), start.time()) == (dt.date(2026, 11, 26), dt.time(19, 0))
    assert event["rrule"]["FREQ"] == ["WEEKLY"] and event["rrule"]["BYDAY"] == ["TH"]
    assert event.decoded("duration") == dt.timedelta(hours=2)
    assert calendar.walk("VTIMEZONE"), "the file carries its time zone"
    # After the DST change in March the local hour is still 19:00.
    occurrence = start + dt.timedelta(weeks=18)
    assert occurrence.astimezone(start.tzinfo).hour == 19
    assert routine.id


async def test_profile_hours_streaks_and_privacy(db: Database) -> None:
    cafe = await venue(db)
    await RatingService(db).rate(GUILD, cafe.id, BOB, validate_rating(worth=4, hours=2))
    await GuildService(db).update(GUILD, visit_days_back=60)
    visits = VisitService(db)
    for days in (0, 7, 14, 40):
        await visits.log(
            GUILD,
            cafe.id,
            BOB,
            date=(NOW - dt.timedelta(days=days)).date().isoformat(),
            hours="1.5",
            now=NOW,
        )
    profiles = ProfileService(db)
    mine = await profiles.profile(GUILD, BOB, viewer_id=BOB, now=NOW)
    assert mine.hours_overall == 6.0 and mine.visits == 4
    assert mine.hours_this_month == 4.5  # 25, 18 and 11 November
    # Weeks of visits are no kept commitments: the streak counts those only.
    assert (mine.current_streak, mine.best_streak) == (0, 0)
    assert mine.last_good_moment == ("Café", NOW.date())
    assert mine.ratings == 1
    with pytest.raises(Forbidden):
        await profiles.profile(GUILD, BOB, viewer_id=CAROL, now=NOW)
    await profiles.set_public(GUILD, BOB, True)
    assert (await profiles.profile(GUILD, BOB, viewer_id=CAROL, now=NOW)).public
    empty = await profiles.profile(GUILD, CAROL, viewer_id=CAROL, now=NOW)
    assert (empty.hours_overall, empty.current_streak, empty.last_good_moment) == (0, 0, None)
