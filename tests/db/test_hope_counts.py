"""The venue's hopes-against-reality counts are kept as check-back answers are written:
always what a recount of each member's latest hoped answer gives, after new answers, a
rebuild and a member's erasure, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from bot.domain.hopes import lived_up
from bot.domain.privacy import PrivacyService
from bot.domain.rating_history import Presence, RatingInput, record_rating
from bot.domain.venues import VenueService, load_venue, validate_proposal
from db.engine import Database
from db.models import Rating
from db.repositories.hopes import HopeCounts, HopeRepository

GUILD = 222_222_222_222_222_222
PROPOSER = 10_000_000_000_000_009
NOW = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)


async def _recount(db: Database, venue_id: int) -> HopeCounts:
    """Each member's latest rating that came with hopes, from the ratings themselves."""
    async with db.read() as session:
        rows = await session.execute(
            select(Rating.member_id, Rating.hopes, Rating.got)
            .where(Rating.venue_id == venue_id, Rating.hopes.is_not(None))
            .order_by(Rating.id)
        )
        latest = {member: (hopes, got) for member, hopes, got in rows}
    met = sum(1 for hopes, got in latest.values() if lived_up(hopes, got))
    return HopeCounts(len(latest), met)


async def _kept(db: Database, venue_id: int) -> HopeCounts:
    async with db.read() as session:
        return await HopeRepository(session).counts(venue_id)


async def test_kept_hope_counts_equal_a_recount(db: Database) -> None:
    draft = validate_proposal(name="Café des Devs", kind="meetup", city="Paris")
    venue_id = (await VenueService(db).propose(GUILD, PROPOSER, draft)).id
    pick = random.Random(7)
    members = [20_000_000_000_000_000 + n for n in range(6)]
    for step in range(40):
        member = pick.choice(members)
        answer = RatingInput(
            worth=pick.randint(1, 5),
            hours=2.0,
            got=pick.randint(0, 7),
            hopes=pick.choice([None, 0, 1, 2, 4, 5, 7]),
        )
        async with db.write() as session:
            venue = await load_venue(session, GUILD, venue_id)
            now = NOW + dt.timedelta(minutes=step)
            await record_rating(session, venue, member, answer, Presence("attended"), now)
        assert await _kept(db, venue_id) == await _recount(db, venue_id)
    assert (await _kept(db, venue_id)).members > 0

    async with db.write() as session:
        await HopeRepository(session).rebuild()
    assert await _kept(db, venue_id) == await _recount(db, venue_id)

    for member in members[:3]:
        await PrivacyService(db, marker_key=b"k").erase(member)
        assert await _kept(db, venue_id) == await _recount(db, venue_id)
