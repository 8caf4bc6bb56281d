"""Upgrading a database that holds data: nothing is lost, derived columns are filled."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.domain.ratings import RatingService, validate_rating
from bot.domain.search import SearchService
from bot.domain.votes import VoteEvent, VoteService
from db.engine import Database
from db.migrate import upgrade_sync
from tests.db.raw_sql import execute

NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)


async def _scalar(url: str, sql: str) -> object:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(text(sql))).scalar()
    finally:
        await engine.dispose()


def test_upgrade_from_the_first_migration_keeps_everything(empty_database_url: str) -> None:
    url = empty_database_url
    upgrade_sync(url, "0001")
    venue = (
        "INSERT INTO venue (id, guild_id, name, normalized_name, kind, city, description, "
        "proposer_id, status, created_at, updated_at, announcement_message_id) VALUES "
        "(1, 7, 'Café des Devs', 'cafe des devs', 'meetup', 'Montréal', 'Des développeurs', "
        "3, 'active', :now, :now, 99)"
    )
    statements = [
        (venue, {"now": NOW}),
        ("INSERT INTO venue_tag (venue_id, tag, guild_id, position) VALUES (1, 'rust', 7, 0)", {}),
        *[
            (
                "INSERT INTO vote (guild_id, venue_id, member_id, value, created_at) "
                "VALUES (7, 1, :m, :v, :now)",
                {"m": m, "v": v, "now": NOW},
            )
            for m, v in [(10, 1), (11, 1), (12, -1)]
        ],
        (
            "INSERT INTO rating (guild_id, venue_id, member_id, worth, hours, show_author, "
            "created_at, updated_at) VALUES (7, 1, 10, 4, 2.0, :no, :now, :now)",
            {"now": NOW, "no": False},
        ),
        *[
            (
                "INSERT INTO visit (guild_id, venue_id, member_id, visited_on, hours, created_at) "
                "VALUES (7, 1, 10, :day, :h, :now)",
                {"h": h, "now": NOW, "day": dt.date(2026, 10, 1)},
            )
            for h in (1.0, 3.0)
        ],
    ]
    asyncio.run(execute(url, *statements))

    upgrade_sync(url)

    assert asyncio.run(_scalar(url, "SELECT count(*) FROM vote")) == 3
    # Each vote stands on its reaction on the venue's announcement, so removing it works.
    assert asyncio.run(_scalar(url, "SELECT count(*) FROM vote WHERE on_announcement")) == 3
    assert asyncio.run(_scalar(url, "SELECT count(*) FROM vote_reaction")) == 0
    assert asyncio.run(_scalar(url, "SELECT count(*) FROM rating")) == 1
    assert asyncio.run(_scalar(url, "SELECT net_votes FROM venue WHERE id = 1")) == 1
    assert asyncio.run(_scalar(url, "SELECT city_key FROM venue WHERE id = 1")) == "montreal"
    # Two visits the same day become the latest one.
    assert asyncio.run(_scalar(url, "SELECT count(*) FROM visit")) == 1
    assert asyncio.run(_scalar(url, "SELECT hours FROM visit")) == 3.0

    async def search() -> list[str]:
        db = Database(url)
        try:
            hits = await SearchService(db).search(7, query="developpeurs rust", city="montreal")
            return [hit.venue.name for hit in hits]
        finally:
            await db.dispose()

    assert asyncio.run(search()) == ["Café des Devs"]


def test_failed_digests_stored_as_text_get_their_message_key(empty_database_url: str) -> None:
    url = empty_database_url
    upgrade_sync(url, "0003")
    insert = (
        "INSERT INTO digest_run (id, guild_id, iso_year, iso_week, claimed_at, attempts, "
        "venue_ids, last_error) VALUES (:id, 7, 2026, :week, :now, 3, '[]', :error)"
    )
    errors = ["error.digest_not_set_up", "403 Missing Permissions", "500 Internal Server Error"]
    asyncio.run(
        execute(
            url,
            *(
                (insert, {"id": i, "week": i, "now": NOW, "error": e})
                for i, e in enumerate(errors, 1)
            ),
            (insert.replace(":error", "NULL"), {"id": 4, "week": 4, "now": NOW}),
        )
    )

    upgrade_sync(url)

    async def failures() -> list[tuple[object, ...]]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                rows = await connection.execute(
                    text(
                        "SELECT failure_key, failure_params, last_error FROM digest_run ORDER BY id"
                    )
                )
                return [tuple(row) for row in rows]
        finally:
            await engine.dispose()

    assert asyncio.run(failures()) == [
        ("digest.error.off", "{}", "error.digest_not_set_up"),
        ("digest.error.discord.missing_permissions", '{"status": 403}', "403 Missing Permissions"),
        ("digest.error.discord", '{"status": 500}', "500 Internal Server Error"),
        (None, None, None),
    ]


def test_votes_keep_their_reactions_when_the_announcement_ones_become_flags(
    empty_database_url: str,
) -> None:
    """Stored before 0023: Alice's 👍 and Dan's 👎 on the announcement, Bob's 1️⃣ on a
    digest, Carol's 👍 and 1️⃣ both. After the upgrade every vote still stands on what it
    stood on: removing Carol's 👍 keeps her vote (her 1️⃣ remains), the others' go."""
    url = empty_database_url
    upgrade_sync(url, "0020")
    alice, bob, carol, dan = 10, 11, 12, 13
    venue = (
        "INSERT INTO venue (id, guild_id, name, normalized_name, kind, city, city_key, "
        "description, proposer_id, status, created_at, updated_at, announcement_channel_id, "
        "announcement_message_id, search_text, net_votes) VALUES (1, 7, 'Café des Devs', "
        "'cafe des devs', 'meetup', 'Lyon', 'lyon', '', 3, 'active', :now, :now, 5, 99, "
        "'cafe des devs', 2)"
    )
    digest = (
        "INSERT INTO digest_run (id, guild_id, iso_year, iso_week, claimed_at, posted_at, "
        "message_id, channel_id, venue_ids, attempts) VALUES (1, 7, 2026, 44, :now, :now, 77, "
        "6, '[1]', 1)"
    )
    vote = (
        "INSERT INTO vote (guild_id, venue_id, member_id, value, created_at) "
        "VALUES (7, 1, :m, :v, :now)"
    )
    reaction = (
        "INSERT INTO vote_reaction (guild_id, message_id, member_id, emoji, venue_id, value, "
        "created_at) VALUES (7, :message, :m, :e, 1, :v, :now)"
    )
    asyncio.run(
        execute(
            url,
            (venue, {"now": NOW}),
            (digest, {"now": NOW}),
            *[
                (vote, {"m": m, "v": v, "now": NOW})
                for m, v in [(alice, 1), (bob, 1), (carol, 1), (dan, -1)]
            ],
            *[
                (reaction, {"message": message, "m": m, "e": e, "v": v, "now": NOW})
                for message, m, e, v in [
                    (99, alice, "👍", 1),
                    (77, bob, "1️⃣", 1),
                    (99, carol, "👍", 1),
                    (77, carol, "1️⃣", 1),
                    (99, dan, "👎", -1),
                ]
            ],
        )
    )

    upgrade_sync(url)

    async def remove_and_read() -> list[object]:
        db = Database(url)
        try:
            await VoteService(db).apply(
                [
                    VoteEvent(7, 99, alice, "👍", False),
                    VoteEvent(7, 77, bob, "1️⃣", False),
                    VoteEvent(7, 99, carol, "👍", False),
                    VoteEvent(7, 99, dan, "👎", False),
                ]
            )
            async with db.read() as session:
                rows = await session.execute(text("SELECT member_id, value FROM vote"))
                net = await session.scalar(text("SELECT net_votes FROM venue WHERE id = 1"))
                return [sorted(tuple(row) for row in rows), net]
        finally:
            await db.dispose()

    assert asyncio.run(remove_and_read()) == [[(carol, 1)], 1]


def test_answers_quoted_before_the_upgrade_are_never_quoted_again(
    empty_database_url: str,
) -> None:
    """The digest of week 11 quoted the first two answers to week 10's question agreed
    before it was posted; the others, and week 11's, are still to quote."""
    url = empty_database_url
    upgrade_sync(url, "0020")
    posted_11 = NOW + dt.timedelta(days=7)
    run = (
        "INSERT INTO digest_run (id, guild_id, iso_year, iso_week, claimed_at, posted_at, "
        "attempts, venue_ids) VALUES (:id, 7, 2026, :week, :at, :at, 1, '[]')"
    )
    answer = (
        "INSERT INTO digest_answer (id, guild_id, iso_year, iso_week, member_id, text, "
        "created_at, consented_at) VALUES (:id, 7, 2026, :week, :member, 'Un bon moment', "
        ":at, :consented)"
    )
    answers = [  # (week, agreed, minutes before week 11's digest)
        (10, True, 60),
        (10, True, 120),
        (10, True, 30),  # agreed third: the digest quoted two
        (10, True, -60),  # agreed after the digest was posted
        (10, False, 90),
        (11, True, -30),  # week 11's question: for week 12's digest
    ]
    asyncio.run(
        execute(
            url,
            (run, {"id": 1, "week": 10, "at": NOW}),
            (run, {"id": 2, "week": 11, "at": posted_11}),
            *(
                (
                    answer,
                    {
                        "id": i,
                        "week": week,
                        "member": 100 + i,
                        "at": NOW,
                        "consented": posted_11 - dt.timedelta(minutes=before) if agreed else None,
                    },
                )
                for i, (week, agreed, before) in enumerate(answers, 1)
            ),
        )
    )

    upgrade_sync(url)

    async def quoted() -> list[tuple[object, ...]]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                rows = await connection.execute(
                    text("SELECT id, quoted_year, quoted_week FROM digest_answer ORDER BY id")
                )
                return [tuple(row) for row in rows]
        finally:
            await engine.dispose()

    assert asyncio.run(quoted()) == [
        (1, 2026, 11),
        (2, 2026, 11),
        (3, None, None),
        (4, None, None),
        (5, None, None),
        (6, None, None),
    ]


def test_upgrade_starts_the_week_and_month_sums_from_the_ratings(empty_database_url: str) -> None:
    """The period sums start from the ratings given in the 7 and 30 days before the
    upgrade: /venue top week and month answer as before it."""
    url = empty_database_url
    upgrade_sync(url, "0020")
    now = dt.datetime.now(dt.UTC)
    venue = (
        "INSERT INTO venue (id, guild_id, name, normalized_name, kind, city, city_key, "
        "description, proposer_id, status, created_at, updated_at) VALUES "
        "(:id, 7, :name, :name, 'meetup', 'Lyon', 'lyon', '', 3, 'active', :now, :now)"
    )
    rating = (
        "INSERT INTO rating (guild_id, venue_id, member_id, worth, hours, weight, value, "
        "log_hours, created_at, updated_at) VALUES (7, :venue, :member, :worth, 2.0, 0.2, "
        ":value, 0.6931471805599453, :at, :at)"
    )
    ages = {1: 2, 2: 20, 3: 60}  # days before the upgrade
    asyncio.run(
        execute(
            url,
            *((venue, {"id": i, "name": f"lieu {i}", "now": now}) for i in ages),
            *(
                (
                    rating,
                    {
                        "venue": i,
                        "member": 10 + i,
                        "worth": 5 - i,
                        "value": 5.0 - i,
                        "at": now - dt.timedelta(days=age),
                    },
                )
                for i, age in ages.items()
            ),
            (
                "INSERT INTO guild_rating_prior (guild_id, count, value_sum, value_squares) "
                "VALUES (7, 3, 9, 29)",
                {},
            ),
        )
    )

    upgrade_sync(url)
    assert asyncio.run(_scalar(url, "SELECT count(*) FROM venue_period_stats")) == 3

    async def top(period: str) -> list[str]:
        db = Database(url)
        try:
            return [hit.venue.name for hit in await SearchService(db).top(7, period=period)]
        finally:
            await db.dispose()

    assert asyncio.run(top("week")) == ["lieu 1"]
    assert asyncio.run(top("month")) == ["lieu 1", "lieu 2"]

    async def rate() -> None:  # the first rating after the upgrade takes a snapshot
        db = Database(url)
        try:
            await RatingService(db).rate(7, 3, 99, validate_rating(worth=1, hours=2))
        finally:
            await db.dispose()

    asyncio.run(rate())
    assert asyncio.run(top("week")) == ["lieu 1", "lieu 3"]
    assert asyncio.run(top("month")) == ["lieu 1", "lieu 2", "lieu 3"]
