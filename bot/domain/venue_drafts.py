"""What a valid proposal or edit is: the fields of a venue as members type them, checked
and normalized, and the pending state an edit under review is stored as."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from bot.domain.errors import InvalidInput
from bot.domain.text import clean_block, clean_line, fold, normalize_city, normalize_name
from bot.domain.vocabulary import VENUE_KINDS
from db.repositories import VenueRecord
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


def optional_line(value: str | None, field_name: str, maximum: int) -> str | None:
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
        address=optional_line(address, "address", ADDRESS_MAX),
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
            updated, address=optional_line(changes["address"], "address", ADDRESS_MAX)
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
