"""The venue card's one read gives what the ratings, votes, tags and kept sums themselves
say: the median of the members' latest hours (odd and even counts), the latest comments
newest first, the tags in their order, each member's last vote standing, the venue's kept
sums and the guild prior's, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random
import statistics

from sqlalchemy import insert, select

from bot.domain.ranking import FLAG_ALL, GOT_ALL
from bot.domain.rating_history import Presence, RatingInput, record_rating
from bot.domain.venues import VenueService, load_venue, validate_proposal
from db.engine import Database
from db.models import Rating, Vote
from db.repositories import RatingStatsRepository, VoteRepository
from db.repositories.venue_card import CardRead, VenueCardRepository

GUILD = 333_333_333_333_333_333
PROPOSER = 10_000_000_000_000_009
NOW = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)
HOURS = [0.25, 4 / 3, 1.5, 2.0, 2.75, 7 / 3, 3.0, 24.0]


async def _read(db: Database, venue_id: int) -> CardRead:
    async with db.read() as session:
        return await VenueCardRepository(session).read(GUILD, venue_id, GOT_ALL, FLAG_ALL)


async def _expected_lists(db: Database, venue_id: int) -> tuple[float | None, tuple[str, ...]]:
    """The median of the latest hours and the latest comments, from the ratings."""
    async with db.read() as session:
        rows = (
            await session.execute(
                select(Rating.hours, Rating.comment, Rating.created_at, Rating.id).where(
                    Rating.venue_id == venue_id, Rating.latest.is_(True)
                )
            )
        ).all()
    hours = [row.hours for row in rows]
    newest = sorted(rows, key=lambda row: (row.created_at, row.id), reverse=True)
    comments = tuple(row.comment for row in newest if row.comment)[:3]
    return (statistics.median(hours) if hours else None), comments


async def test_the_card_read_equals_its_sources(db: Database) -> None:
    draft = validate_proposal(
        name="Café des Devs", kind="meetup", city="Paris", tags="zèbre, Apéro, IA"
    )
    venue_id = (await VenueService(db).propose(GUILD, PROPOSER, draft)).id
    empty = await _read(db, venue_id)
    assert empty.tags == ("zèbre", "Apéro", "IA")
    assert (empty.card.median_hours, empty.comments, empty.stats) == (None, (), None)
    assert (empty.summary.count, empty.upvotes, empty.downvotes) == (0, 0, 0)

    pick = random.Random(11)
    members = [20_000_000_000_000_000 + n for n in range(7)]
    for step in range(24):
        member = pick.choice(members)
        answer = RatingInput(
            worth=pick.randint(1, 5),
            hours=pick.choice(HOURS),
            comment=pick.choice([None, f"avis {step}"]),
        )
        async with db.write() as session:
            venue = await load_venue(session, GUILD, venue_id)
            now = NOW + dt.timedelta(minutes=step // 2)  # ties on created_at too
            await record_rating(session, venue, member, answer, Presence(), now)
        read = await _read(db, venue_id)
        median, comments = await _expected_lists(db, venue_id)
        assert read.card.median_hours == median
        assert read.comments == comments
        async with db.read() as session:
            stats = RatingStatsRepository(session)
            assert read.stats == (await stats.venues([venue_id]))[venue_id]
            assert read.prior == await stats.prior(GUILD)

    async with db.write() as session:
        await session.execute(
            insert(Vote),
            [
                {"guild_id": GUILD, "venue_id": venue_id, "member_id": m, "value": v}
                for m, v in [(1, 1), (2, 1), (3, -1), (4, -1), (4, 1), (5, 1), (5, -1)]
            ],
        )
    read = await _read(db, venue_id)
    async with db.read() as session:
        assert (read.upvotes, read.downvotes) == await VoteRepository(session).counts(venue_id)
    assert (read.upvotes, read.downvotes) == (3, 2)
