"""Venue service and repositories, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from bot.domain.errors import Conflict, NotFound
from bot.domain.guilds import GuildService
from bot.domain.state import BotStateService
from bot.domain.venues import EDITABLE_STATUSES, VenueService, validate_proposal
from bot.domain.votes import VoteService
from db.engine import Database
from db.models import Venue, VenueTag, Vote

GUILD, OTHER_GUILD = 111_111_111_111_111_111, 222_222_222_222_222_222
ALICE, BOB, CAROL = 10_000_000_000_000_001, 10_000_000_000_000_002, 10_000_000_000_000_003


async def make(
    service: VenueService,
    name: str = "Café des Devs",
    city: str = "Paris",
    guild: int = GUILD,
    message_id: int | None = None,
    **fields: str,
):
    draft = validate_proposal(name=name, kind=fields.pop("kind", "meetup"), city=city, **fields)
    venue = await service.propose(guild, ALICE, draft)
    if message_id is not None:
        await service.set_announcement(guild, venue.id, 5, message_id)
    return venue


async def test_propose_then_details_with_tags_in_order(db: Database) -> None:
    service = VenueService(db)
    venue = await make(service, tags="rust, AI", url="https://x.example.org", message_id=77)
    details = await service.details(GUILD, venue.id)
    assert details.venue.name == "Café des Devs"
    assert details.venue.created_at.tzinfo is not None
    assert details.tags == ("rust", "AI")  # as written
    assert details.venue.jump_url == f"https://discord.com/channels/{GUILD}/5/77"
    named = await service.resolve(GUILD, "cafe DES devs")
    assert (await service.details(GUILD, named.id)).venue.id == venue.id


async def test_details_are_guild_scoped(db: Database) -> None:
    service = VenueService(db)
    venue = await make(service)
    with pytest.raises(NotFound):
        await service.details(OTHER_GUILD, venue.id)
    with pytest.raises(NotFound):
        await service.resolve(GUILD, "Unknown place")


async def test_resolve_by_id_or_name_in_the_statuses_asked(db: Database) -> None:
    service = VenueService(db)
    venue = await make(service)
    pending = await service.propose(
        GUILD, ALICE, validate_proposal(name="En attente", kind="meetup", city="Lyon"), pending=True
    )
    assert (await service.resolve(GUILD, f" {venue.id} ")).id == venue.id
    assert (await service.resolve(GUILD, "CAFÉ des devs")).id == venue.id
    with pytest.raises(NotFound) as error:  # chosen by id: said to be waiting
        await service.resolve(GUILD, str(pending.id))
    assert (error.value.key, error.value.params) == ("error.venue_pending", {"name": "En attente"})
    with pytest.raises(NotFound) as error:  # typed: only listed venues are found by name
        await service.resolve(GUILD, "En attente")
    assert error.value.params == {"query": "En attente"}
    found = await service.resolve(GUILD, str(pending.id), statuses=EDITABLE_STATUSES)
    assert found.id == pending.id
    with pytest.raises(NotFound):
        await service.resolve(OTHER_GUILD, str(venue.id))
    await service.remove(GUILD, pending.id, ALICE, None, is_moderator=False)
    with pytest.raises(NotFound) as error:
        await service.details(GUILD, pending.id)
    assert error.value.params == {"query": str(pending.id)}


async def test_exact_duplicates_refused_whatever_the_spelling(db: Database) -> None:
    service = VenueService(db)
    await make(service, message_id=9)
    with pytest.raises(Conflict) as error:
        await make(service, name="CAFÉ des devs !", city=" paris ")
    assert error.value.params["link"].endswith("/5/9")
    await make(service, city="Lyon")
    await make(service, guild=OTHER_GUILD)
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Venue)) == 3


async def test_votes_once_per_member_and_direction(db: Database) -> None:
    service = VenueService(db)
    venue = await make(service, message_id=1234)
    vote = VoteService(db).record_vote
    assert await vote(GUILD, 1234, BOB, "👍", added=True) is True
    assert await vote(GUILD, 1234, BOB, "👍", added=True) is False
    assert await vote(GUILD, 1234, BOB, "👎", added=True) is True
    assert await vote(GUILD, 1234, ALICE, "👍", added=True) is False  # the proposer
    assert await vote(GUILD, 1234, BOB, "🎉", added=True) is False
    assert await vote(GUILD, 9999, BOB, "👍", added=True) is None
    assert await vote(OTHER_GUILD, 1234, BOB, "👍", added=True) is None
    details = await service.details(GUILD, venue.id)
    assert (details.upvotes, details.downvotes) == (0, 1)  # Bob counts once, by his last
    assert await vote(GUILD, 1234, BOB, "👎", added=False) is True
    assert await vote(GUILD, 1234, BOB, "👎", added=False) is False
    details = await service.details(GUILD, venue.id)
    assert (details.upvotes, details.downvotes) == (1, 0)


async def test_concurrent_duplicate_votes_store_one_row(db: Database) -> None:
    service = VenueService(db)
    await make(service, message_id=4321)
    votes = VoteService(db)
    results = await asyncio.gather(
        *(votes.record_vote(GUILD, 4321, BOB, "👍", added=True) for _ in range(30))
    )
    assert results.count(True) == 1
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Vote)) == 1


async def test_autocomplete_prefix_then_word_matches_active_only(db: Database) -> None:
    service = VenueService(db)
    await make(service, name="Café des Devs")
    await make(service, name="Le Petit Café", city="Lyon")
    await make(service, name="Caféine 100%", city="Nantes")
    await make(service, name="Rust Paris")
    await make(service, name="Café Privé", guild=OTHER_GUILD)
    names = [v.name for v in await service.autocomplete(GUILD, "CAFE")]
    assert names == ["Café des Devs", "Caféine 100%", "Le Petit Café"]
    assert [v.name for v in await service.autocomplete(GUILD, "100%")] == ["Caféine 100%"]
    assert [v.name for v in await service.autocomplete(GUILD, "e_d")] == []
    assert [v.name for v in await service.autocomplete(GUILD, "caféine 100")] == ["Caféine 100%"]
    assert len(await service.autocomplete(GUILD, "")) == 4


async def test_autocomplete_at_most_25(db: Database) -> None:
    service = VenueService(db)
    await GuildService(db).update(GUILD, proposals_per_day=30)
    for i in range(30):
        await make(service, name=f"Meetup {i:02d}")
    found = await service.autocomplete(GUILD, "meetup")
    assert len(found) == 25
    assert found[0].name == "Meetup 00"


async def test_autocomplete_word_matches_fill_what_the_name_starts_leave(db: Database) -> None:
    service = VenueService(db)
    await GuildService(db).update(GUILD, proposals_per_day=30)
    for name in ("Rust B", "Rust A", "Le Rust Z", "Au Rust Y", "Club Rust X", "Rusty"):
        await make(service, name=name)
    names = [v.name for v in await service.autocomplete(GUILD, "rust", limit=5)]
    assert names == ["Rust A", "Rust B", "Rusty", "Au Rust Y", "Club Rust X"]
    names = [v.name for v in await service.autocomplete(GUILD, "rust", limit=2)]
    assert names == ["Rust A", "Rust B"]
    assert [v.name for v in await service.autocomplete(GUILD, "q", limit=3)] == []
    assert [v.name for v in await service.autocomplete(GUILD, "rust", limit=9)][-1] == "Le Rust Z"


async def test_discard_removes_venue_and_tags(db: Database) -> None:
    service = VenueService(db)
    venue = await make(service, tags="a,b")
    await service.discard(GUILD, venue.id)
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(VenueTag)) == 0
    with pytest.raises(NotFound):
        await service.details(GUILD, venue.id)


async def test_bot_state_upsert(db: Database) -> None:
    state = BotStateService(db)
    assert await state.get("commands.global.1") is None
    await state.put("commands.global.1", "abc")
    await state.put("commands.global.1", "def")
    assert await state.get("commands.global.1") == "def"


async def test_a_batch_applies_events_in_order_per_member(db: Database) -> None:
    """The writer's batches give the same result as applying events one by one."""
    from bot.domain.votes import VoteEvent

    service = VenueService(db)
    await make(service, message_id=555)
    other = await make(service, name="Autre", message_id=556)
    events = [
        VoteEvent(GUILD, 555, BOB, "👍", True),
        VoteEvent(GUILD, 555, BOB, "👍", False),
        VoteEvent(GUILD, 555, BOB, "👍", True),  # BOB ends with 👍
        VoteEvent(GUILD, 555, CAROL, "👎", True),
        VoteEvent(GUILD, 555, CAROL, "👎", False),  # CAROL ends with nothing
        VoteEvent(GUILD, 556, CAROL, "👎", True),
        VoteEvent(GUILD, 999, CAROL, "👎", True),  # not an announcement
        VoteEvent(GUILD, 555, ALICE, "👍", True),  # the proposer
    ]
    outcomes = await VoteService(db).apply(events)
    assert outcomes == [False, False, True, False, False, True, None, False]
    details = await service.details(GUILD, (await service.resolve(GUILD, "Café des Devs")).id)
    assert (details.upvotes, details.downvotes, details.venue.net_votes) == (1, 0, 1)
    assert (await service.details(GUILD, other.id)).venue.net_votes == -1
