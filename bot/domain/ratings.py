"""Ratings: a history per member and venue, the newest counting most; never by the venue's
proposer."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.errors import Forbidden, InvalidInput, NotFound
from bot.domain.marks import is_proposer
from bot.domain.parsing import parse_hours
from bot.domain.ranking import Score
from bot.domain.rating_history import Presence, RatingInput, record_rating
from bot.domain.text import clean_block
from bot.domain.venues import LISTED_STATUSES, load_venue, named_venue
from db.engine import Database
from db.repositories import RatingEntry, RatingRepository, VenueRecord
from db.repositories.rating_context import rating_context

__all__ = ["Presence", "RateOutcome", "RatingInput", "RatingService", "validate_rating"]

COMMENT_MAX = 500


@dataclass(frozen=True, slots=True)
class RateOutcome:
    venue: VenueRecord
    created: bool
    score: Score


def _grade(value: object, field: str, *, required: bool) -> int | None:
    if value is None or value == "":
        if required:
            raise InvalidInput("error.field_required", field=field)
        return None
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise InvalidInput("error.grade_range", field=field) from None
    if not number.is_integer() or not 1 <= number <= 5:
        raise InvalidInput("error.grade_range", field=field)
    return int(number)


def parse_criteria(text: str | None) -> tuple[str | None, str | None, str | None]:
    """'4 5 3', '4/5/3' or '453' -> substance, experience, connections; fewer is fine."""
    raw = (text or "").strip()
    if not raw:
        return (None, None, None)
    parts = re.split(r"[\s/;,]+", raw) if re.search(r"[\s/;,]", raw) else list(raw)
    parts = [p for p in parts if p]
    if len(parts) > 3 or not all(p.isascii() and p.isdigit() for p in parts):
        raise InvalidInput("error.criteria_format")
    padded: list[str | None] = [*parts, None, None, None]
    return (padded[0], padded[1], padded[2])


def validate_rating(
    *,
    worth: object,
    hours: object,
    substance: object = None,
    experience: object = None,
    connections: object = None,
    comment: str | None = None,
) -> RatingInput:
    text = clean_block(comment or "")
    if len(text) > COMMENT_MAX:
        raise InvalidInput(
            "error.field_too_long", field="comment", max=COMMENT_MAX, length=len(text)
        )
    if hours is None or hours == "":
        raise InvalidInput("error.field_required", field="hours")
    grade = _grade(worth, "worth", required=True)
    assert grade is not None  # required
    return RatingInput(
        worth=grade,
        hours=parse_hours(hours),
        substance=_grade(substance, "substance", required=False),
        experience=_grade(experience, "experience", required=False),
        connections=_grade(connections, "connections", required=False),
        comment=text or None,
    )


class RatingService:
    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK, marker_key: bytes = b"") -> None:
        self.db = db
        self.clock = clock
        self.marker_key = marker_key

    async def may_rate(self, guild_id: int, venue_id: int, member_id: int) -> None:
        """Refuses before the form opens, rather than after it is filled, when the member
        proposed the venue."""
        async with self.db.read() as session:
            venue = await load_venue(session, guild_id, venue_id)
        if is_proposer(venue, member_id, self.marker_key):
            raise Forbidden("error.rate_own_venue")

    async def rate(
        self,
        guild_id: int,
        venue_id: int,
        member_id: int,
        rating: RatingInput,
        *,
        now: dt.datetime | None = None,
        named: bool = False,
    ) -> RateOutcome:
        """Add a rating to the member's history; what they leave out is kept from their last
        rating. A visit they logged and no rating is tied to yet makes it a visit's rating.
        `named`: the member named the venue in a command, which refuses a venue that is not
        listed as the option does (`named_venue`)."""
        now = now or await self.clock.now()  # before the write lock is taken
        async with self.db.write() as session:
            found = await rating_context(session, guild_id, venue_id, member_id)
            venue = found.venue if found else None
            if named:
                venue = named_venue(venue, str(venue_id))
            elif venue is None or venue.status not in LISTED_STATUSES:
                raise NotFound("error.venue_not_found", query=str(venue_id))
            if is_proposer(venue, member_id, self.marker_key):
                raise Forbidden("error.rate_own_venue")
            assert found is not None
            history = list(found.history)
            visit_id = found.unrated_visit
            presence = Presence("visit", visit_id=visit_id) if visit_id else Presence()
            recorded = await record_rating(
                session,
                venue,
                member_id,
                rating.keeping(history[0] if history else None),
                presence,
                now,
                history,
            )
        return RateOutcome(venue=venue, created=recorded.created, score=recorded.score)

    async def last_answers(
        self, guild_id: int, venue_id: int, member_id: int
    ) -> RatingEntry | None:
        """The member's last rating of the venue, to pre-fill the form with."""
        async with self.db.read() as session:
            venue = await load_venue(session, guild_id, venue_id)
            return await RatingRepository(session).last(venue.id, member_id)
