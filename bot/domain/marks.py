"""Who proposed a venue, once they have erased their data: a keyed hash of guild and
member ids, with the key outside the database, so the mark refuses self-dealing without
telling anyone who it was."""

from __future__ import annotations

import hashlib
import hmac
from typing import Protocol


class Proposed(Protocol):
    """A venue as far as its proposer goes (`VenueRecord`, or the vote path's row)."""

    @property
    def guild_id(self) -> int: ...
    @property
    def proposer_id(self) -> int: ...
    @property
    def proposer_mark(self) -> str | None: ...


def proposer_mark(key: bytes, guild_id: int, member_id: int) -> str:
    return hmac.new(key, f"{guild_id}:{member_id}".encode(), hashlib.sha256).hexdigest()


def is_proposer(venue: Proposed, member_id: int, key: bytes) -> bool:
    """The member proposed the venue, under their id or, after erasure, under its mark."""
    if venue.proposer_id == member_id:
        return True
    return venue.proposer_mark is not None and hmac.compare_digest(
        venue.proposer_mark, proposer_mark(key, venue.guild_id, member_id)
    )


def marker_key(token: str) -> bytes:
    """The mark's key, derived from the bot's token (never stored in the database)."""
    return hashlib.sha256(b"bonnes-places proposer mark\0" + token.encode()).digest()
