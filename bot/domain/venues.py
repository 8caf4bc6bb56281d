"""Venue rules: what a valid proposal is, and the service that stores and reads venues."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot.domain.errors import Conflict, InvalidInput, NotFound
from bot.domain.text import clean_block, clean_line, normalize_name
from db.engine import Database
from db.models import VENUE_KINDS
from db.repositories import VenueRecord, VenueRepository, VoteRepository

NAME_MAX = 100
CITY_MAX = 60
ADDRESS_MAX = 200
URL_MAX = 300
DESCRIPTION_MAX = 1000
TAGS_MAX = 5
TAG_MAX = 24
AUTOCOMPLETE_LIMIT = 25

VOTE_EMOJIS = {"👍": 1, "👎": -1}


@dataclass(frozen=True, slots=True)
class VenueDraft:
    """A validated proposal, ready to store."""

    name: str
    kind: str
    city: str
    address: str | None = None
    url: str | None = None
    description: str = ""
    tags: tuple[str, ...] = ()

    @property
    def normalized_name(self) -> str:
        return normalize_name(self.name)


@dataclass(frozen=True, slots=True)
class VenueDetails:
    venue: VenueRecord
    upvotes: int = 0
    downvotes: int = 0
    tags: tuple[str, ...] = field(default=())


def _required_line(value: str | None, field_name: str, maximum: int) -> str:
    text = clean_line(value or "")
    if not text:
        raise InvalidInput("error.field_required", field=field_name)
    if len(text) > maximum:
        raise InvalidInput("error.field_too_long", field=field_name, max=maximum, length=len(text))
    return text


def _optional_line(value: str | None, field_name: str, maximum: int) -> str | None:
    text = clean_line(value or "")
    if len(text) > maximum:
        raise InvalidInput("error.field_too_long", field=field_name, max=maximum, length=len(text))
    return text or None


def validate_url(value: str | None) -> str | None:
    raw = (value or "").strip()
    if not raw:
        return None
    if len(raw) > URL_MAX:
        raise InvalidInput("error.field_too_long", field="url", max=URL_MAX, length=len(raw))
    if any(ch.isspace() or ord(ch) < 32 for ch in raw):
        raise InvalidInput("error.url_invalid")
    try:
        parts = urlsplit(raw)
        _ = parts.port  # raises on a malformed port
    except ValueError:
        raise InvalidInput("error.url_invalid") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidInput("error.url_scheme")
    if not parts.hostname or ("." not in parts.hostname and parts.hostname != "localhost"):
        raise InvalidInput("error.url_invalid")
    return raw


def parse_tags(value: str | None) -> tuple[str, ...]:
    """'AI, Rust , ai' -> ('ai', 'rust'): lower-case, deduplicated, in the order given."""
    tags: list[str] = []
    for piece in (value or "").split(","):
        tag = clean_line(piece).lstrip("#").strip().lower().replace(" ", "-")
        if not tag:
            continue
        if len(tag) > TAG_MAX:
            raise InvalidInput("error.tag_too_long", tag=tag[:TAG_MAX] + "…", max=TAG_MAX)
        if tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise InvalidInput("error.too_many_tags", max=TAGS_MAX, count=len(tags))
    return tuple(tags)


def validate_proposal(
    *,
    name: str | None,
    kind: str | None,
    city: str | None,
    address: str | None = None,
    url: str | None = None,
    description: str | None = None,
    tags: str | None = None,
) -> VenueDraft:
    clean_name = _required_line(name, "name", NAME_MAX)
    if not normalize_name(clean_name):
        raise InvalidInput("error.name_no_letters")
    if kind not in VENUE_KINDS:
        raise InvalidInput("error.kind_invalid", kinds=", ".join(VENUE_KINDS))
    clean_description = clean_block(description or "")
    if len(clean_description) > DESCRIPTION_MAX:
        raise InvalidInput(
            "error.field_too_long",
            field="description",
            max=DESCRIPTION_MAX,
            length=len(clean_description),
        )
    return VenueDraft(
        name=clean_name,
        kind=kind,
        city=_required_line(city, "city", CITY_MAX),
        address=_optional_line(address, "address", ADDRESS_MAX),
        url=validate_url(url),
        description=clean_description,
        tags=parse_tags(tags),
    )


def parse_venue_ref(value: str) -> int | str:
    """An autocomplete choice carries the venue id; a typed value is a name to look up."""
    text = value.strip()
    if text.isdigit() and len(text) < 19:
        return int(text)
    return text


class VenueService:
    """Proposals, look-ups and votes. Each method is one transaction; ids in, records out."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def propose(
        self,
        guild_id: int,
        proposer_id: int,
        draft: VenueDraft,
        *,
        now: dt.datetime | None = None,
    ) -> VenueRecord:
        async with self.db.write() as session:
            venues = VenueRepository(session)
            city_key = normalize_name(draft.city)
            for existing in await venues.with_normalized_name(guild_id, draft.normalized_name):
                if normalize_name(existing.city) == city_key:
                    raise Conflict(
                        "error.duplicate",
                        name=existing.name,
                        city=existing.city,
                        link=existing.jump_url or "",
                    )
            return await venues.create(
                guild_id=guild_id,
                proposer_id=proposer_id,
                name=draft.name,
                normalized_name=draft.normalized_name,
                kind=draft.kind,
                city=draft.city,
                address=draft.address,
                url=draft.url,
                description=draft.description,
                tags=draft.tags,
                status="active",
                now=now or dt.datetime.now(dt.UTC),
            )

    async def discard(self, guild_id: int, venue_id: int) -> None:
        """Forget a proposal that could not be announced, as if it was never made."""
        async with self.db.write() as session:
            await VenueRepository(session).delete(guild_id, venue_id)

    async def set_announcement(
        self, guild_id: int, venue_id: int, channel_id: int, message_id: int
    ) -> None:
        async with self.db.write() as session:
            await VenueRepository(session).set_announcement(
                guild_id, venue_id, channel_id, message_id
            )

    async def details(self, guild_id: int, ref: str) -> VenueDetails:
        """The venue a member named (by autocomplete id or by name), with its votes."""
        parsed = parse_venue_ref(ref)
        async with self.db.read() as session:
            venues = VenueRepository(session)
            if isinstance(parsed, int):
                venue = await venues.get(guild_id, parsed)
            else:
                venue = await venues.find_by_name(guild_id, normalize_name(parsed))
            if venue is None or venue.status != "active":
                raise NotFound("error.venue_not_found", query=clean_line(ref)[:NAME_MAX])
            up, down = await VoteRepository(session).counts(venue.id)
            tags = await venues.tags(venue.id)
        return VenueDetails(venue=venue, upvotes=up, downvotes=down, tags=tags)

    async def autocomplete(
        self, guild_id: int, text: str, limit: int = AUTOCOMPLETE_LIMIT
    ) -> list[VenueRecord]:
        query = normalize_name(text)
        async with self.db.read() as session:
            return await VenueRepository(session).search_names(guild_id, query, limit)

    async def record_vote(
        self, guild_id: int, message_id: int, member_id: int, emoji: str, *, added: bool
    ) -> bool | None:
        """Store or remove one reaction vote: True when a vote changed, False when not,
        None when the message is no venue's announcement.

        Reactions that are not votes, on a venue that is not active, or by the venue's own
        proposer, change nothing.
        """
        value = VOTE_EMOJIS.get(emoji)
        if value is None:
            return False
        async with self.db.write() as session:
            venue = await VenueRepository(session).by_announcement(guild_id, message_id)
            if venue is None:
                return None
            if venue.status != "active" or venue.proposer_id == member_id:
                return False
            votes = VoteRepository(session)
            if added:
                return await votes.add(guild_id, venue.id, member_id, value)
            return await votes.remove(venue.id, member_id, value)
