"""The statement of venues' vote counts (`VoteRepository.counts_for`), built once. A result
list reads its venues' counts with the venues themselves (`venue_listings`)."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import aliased

from db.models import Vote


@cache
def counts_statement() -> Any:
    """The votes of the venues `venue_ids` by value, each member's last vote of a venue
    only."""
    newer = aliased(Vote)
    last = ~exists().where(
        newer.venue_id == Vote.venue_id, newer.member_id == Vote.member_id, newer.id > Vote.id
    )
    venues = Vote.venue_id.in_(bindparam("venue_ids", expanding=True))
    return (
        select(Vote.venue_id, Vote.value, func.count())
        .where(venues, last)
        .group_by(Vote.venue_id, Vote.value)
    )
