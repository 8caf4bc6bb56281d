"""Venue rules: what a valid proposal is, and the service that stores and reads venues."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from bot.domain.guild_config import GuildConfig
from bot.domain.quotas import refuse_proposal_over_limit
from bot.domain.ranking import FLAG_ALL, GOT_ALL, Score
from bot.domain.scores import Scorer
from bot.domain.similarity import SIMILARITY_THRESHOLD, name_similarity
from bot.domain.text import clean_block, clean_line, fold, normalize_city, normalize_name
from bot.domain.vocabulary import VENUE_KINDS
from db.engine import Database
from db.repositories import (
    GuildConfigRepository,
    RatingRepository,
    RatingSummary,
    VenueCard,
    VenueRecord,
    VenueRepository,
    VoteRepository,
)
from db.repositories.followups import FollowUpRepository
from db.repositories.hopes import HopeRepository
from db.repositories.venues import tag_key

NAME_MAX = 100
CITY_MAX = 60
ADDRESS_MAX = 200
URL_MAX = 300
DESCRIPTION_MAX = 1000
TAGS_MAX = 5
TAG_MAX = 24
REASON_MAX = 200
AUTOCOMPLETE_LIMIT = 25
#: The venues members rate, visit and look up.
LISTED_STATUSES = ("active",)
#: The venues their proposer (or a moderator) may still edit or remove.
EDITABLE_STATUSES = ("active", "pending")
#: rapidfuzz score (0-100) from which two names in one city are "probably the same venue".


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

    @property
    def city_key(self) -> str:
        return normalize_city(self.city)

    @property
    def search_text(self) -> str:
        return fold(" ".join([self.name, self.city, self.description, *self.tags]))

    def columns(self) -> dict[str, object]:
        return {
            "name": self.name,
            "normalized_name": self.normalized_name,
            "kind": self.kind,
            "city": self.city,
            "city_key": self.city_key,
            "address": self.address,
            "url": self.url,
            "description": self.description,
            "search_text": self.search_text,
        }


@dataclass(frozen=True, slots=True)
class VenueDetails:
    venue: VenueRecord
    upvotes: int = 0
    downvotes: int = 0
    tags: tuple[str, ...] = field(default=())
    ratings: RatingSummary = field(default_factory=RatingSummary)
    score: Score | None = None
    comments: tuple[str, ...] = ()
    card: VenueCard = field(default_factory=VenueCard)
    #: Set when the edit waits for a moderator: the key its review card carries.
    review_key: str | None = None


def _required_line(value: str | None, field_name: str, maximum: int) -> str:
    text = clean_line(value or "")
    if not text:
        raise InvalidInput("error.field_required", field=field_name)
    if len(text) > maximum:
        raise InvalidInput("error.field_too_long", field=field_name, max=maximum, length=len(text))
    return text


def _visible_line(value: str | None, field_name: str, maximum: int) -> str:
    """A required line that shows at least one letter or digit: a name or a city made of
    punctuation, emoji or invisible characters could not be told apart or looked up."""
    text = _required_line(value, field_name, maximum)
    if not normalize_name(text):
        raise InvalidInput(f"error.{field_name}_no_letters")
    return text


def _optional_line(value: str | None, field_name: str, maximum: int) -> str | None:
    text = clean_line(value or "")
    if len(text) > maximum:
        raise InvalidInput("error.field_too_long", field=field_name, max=maximum, length=len(text))
    return text or None


def _description(value: str | None) -> str:
    text = clean_block(value or "")
    if len(text) > DESCRIPTION_MAX:
        raise InvalidInput(
            "error.field_too_long", field="description", max=DESCRIPTION_MAX, length=len(text)
        )
    return text


def validate_url(value: str | None) -> str | None:
    """An http(s) link with a host and no user name: `https://discord.com@evil.example`
    reads as discord.com but leads to evil.example. Invisible characters (zero-width,
    bidirectional controls) are dropped: they can make a link read as another."""
    raw = "".join(ch for ch in value or "" if unicodedata.category(ch) != "Cf").strip()
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
    if "@" in parts.netloc:
        raise InvalidInput("error.url_userinfo")
    if not parts.hostname or ("." not in parts.hostname and parts.hostname != "localhost"):
        raise InvalidInput("error.url_invalid")
    return raw


def parse_tags(value: str | None) -> tuple[str, ...]:
    """'IA, Rust , ia' -> ('IA', 'Rust'): kept as written (a leading '#' aside), the
    first of those with the same search key (`tag_key`), in the order given."""
    tags: list[str] = []
    keys: set[str] = set()
    for piece in (value or "").split(","):
        tag = " ".join(clean_line(piece).lstrip("#").split())
        if not tag:
            continue
        if len(tag) > TAG_MAX:
            raise InvalidInput("error.tag_too_long", tag=tag[:TAG_MAX] + "…", max=TAG_MAX)
        if tag_key(tag) not in keys:
            keys.add(tag_key(tag))
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise InvalidInput("error.too_many_tags", max=TAGS_MAX, count=len(tags))
    return tuple(tags)


def validate_kind(kind: str | None) -> str:
    if kind is None or kind not in VENUE_KINDS:
        raise InvalidInput("error.kind_invalid", kinds=", ".join(VENUE_KINDS))
    return kind


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
    return VenueDraft(
        name=_visible_line(name, "name", NAME_MAX),
        kind=validate_kind(kind),
        city=_visible_line(city, "city", CITY_MAX),
        address=_optional_line(address, "address", ADDRESS_MAX),
        url=validate_url(url),
        description=_description(description),
        tags=parse_tags(tags),
    )


def apply_changes(draft: VenueDraft, changes: dict[str, str | None]) -> VenueDraft:
    """The draft with the fields a member edited, each validated like a proposal's.

    An empty text clears an optional field (address, link, description, tags)."""
    updated = draft
    if changes.get("name") is not None:
        updated = replace(updated, name=_visible_line(changes["name"], "name", NAME_MAX))
    if changes.get("kind") is not None:
        updated = replace(updated, kind=validate_kind(changes["kind"]))
    if changes.get("city") is not None:
        updated = replace(updated, city=_visible_line(changes["city"], "city", CITY_MAX))
    if changes.get("address") is not None:
        updated = replace(
            updated, address=_optional_line(changes["address"], "address", ADDRESS_MAX)
        )
    if changes.get("url") is not None:
        updated = replace(updated, url=validate_url(changes["url"]))
    if changes.get("description") is not None:
        updated = replace(updated, description=_description(changes["description"]))
    if changes.get("tags") is not None:
        updated = replace(updated, tags=parse_tags(changes["tags"]))
    return updated


def parse_venue_ref(value: str) -> int | str:
    """An autocomplete choice carries the venue id; a typed value is a name to look up."""
    text = value.strip()
    if text.isascii() and text.isdigit() and len(text) < 19:  # not '²'
        return int(text)
    return text


def draft_of(venue: VenueRecord, tags: tuple[str, ...]) -> VenueDraft:
    return VenueDraft(
        name=venue.name,
        kind=venue.kind,
        city=venue.city,
        address=venue.address,
        url=venue.url,
        description=venue.description,
        tags=tags,
    )


async def load_venue(
    session: AsyncSession,
    guild_id: int,
    venue_id: int,
    *,
    statuses: tuple[str, ...] = LISTED_STATUSES,
) -> VenueRecord:
    """The venue with this id in this guild, provided its status is one of `statuses`."""
    venue = await VenueRepository(session).get(guild_id, venue_id)
    if venue is None or venue.status not in statuses:
        raise NotFound("error.venue_not_found", query=str(venue_id))
    return venue


def require_owner(venue: VenueRecord, member_id: int, is_moderator: bool) -> None:
    if venue.proposer_id != member_id and not is_moderator:
        raise Forbidden("error.not_proposer_or_moderator", name=venue.name)


#: What an announcement shows of a venue: with moderation on, changing one is reviewed.
PUBLIC_FIELDS = ("name", "description", "url", "city", "address", "tags")
DRAFT_FIELDS = ("name", "kind", "city", "address", "url", "description")


def pending_of(draft: VenueDraft) -> dict[str, Any]:
    """The whole new state of an edit awaiting review, as stored."""
    return {**{k: getattr(draft, k) for k in DRAFT_FIELDS}, "tags": list(draft.tags)}


def draft_from(stored: dict[str, Any]) -> VenueDraft:
    return VenueDraft(**{k: stored[k] for k in DRAFT_FIELDS}, tags=tuple(stored["tags"]))


def review_key(stored: dict[str, Any]) -> str:
    """Names one pending state: a card approves only the state it showed."""
    text = json.dumps(stored, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class VenueService:
    """Proposals, edits, reviews and look-ups. Each method is one transaction."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    async def resolve(
        self, guild_id: int, text: str, *, statuses: tuple[str, ...] = LISTED_STATUSES
    ) -> VenueRecord:
        """The venue a member named, by autocomplete id or by name, in this guild only."""
        parsed = parse_venue_ref(text)
        async with self.db.read() as session:
            venues = VenueRepository(session)
            if isinstance(parsed, int):
                venue = await venues.get(guild_id, parsed)
            else:
                venue = await venues.find_by_name(guild_id, normalize_name(parsed))
        if venue is None:
            raise NotFound("error.venue_not_found", query=clean_line(text)[:NAME_MAX])
        if venue.status not in statuses:  # it exists: say why it cannot be used
            key = "error.venue_pending" if venue.status == "pending" else "error.venue_removed"
            raise NotFound(key, name=venue.name)
        return venue

    async def check_proposal(
        self, guild_id: int, member_id: int, draft: VenueDraft
    ) -> tuple[GuildConfig, list[VenueRecord]]:
        """Before asking the member anything, in one read: the guild's settings, the
        member's cap on proposals and an exact duplicate (both refused), and the venues
        like the draft. `propose` checks the cap and the duplicate again in its write."""
        now = await self.clock.now()
        async with self.db.read() as session:
            config = await GuildConfigRepository(session).get(guild_id)
            await refuse_proposal_over_limit(session, config, member_id, now)
            return config, await self._similar(VenueRepository(session), guild_id, draft)

    async def similar(self, guild_id: int, draft: VenueDraft) -> list[VenueRecord]:
        """Venues in the same city whose names are close to the draft's (typos, word
        order, a missing word), best first. An exact match raises Conflict instead."""
        async with self.db.read() as session:
            return await self._similar(VenueRepository(session), guild_id, draft)

    async def _similar(
        self, venues: VenueRepository, guild_id: int, draft: VenueDraft
    ) -> list[VenueRecord]:
        await self._refuse_exact(venues, guild_id, draft)
        candidates = await venues.names_in_city(guild_id, draft.city_key)
        scored = sorted(
            (
                (-name_similarity(draft.normalized_name, name, draft.city_key), venue_id)
                for venue_id, name in candidates
            ),
        )
        matches = [venue_id for score, venue_id in scored if -score >= SIMILARITY_THRESHOLD]
        found = await venues.many(guild_id, matches[:3])
        return [found[key] for key in matches[:3] if key in found]

    async def _refuse_exact(
        self,
        venues: VenueRepository,
        guild_id: int,
        draft: VenueDraft,
        exclude: int | None = None,
    ) -> None:
        existing = await venues.same_name_and_city(
            guild_id, draft.normalized_name, draft.city_key, exclude=exclude
        )
        if existing is not None:
            raise Conflict(
                "error.duplicate",
                name=existing.name,
                city=existing.city,
                link=existing.jump_url or f"#{existing.id}",
            )

    async def propose(
        self,
        guild_id: int,
        proposer_id: int,
        draft: VenueDraft,
        *,
        pending: bool = False,
        now: dt.datetime | None = None,
    ) -> VenueRecord:
        now = now or await self.clock.now()
        try:
            async with self.db.write() as session:
                config = await GuildConfigRepository(session).get(guild_id)
                await refuse_proposal_over_limit(session, config, proposer_id, now)
                venues = VenueRepository(session)
                await self._refuse_exact(venues, guild_id, draft)
                return await venues.create(
                    guild_id=guild_id,
                    proposer_id=proposer_id,
                    status="pending" if pending else "active",
                    tags=draft.tags,
                    now=now,
                    **draft.columns(),
                )
        except IntegrityError:
            await self._refuse_raced(guild_id, draft)
            raise

    async def _refuse_raced(
        self, guild_id: int, draft: VenueDraft, exclude: int | None = None
    ) -> None:
        """After a unique-index refusal: the concurrent proposal that won, as a Conflict."""
        async with self.db.read() as session:
            await self._refuse_exact(VenueRepository(session), guild_id, draft, exclude)

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

    async def edit(
        self,
        guild_id: int,
        venue_id: int,
        member_id: int,
        changes: dict[str, str | None],
        *,
        is_moderator: bool,
        moderation: bool = False,
    ) -> VenueDetails:
        """Change a venue. With `moderation` on, a member's change to a public field of a
        live venue is stored aside for review; the venue itself is unchanged until then."""
        if all(value is None for value in changes.values()):
            raise InvalidInput("error.nothing_to_change")
        try:
            async with self.db.write() as session:
                venues = VenueRepository(session)
                venue = await load_venue(session, guild_id, venue_id, statuses=EDITABLE_STATUSES)
                require_owner(venue, member_id, is_moderator)
                reviewed = (
                    moderation
                    and not is_moderator
                    and venue.status == "active"
                    and any(changes.get(name) is not None for name in PUBLIC_FIELDS)
                )
                waiting = await venues.pending_changes(guild_id, venue.id) if reviewed else None
                base = (
                    draft_of(venue, await venues.tags(venue.id))
                    if waiting is None
                    else draft_from(waiting)
                )
                draft = apply_changes(base, changes)
                await self._refuse_exact(venues, guild_id, draft, exclude=venue.id)
                if reviewed:
                    stored = pending_of(draft)
                    await venues.set_pending_changes(guild_id, venue.id, stored)
                    proposed = replace(venue, **{k: stored[k] for k in DRAFT_FIELDS})
                    return VenueDetails(
                        venue=proposed, tags=draft.tags, review_key=review_key(stored)
                    )
                updated = await venues.update(
                    guild_id,
                    venue.id,
                    tags=draft.tags,
                    updated_at=await self.clock.now(),
                    **draft.columns(),
                )
        except IntegrityError:
            await self._refuse_raced(guild_id, draft, exclude=venue.id)
            raise
        return VenueDetails(venue=updated, tags=draft.tags)

    async def remove(
        self,
        guild_id: int,
        venue_id: int,
        member_id: int,
        reason: str | None,
        *,
        is_moderator: bool,
    ) -> VenueDetails:
        """Hide a venue from lists, search and autocomplete; its ratings and votes stay."""
        clean_reason = _optional_line(reason, "reason", REASON_MAX)
        async with self.db.write() as session:
            venues = VenueRepository(session)
            venue = await load_venue(session, guild_id, venue_id, statuses=EDITABLE_STATUSES)
            require_owner(venue, member_id, is_moderator)
            await venues.set_status(guild_id, venue.id, "removed", clean_reason)
            tags = await venues.tags(venue.id)
        removed = replace(venue, status="removed", removed_reason=clean_reason)
        return VenueDetails(venue=removed, tags=tags)

    async def review(self, guild_id: int, venue_id: int, *, approve: bool) -> VenueDetails:
        """A moderator's decision on a pending proposal."""
        async with self.db.write() as session:
            venues = VenueRepository(session)
            venue = await venues.get(guild_id, venue_id)
            if venue is None or venue.status != "pending":
                raise NotFound("error.not_pending")
            status = "active" if approve else "removed"
            await venues.set_status(guild_id, venue.id, status, None if approve else "rejected")
            tags = await venues.tags(venue.id)
        return VenueDetails(venue=replace(venue, status=status), tags=tags)

    async def review_edit(
        self, guild_id: int, venue_id: int, key: str, *, approve: bool
    ) -> VenueDetails:
        """A moderator's decision on a live venue's edit, the one its review card showed
        (`key`): on approval the venue takes exactly that state."""
        try:
            async with self.db.write() as session:
                venues = VenueRepository(session)
                venue = await venues.get(guild_id, venue_id)
                stored = await venues.pending_changes(guild_id, venue_id)
                if venue is None or stored is None or review_key(stored) != key:
                    raise NotFound("error.not_pending")
                await venues.set_pending_changes(guild_id, venue_id, None)
                if not approve:
                    return VenueDetails(venue=venue, tags=await venues.tags(venue.id))
                draft = draft_from(stored)
                await self._refuse_exact(venues, guild_id, draft, exclude=venue.id)
                updated = await venues.update(
                    guild_id,
                    venue.id,
                    tags=draft.tags,
                    updated_at=await self.clock.now(),
                    **draft.columns(),
                )
        except IntegrityError:
            await self._refuse_raced(guild_id, draft, exclude=venue_id)
            raise
        return VenueDetails(venue=updated, tags=draft.tags)

    async def details(self, guild_id: int, venue_id: int) -> VenueDetails:
        """The venue with its votes, ratings summary and RIT score."""
        async with self.db.read() as session:
            return await self._details(session, await load_venue(session, guild_id, venue_id))

    async def details_of(self, venue: VenueRecord) -> VenueDetails:
        """`details` of a venue a command just resolved (in this guild, listed), without
        reading the venue again."""
        async with self.db.read() as session:
            return await self._details(session, venue)

    async def _details(self, session: AsyncSession, venue: VenueRecord) -> VenueDetails:
        up, down = await VoteRepository(session).counts(venue.id)
        ratings = RatingRepository(session)
        scorer = await Scorer.of(session, venue.guild_id)
        summary, card, (led_somewhere,) = await ratings.overview(
            venue.id, GOT_ALL, FLAG_ALL, FollowUpRepository.led_somewhere(venue.id)
        )
        hopes = await HopeRepository(session).counts(venue.id)
        return VenueDetails(
            venue=venue,
            upvotes=up,
            downvotes=down,
            tags=await VenueRepository(session).tags(venue.id),
            ratings=summary,
            score=await scorer.score(venue.id),
            comments=tuple(await ratings.latest_comments(venue.id)),
            card=replace(
                card,
                led_somewhere=int(led_somewhere or 0),
                hoped=hopes.members,
                hopes_met=hopes.met,
            ),
        )

    async def autocomplete(
        self, guild_id: int, text: str, limit: int = AUTOCOMPLETE_LIMIT
    ) -> list[VenueRecord]:
        query = normalize_name(text)
        async with self.db.read() as session:
            return await VenueRepository(session).search_names(guild_id, query, limit)
