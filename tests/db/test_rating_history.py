"""Ratings as a history, and the ranking's sums kept as they are written: always equal to a
full recomputation from the ratings themselves, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import random

import pytest

from bot.domain import scores
from bot.domain import search as search_module
from bot.domain.privacy import PrivacyService
from bot.domain.ranking import GuildPrior, RatingSample, Score, score
from bot.domain.ratings import RatingService, validate_rating
from bot.domain.scores import GuildScores, Scorer
from bot.domain.search import SearchService
from bot.domain.venues import VenueService, validate_proposal
from bot.domain.visits import VisitService
from db.engine import Database
from db.repositories import RatingRepository, RatingStatsRepository, VenueRepository
from db.search import VenueFilter

GUILD = 111_111_111_111_111_111
PROPOSER = 10_000_000_000_000_001
NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)


async def _venue(db: Database, name: str, city: str = "Paris", kind: str = "meetup") -> int:
    draft = validate_proposal(name=name, kind=kind, city=city)
    return (await VenueService(db).propose(GUILD, PROPOSER, draft)).id


async def _full(db: Database) -> GuildScores:
    async with db.read() as session:
        return GuildScores.of(await RatingRepository(session).rows(GUILD))


def _close(a: Score, b: Score) -> bool:
    return (
        abs(a.rit - b.rit) < 1e-6
        and abs(a.worth - b.worth) < 1e-6
        and abs(a.hours - b.hours) < 1e-6
        and a.ratings == b.ratings
    )


async def _check(db: Database, venues: list[int]) -> None:
    full = await _full(db)
    async with db.read() as session:
        scorer = await Scorer.of(session, GUILD)
        kept = scorer.prior
        assert abs(kept.worth - full.prior.worth) < 1e-9
        assert abs(kept.spread - full.prior.spread) < 1e-9
        assert kept.hours == full.prior.hours
        scores = await scorer.scores(venues)
        best = await scorer.best(limit=1000)
        best_three = await scorer.best(limit=3)
        since = NOW - dt.timedelta(days=7)
        recent = {s.venue_id: s for s in await scorer.since(since, limit=1000)}
        recent_rows = await RatingRepository(session).rows(GUILD, since=since)
    rated = set(full.samples)
    for venue_id in rated:
        assert _close(scores[venue_id], full.score(venue_id)), venue_id
    expected = full.rank()
    assert [s.venue_id for s in best] == [s.venue_id for s in expected]
    assert [s.venue_id for s in best_three] == [s.venue_id for s in expected[:3]]
    period = GuildScores.of(recent_rows)
    assert set(recent) == set(period.samples)
    assert [s.venue_id for s in await _since(db, since)] == [
        s.venue_id
        for s in sorted(
            (score(v, period.samples[v], full.prior) for v in period.samples),
            key=Score.sort_key,
        )
    ]
    for venue_id, found in recent.items():
        want = score(venue_id, period.samples[venue_id], full.prior)
        assert abs(found.rit - want.rit) < 1e-6
        assert found.ratings == period.raters[venue_id]


async def _check_periods(db: Database, moments: list[dt.datetime]) -> None:
    """The week and the month from their kept sums, read at each moment (before, at and
    after the kept start), are exactly the ones summed from the ratings."""
    full = await _full(db)
    for moment in moments:
        for days in (7, 30):
            since = moment - dt.timedelta(days=days)
            async with db.read() as session:
                kept = await (await Scorer.of(session, GUILD)).period(days, moment, limit=1000)
                top_three = await (await Scorer.of(session, GUILD)).period(days, moment, limit=3)
                meetups = await (await Scorer.of(session, GUILD)).period(
                    days, moment, where=VenueFilter(kind="meetup"), limit=1000
                )
                rows = await RatingRepository(session).rows(GUILD, since=since)
                kinds = {
                    v.id: v.kind
                    for v in (
                        await VenueRepository(session).by_ids([r.venue_id for r in rows])
                    ).values()
                }
            period = GuildScores.of(rows)
            want = sorted(
                (score(v, period.samples[v], full.prior) for v in period.samples),
                key=Score.sort_key,
            )
            assert [s.venue_id for s in kept] == [s.venue_id for s in want], (moment, days)
            assert [s.venue_id for s in top_three] == [s.venue_id for s in want[:3]]
            assert [s.venue_id for s in meetups] == [
                s.venue_id for s in want if kinds[s.venue_id] == "meetup"
            ], (moment, days)
            for found, expected in zip(kept, want, strict=True):
                assert abs(found.rit - expected.rit) < 1e-6
                assert found.ratings == period.raters[found.venue_id]


async def _since(db: Database, since: dt.datetime) -> list[Score]:
    async with db.read() as session:
        return await (await Scorer.of(session, GUILD)).since(since, limit=1000)


@pytest.mark.parametrize(("seed", "snapshot_drift"), [(1, 0.05), (2, 0.05), (3, 100.0)])
async def test_kept_sums_equal_a_full_recomputation_on_random_data(
    db: Database, seed: int, snapshot_drift: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the usual drift allowed before a new snapshot, and with a snapshot never
    taken again after the first rating (the best venues still come out exactly)."""
    monkeypatch.setattr(scores, "SNAPSHOT_DRIFT", snapshot_drift)
    rng = random.Random(seed)
    ratings, visits = RatingService(db), VisitService(db)
    names = ["Alpha", "Bistrot", "Cordée", "Dojo", "Escale", "Fabrique", "Grenier", "Halle"]
    venues = [await _venue(db, name, kind=rng.choice(["meetup", "afterwork"])) for name in names]
    members = [20_000 + i for i in range(10)]
    live = list(venues)
    for step in range(120):
        venue_id, member = rng.choice(live), rng.choice(members)
        moment = NOW - dt.timedelta(days=rng.randrange(30), hours=step % 24)
        if rng.random() < 0.2:
            await visits.log(GUILD, venue_id, member, date=None, hours=None, now=moment)
        answer = validate_rating(
            worth=rng.randint(1, 5),
            hours=rng.choice([0.5, 1.0, 1.5, 2.0, 3.0, 8.0]),
            substance=rng.choice([None, 1, 3, 5]),
            connections=rng.choice([None, 2, 4]),
        )
        await ratings.rate(GUILD, venue_id, member, answer, now=moment)
        if step == 60:
            await VenueService(db).remove(GUILD, live.pop(0), PROPOSER, None, is_moderator=True)
            await PrivacyService(db).erase(members[0])
            await _check(db, venues)
            await _check_periods(db, [NOW])
    await _check(db, venues)
    hours = dt.timedelta(hours=1)
    await _check_periods(db, [NOW - 3 * hours, NOW, NOW + 5 * hours, NOW + 9 * 24 * hours])


async def test_rating_again_keeps_history_and_unchanged_answers(db: Database) -> None:
    venue_id = await _venue(db, "Café des Devs")
    service = RatingService(db)
    first = validate_rating(worth=5, hours=2, substance=4, connections=5, comment="Du fond")
    created = await service.rate(GUILD, venue_id, 30_001, first, now=NOW)
    again = await service.rate(
        GUILD, venue_id, 30_001, validate_rating(worth=4, hours=3), now=NOW + dt.timedelta(days=1)
    )
    assert created.created and not again.created
    last = await service.last_answers(GUILD, venue_id, 30_001)
    assert last is not None
    assert (last.worth, last.hours, last.substance, last.connections, last.comment) == (
        4,
        3.0,
        4,
        5,
        "Du fond",
    )
    async with db.read() as session:
        history = await RatingRepository(session).history(venue_id, 30_001)
    assert [entry.worth for entry in history] == [4, 5]
    newest, older = history
    assert newest.latest and not older.latest
    assert newest.weight == 2 * older.weight  # the older experience fades
    assert again.score.ratings == 1  # one member


async def test_a_logged_visit_gives_its_rating_more_weight(db: Database) -> None:
    venue_id = await _venue(db, "Café des Devs")
    await VisitService(db).log(GUILD, venue_id, 30_001, date=None, hours="2", now=NOW)
    service = RatingService(db)
    await service.rate(GUILD, venue_id, 30_001, validate_rating(worth=4, hours=2), now=NOW)
    await service.rate(GUILD, venue_id, 30_002, validate_rating(worth=4, hours=2), now=NOW)
    async with db.read() as session:
        visited = (await RatingRepository(session).history(venue_id, 30_001))[0]
        not_visited = (await RatingRepository(session).history(venue_id, 30_002))[0]
    assert (visited.tier, not_visited.tier) == ("visit", "none")
    assert visited.visit_id is not None and visited.weight > not_visited.weight


async def test_top_of_a_period_counts_only_its_ratings(db: Database) -> None:
    old, new = await _venue(db, "Ancien"), await _venue(db, "Nouveau")
    service = RatingService(db)
    for member in range(5):
        answer = validate_rating(worth=5, hours=2)
        await service.rate(GUILD, old, 40_000 + member, answer, now=NOW - dt.timedelta(days=40))
    await service.rate(GUILD, new, 40_100, validate_rating(worth=3, hours=2), now=NOW)
    search = SearchService(db)
    week = await search.top(GUILD, period="week", now=NOW)
    every = await search.top(GUILD, period="all", now=NOW)
    assert [hit.venue.id for hit in week] == [new]
    assert [hit.venue.id for hit in every] == [old, new]
    assert GuildPrior.of([RatingSample(5, 2)]).hours == 2.0


async def test_concurrent_ratings_in_one_guild_all_count(db: Database) -> None:
    """Writers of one guild's sums queue on its prior (no deadlock on PostgreSQL, where
    nearly every rating of a small guild takes a new snapshot)."""
    names = ["Alpha", "Bistrot", "Cordée", "Dojo"]
    venues = [await _venue(db, name) for name in names]
    service = RatingService(db)

    async def rate(i: int) -> None:
        answer = validate_rating(worth=1 + i % 5, hours=1 + i % 3)
        await service.rate(GUILD, venues[i % 4], 50_000 + i, answer, now=NOW)

    await asyncio.gather(*(rate(i) for i in range(16)))
    await _check(db, venues)
    async with db.read() as session:
        assert len(await RatingRepository(session).rows(GUILD)) == 16


async def test_the_snapshot_walk_reads_further_through_ties(db: Database) -> None:
    """Twelve venues rated alike tie on the snapshot index, and the best two of them are
    the oldest: the walk reads a few times the venues asked for, finds them all still
    within reach of the last, and reads further until it has every one, all time as for
    the week and the month."""
    draft = [
        validate_proposal(name=f"Lieu {index}", kind="meetup", city="Paris") for index in range(12)
    ]
    proposing = VenueService(db)
    venues = [(await proposing.propose(GUILD, 70_000 + i, d)).id for i, d in enumerate(draft)]
    service = RatingService(db)
    for index, venue_id in enumerate(venues):
        answer = validate_rating(worth=4, hours=2)
        await service.rate(GUILD, venue_id, 60_000 + index, answer, now=NOW)
    await service.rate(GUILD, venues[5], 60_100, validate_rating(worth=2, hours=2), now=NOW)
    tied = sorted(set(venues) - {venues[5]})
    await _check(db, venues)
    await _check_periods(db, [NOW])
    async with db.read() as session:
        scorer = await Scorer.of(session, GUILD)
        assert [s.venue_id for s in await scorer.best(limit=2)] == tied[:2]
        for days in (7, 30):
            week = await scorer.period(days, NOW, limit=2)
            assert [s.venue_id for s in week] == tied[:2]


@pytest.mark.parametrize(("few", "results"), [(0, 3), (0, 100), (10_000, 3), (10_000, 100)])
async def test_search_by_rit_gives_the_full_order_with_unrated_venues_and_filters(
    db: Database, few: int, results: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the snapshot index walked (few = 0) or the matching venues ordered exactly,
    cut at 3 or not: the order a full recomputation gives, unrated venues included."""
    monkeypatch.setattr(scores, "FEW_MATCHES", few)
    monkeypatch.setattr(search_module, "RESULTS_MAX", results)
    rng = random.Random(7)
    made = {}
    for index, name in enumerate(["Alpha", "Bistrot", "Cordée", "Dojo", "Escale", "Fabrique"]):
        draft = validate_proposal(
            name=name,
            kind="meetup" if index % 2 else "afterwork",
            city="Paris" if index < 4 else "Lyon",
            tags="ia" if index % 3 == 0 else None,
        )
        made[name] = (await VenueService(db).propose(GUILD, PROPOSER, draft)).id
    ratings = RatingService(db)
    for step in range(30):
        venue_id = made[rng.choice(["Alpha", "Bistrot", "Cordée", "Escale"])]
        answer = validate_rating(worth=rng.randint(1, 5), hours=rng.choice([1, 2, 4]))
        await ratings.rate(GUILD, venue_id, 60_000 + step % 7, answer, now=NOW)
    full = await _full(db)
    async with db.read() as session:
        records = await VenueRepository(session).many(GUILD, list(made.values()))
    search = SearchService(db)
    for options in ({}, {"city": "Paris"}, {"kind": "meetup"}, {"tag": "ia"}, {"query": "do"}):
        hits = await search.search(GUILD, **options)
        matching = [
            v
            for v in records.values()
            if options.get("city", v.city) == v.city
            and options.get("kind", v.kind) == v.kind
            and ("tag" not in options or v.name in ("Alpha", "Dojo"))
            and ("query" not in options or v.name == "Dojo")
        ]
        want = sorted((full.score(v.id) for v in matching), key=Score.sort_key)[:results]
        assert [h.venue.id for h in hits] == [s.venue_id for s in want], options
        assert [h.score.ratings for h in hits] == [s.ratings for s in want]


async def test_a_rebuild_leaves_each_guild_ranked_as_kept_sums_would(db: Database) -> None:
    """After a bulk rebuild the guild has its snapshot, as a guild rating all along has
    (its reads walk the snapshot index, its next rating does not rank every venue), and
    every read still equals a full recomputation."""
    rng = random.Random(7)
    names = ["Alpha", "Bistrot", "Cordée", "Dojo", "Escale"]
    venues = [await _venue(db, name) for name in names]
    for step in range(40):
        answer = validate_rating(worth=rng.randint(1, 5), hours=rng.choice([1.0, 2.0, 4.0]))
        moment = NOW - dt.timedelta(days=rng.randrange(20), hours=step)
        await RatingService(db).rate(
            GUILD, rng.choice(venues), 30_000 + step % 7, answer, now=moment
        )
    async with db.write() as session:
        await scores.rebuild_rankings(session, now=NOW)
    async with db.read() as session:
        state = await RatingStatsRepository(session).state(GUILD)
    assert state.snapshot is not None
    assert scores.drift(state.snapshot, scores.rank_order(scores.prior_of(state.sums))) == 0
    await _check(db, venues)
    await _check_periods(db, [NOW])
