"""Search, ratings, visits and settings services on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.errors import Forbidden, InvalidInput, NotFound
from bot.domain.guilds import GuildService
from bot.domain.ratings import RatingService, validate_rating
from bot.domain.search import SearchService
from bot.domain.venue_drafts import VenueDraft
from bot.domain.venues import VenueService, validate_proposal
from bot.domain.visits import VisitService
from db.engine import Database

GUILD, OTHER = 111_111_111_111_111_111, 222_222_222_222_222_222
ALICE, BOB, CAROL = 10_000_000_000_000_001, 10_000_000_000_000_002, 10_000_000_000_000_003


async def add(db: Database, name: str, city: str = "Paris", guild: int = GUILD, **extra: str):
    draft = validate_proposal(name=name, kind=extra.pop("kind", "meetup"), city=city, **extra)
    return await VenueService(db).propose(guild, ALICE, draft)


async def names(hits) -> list[str]:  # type: ignore[no-untyped-def]
    return [hit.venue.name for hit in hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cafe", ["Café des Devs", "Le Petit Café"]),
        ("CAFÉ", ["Café des Devs", "Le Petit Café"]),
        ("Cafe devs", ["Café des Devs"]),
        ("développeurs", ["Forum Dev"]),
        ("developp", ["Forum Dev"]),
        ("kubernetes", ["Forum Dev"]),
        ("œuvre", ["Œuvre Commune"]),
        ("oeuvre", ["Œuvre Commune"]),
        ("nothing here", []),
        ("'; DROP TABLE venue; --", []),
        ('"cafe" OR NEAR(', []),
    ],
)
async def test_full_text_ignores_case_and_accents(
    db: Database, query: str, expected: list[str]
) -> None:
    await add(db, "Café des Devs")
    await add(db, "Le Petit Café", city="Lyon")
    await add(db, "Forum Dev", description="Pour les développeurs", tags="kubernetes")
    await add(db, "Œuvre Commune")
    await add(db, "Café Ailleurs", guild=OTHER)
    hits = await SearchService(db).search(GUILD, query=query, sort="recent")
    assert sorted(await names(hits)) == sorted(expected)


async def test_search_filters_and_removed_venues(db: Database) -> None:
    venues = VenueService(db)
    await add(db, "Café des Devs", tags="rust")
    gone = await add(db, "Café Fermé", tags="rust")
    await add(db, "Atelier", city="Montréal", kind="workshop")
    await venues.remove(GUILD, gone.id, ALICE, "closed", is_moderator=False)
    search = SearchService(db)
    assert await names(await search.search(GUILD, tag="RUST")) == ["Café des Devs"]
    assert await names(await search.search(GUILD, city="montreal")) == ["Atelier"]
    assert await names(await search.search(GUILD, kind="workshop")) == ["Atelier"]
    with pytest.raises(InvalidInput):
        await search.search(GUILD, sort="best")


async def test_ratings_one_per_member_and_rit_order(db: Database) -> None:
    ratings = RatingService(db)
    good = await add(db, "Good")
    single = await add(db, "Single")
    for member in range(20):
        worth = 5 if member < 12 else 4
        await ratings.rate(GUILD, good.id, 500 + member, validate_rating(worth=worth, hours=2))
    outcome = await ratings.rate(GUILD, single.id, BOB, validate_rating(worth=5, hours=2))
    assert outcome.created and outcome.score.ratings == 1
    again = await ratings.rate(GUILD, single.id, BOB, validate_rating(worth=5, hours=2))
    assert not again.created and again.score.ratings == 1
    top = await SearchService(db).top(GUILD)
    assert await names(top) == ["Good", "Single"]
    with pytest.raises(Forbidden):
        await ratings.rate(GUILD, good.id, ALICE, validate_rating(worth=5, hours=1))
    with pytest.raises(NotFound):
        await ratings.rate(OTHER, good.id, BOB, validate_rating(worth=5, hours=1))


async def test_top_period_counts_recent_ratings_only(db: Database) -> None:
    ratings = RatingService(db)
    old = await add(db, "Old")
    new = await add(db, "New")
    now = dt.datetime.now(dt.UTC)
    await ratings.rate(
        GUILD, old.id, BOB, validate_rating(worth=5, hours=1), now=now - dt.timedelta(days=40)
    )
    await ratings.rate(GUILD, new.id, BOB, validate_rating(worth=3, hours=1), now=now)
    search = SearchService(db)
    assert await names(await search.top(GUILD, period="week")) == ["New"]
    assert await names(await search.top(GUILD, period="all")) == ["Old", "New"]


def test_rating_validation() -> None:
    assert validate_rating(worth="4", hours="1h30").hours == 1.5
    assert validate_rating(worth=4, hours="2,25").hours == 2.25
    assert validate_rating(worth=4, hours=0.3).hours == 0.25
    for kwargs in [
        {"worth": 0, "hours": 1},
        {"worth": 4.5, "hours": 1},
        {"worth": 4, "hours": "nan"},
        {"worth": 4, "hours": "inf"},
        {"worth": 4, "hours": 24.5},
        {"worth": 4, "hours": 1, "substance": 6},
        {"worth": 4, "hours": 1, "comment": "x" * 501},
    ]:
        with pytest.raises(InvalidInput):
            validate_rating(**kwargs)


async def test_visits_default_to_today_in_the_guild_zone(db: Database) -> None:
    venue = await add(db, "Café")
    await GuildService(db).update(GUILD, timezone="Pacific/Auckland")
    visits = VisitService(db)
    late_utc = dt.datetime(2026, 3, 14, 20, 0, tzinfo=dt.UTC)  # already the 15th in Auckland
    outcome = await visits.log(GUILD, venue.id, BOB, date=None, hours=None, now=late_utc)
    assert outcome.visited_on == dt.date(2026, 3, 15) and outcome.hours == 2.0
    again = await visits.log(GUILD, venue.id, BOB, date="2026-03-15", hours="3", now=late_utc)
    assert not again.created and again.hours == 3.0
    with pytest.raises(InvalidInput) as error:
        await visits.log(GUILD, venue.id, BOB, date="2026-03-16", hours=None, now=late_utc)
    assert error.value.key == "error.date_future"


async def test_visit_hours_default_to_the_members_rating(db: Database) -> None:
    venue = await add(db, "Café")
    await RatingService(db).rate(GUILD, venue.id, BOB, validate_rating(worth=4, hours=3.5))
    outcome = await VisitService(db).log(GUILD, venue.id, BOB, date=None, hours=None)
    assert outcome.hours == 3.5


async def test_settings_update_and_validation(db: Database) -> None:
    guilds = GuildService(db)
    assert (await guilds.config(GUILD)).timezone == "UTC"
    config = await guilds.update(
        GUILD, language="fr", timezone="america/new_york", moderation=True, venue_channel_id=42
    )
    assert (config.language, config.timezone, config.moderation, config.venue_channel_id) == (
        "fr",
        "America/New_York",
        True,
        42,
    )
    config = await guilds.update(GUILD, language="auto")
    assert config.language is None and config.moderation is True
    with pytest.raises(InvalidInput):
        await guilds.update(GUILD, timezone="Europe/Atlantis")
    with pytest.raises(InvalidInput):
        await guilds.update(GUILD, language="de")
    assert (await guilds.config(OTHER)).language is None


async def test_fuzzy_similarity_same_city_only(db: Database) -> None:
    venues = VenueService(db)
    await add(db, "Café des Développeurs")
    near = validate_proposal(name="Cafe des Developeur", kind="meetup", city="Paris")
    elsewhere = validate_proposal(name="Cafe des Developeur", kind="meetup", city="Lyon")
    different = validate_proposal(name="Rust Paris", kind="meetup", city="Paris")

    async def similar(draft: VenueDraft) -> list[str]:
        _, found = await venues.check_proposal(GUILD, BOB, draft)
        return [v.name for v in found]

    assert await similar(near) == ["Café des Développeurs"]
    assert await similar(elsewhere) == []
    assert await similar(different) == []


async def test_filters_with_control_characters_are_cleaned(db: Database) -> None:
    """PostgreSQL refuses NUL in text: a filter typed with one must still work (found by
    the fuzzer)."""
    await add(db, "Café des Devs", tags="rust")
    search = SearchService(db)
    assert await names(await search.search(GUILD, tag="ru\x00st")) == []
    assert await names(await search.search(GUILD, tag="\x00rust\x07")) == ["Café des Devs"]
    assert await names(await search.search(GUILD, city="Pa\x00ris", query="caf\x00e")) == []
