"""The venue service: proposals, edits, reviews and look-ups. What a valid proposal is
lives in bot/domain/venue_drafts.py (re-exported here for callers)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from bot.domain.guild_config import GuildConfig
from bot.domain.limits import PROPOSAL_WINDOW, refuse_over_limit
from bot.domain.quotas import refuse_proposal_over_limit
from bot.domain.ranking import FLAG_ALL, GOT_ALL, Score, score_sums
from bot.domain.scores import prior_of, venue_sums
from bot.domain.similarity import SIMILARITY_THRESHOLD, name_similarity
from bot.domain.text import clean_line, normalize_name
from bot.domain.venue_drafts import (
    ADDRESS_MAX,
    AUTOCOMPLETE_LIMIT,
    CITY_MAX,
    DESCRIPTION_MAX,
    DRAFT_FIELDS,
    EDITABLE_STATUSES,
    LISTED_STATUSES,
    NAME_MAX,
    PUBLIC_FIELDS,
    REASON_MAX,
    TAG_MAX,
    TAGS_MAX,
    URL_MAX,
    VenueDraft,
    apply_changes,
    draft_from,
    draft_of,
    optional_line,
    parse_tags,
    parse_venue_ref,
    pending_of,
    review_key,
    validate_kind,
    validate_proposal,
    validate_url,
)
from db.engine import Database
from db.repositories import (
    ActivityRepository,
    GuildConfigRepository,
    RatingSummary,
    VenueCard,
    VenueRecord,
    VenueRepository,
)
from db.repositories.proposal_checks import ProposalChecks, proposal_checks
from db.repositories.venue_card import VenueCardRepository

__all__ = [
    "ADDRESS_MAX",
    "AUTOCOMPLETE_LIMIT",
    "CITY_MAX",
    "DESCRIPTION_MAX",
    "EDITABLE_STATUSES",
    "LISTED_STATUSES",
    "NAME_MAX",
    "REASON_MAX",
    "TAGS_MAX",
    "TAG_MAX",
    "URL_MAX",
    "VenueDetails",
    "VenueDraft",
    "VenueService",
    "apply_changes",
    "load_venue",
    "named_venue",
    "parse_tags",
    "parse_venue_ref",
    "require_owner",
    "validate_kind",
    "validate_proposal",
    "validate_url",
]


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


def named_venue(
    venue: VenueRecord | None, query: str, statuses: tuple[str, ...] = LISTED_STATUSES
) -> VenueRecord:
    """The venue a member named (`query`), refused unless its status is one of `statuses`:
    a venue that exists but cannot be used says why."""
    if venue is None:
        raise NotFound("error.venue_not_found", query=query)
    if venue.status not in statuses:
        key = "error.venue_pending" if venue.status == "pending" else "error.venue_removed"
        raise NotFound(key, name=venue.name)
    return venue


def require_owner(venue: VenueRecord, member_id: int, is_moderator: bool) -> None:
    if venue.proposer_id != member_id and not is_moderator:
        raise Forbidden("error.not_proposer_or_moderator", name=venue.name)


def _refuse(existing: VenueRecord | None) -> None:
    """An exact duplicate of a proposal or an edit, as a Conflict."""
    if existing is not None:
        raise Conflict(
            "error.duplicate",
            name=existing.name,
            city=existing.city,
            link=existing.jump_url or f"#{existing.id}",
        )


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
        return named_venue(venue, clean_line(text)[:NAME_MAX], statuses)

    async def check_proposal(
        self, guild_id: int, member_id: int, draft: VenueDraft
    ) -> tuple[GuildConfig, list[VenueRecord]]:
        """Before asking the member anything, in one read: the guild's settings, the
        member's cap on proposals and an exact duplicate (both refused), and the venues
        like the draft. `propose` checks the cap and the duplicate again in its write."""
        now = await self.clock.now()
        async with self.db.read() as session:
            config = await GuildConfigRepository(session).get(guild_id)
            limit = config.proposals_per_day
            checks = await proposal_checks(
                session,
                guild_id,
                draft.normalized_name,
                draft.city_key,
                cap=(member_id, now - PROPOSAL_WINDOW, limit),
            )
            refuse_over_limit("error.limit_proposals", checks.recent, limit, PROPOSAL_WINDOW)
            return config, await self._similar(VenueRepository(session), guild_id, draft, checks)

    async def _similar(
        self, venues: VenueRepository, guild_id: int, draft: VenueDraft, checks: ProposalChecks
    ) -> list[VenueRecord]:
        if checks.exact is not None:
            _refuse(await venues.get(guild_id, checks.exact))
        scored = sorted(
            (
                (-name_similarity(draft.normalized_name, name, draft.city_key), venue_id)
                for venue_id, name in checks.candidates
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
        _refuse(
            await venues.same_name_and_city(
                guild_id, draft.normalized_name, draft.city_key, exclude=exclude
            )
        )

    async def propose(
        self,
        guild_id: int,
        proposer_id: int,
        draft: VenueDraft,
        *,
        pending: bool = False,
        now: dt.datetime | None = None,
        config: GuildConfig | None = None,
    ) -> VenueRecord:
        """Store a proposal; the member's cap is checked again in the write, by the insert
        itself (against `config`, the guild's settings the command read, or read here). An
        exact duplicate is refused by the unique index on live names, as a Conflict."""
        now = now or await self.clock.now()
        try:
            async with self.db.write() as session:
                if config is None:
                    config = await GuildConfigRepository(session).get(guild_id)
                await ActivityRepository(session).lock_member(guild_id, proposer_id)
                venue = await VenueRepository(session).create(
                    guild_id=guild_id,
                    proposer_id=proposer_id,
                    status="pending" if pending else "active",
                    tags=draft.tags,
                    now=now,
                    cap=(now - PROPOSAL_WINDOW, config.proposals_per_day),
                    **draft.columns(),
                )
                if venue is None:  # over the cap: say until when
                    await refuse_proposal_over_limit(session, config, proposer_id, now)
                    raise AssertionError("the cap refused what its check allows")
                return venue
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
        clean_reason = optional_line(reason, "reason", REASON_MAX)
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

    async def details_named(self, guild_id: int, venue_id: int) -> VenueDetails:
        """`details` of the venue a member named by its id (the option's look-up), refused
        as `resolve` refuses it, in one read."""
        async with self.db.read() as session:
            venue = await VenueRepository(session).get(guild_id, venue_id)
            return await self._details(session, named_venue(venue, str(venue_id)))

    async def _details(self, session: AsyncSession, venue: VenueRecord) -> VenueDetails:
        read = await VenueCardRepository(session).read(venue.guild_id, venue.id, GOT_ALL, FLAG_ALL)
        return VenueDetails(
            venue=venue,
            upvotes=read.upvotes,
            downvotes=read.downvotes,
            tags=read.tags,
            ratings=read.summary,
            score=score_sums(venue.id, venue_sums(read.stats), prior_of(read.prior)),
            comments=read.comments,
            card=read.card,
        )

    async def autocomplete(
        self, guild_id: int, text: str, limit: int = AUTOCOMPLETE_LIMIT
    ) -> list[VenueRecord]:
        query = normalize_name(text)
        async with self.db.read_one() as session:  # asked at every keystroke
            return await VenueRepository(session).search_names(guild_id, query, limit)
