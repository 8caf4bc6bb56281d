"""Upgrading a database that holds data: nothing is lost, derived columns are filled."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.domain.ratings import RatingService, validate_rating
from bot.domain.search import SearchService
from db.engine import Database
from db.migrate import upgrade_sync

NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)


async def _execute(url: str, *statements: tuple[str, dict]) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            for sql, params in statements:
                await connection.execute(text(sql), params)
    finally:
        await engine.dispose()


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
    asyncio.run(_execute(url, *statements))

    upgrade_sync(url)

    assert asyncio.run(_scalar(url, "SELECT count(*) FROM vote")) == 3
    # Each vote stands on a reaction on the venue's announcement, so removing it works.
    assert (
        asyncio.run(
            _scalar(
                url, "SELECT count(*) FROM vote_reaction WHERE message_id = 99 AND venue_id = 1"
            )
        )
        == 3
    )
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
        _execute(
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
        _execute(
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
