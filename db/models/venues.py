"""Venues, their tags and the visits members record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.vocabulary import VENUE_KINDS, VENUE_STATUSES
from db.models.base import Base, Id, one_of, utcnow


class Venue(Base):
    __tablename__ = "venue"
    #: `net_votes` moves with every vote: it is in no index, so that PostgreSQL updates
    #: the row in place (HOT) instead of writing every index of the venue again.
    __table_args__ = (
        CheckConstraint(one_of("kind", VENUE_KINDS), name="kind"),
        CheckConstraint(one_of("status", VENUE_STATUSES), name="status"),
        Index("ix_venue_guild_normalized", "guild_id", "normalized_name"),
        Index("ix_venue_guild_status_created", "guild_id", "status", "created_at"),
        Index("ix_venue_announcement", "announcement_message_id", unique=True),
        Index("ix_venue_guild_city_key", "guild_id", "city_key"),
        Index("ix_venue_guild_proposer_created", "guild_id", "proposer_id", "created_at"),
        #: One live venue per name and city: the check before an insert cannot see a
        #: concurrent proposal's uncommitted row, this index can.
        Index(
            "uq_venue_live_name_city",
            "guild_id",
            "city_key",
            "normalized_name",
            unique=True,
            sqlite_where=text("status <> 'removed'"),
            postgresql_where=text("status <> 'removed'"),
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(100))
    normalized_name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    city: Mapped[str] = mapped_column(String(60))
    address: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(String(1000), default="")
    proposer_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10), default="active")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())
    announcement_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    announcement_message_id: Mapped[int | None] = mapped_column(BigInteger)
    removed_reason: Mapped[str | None] = mapped_column(String(200))
    #: Normalized city (case, accents, punctuation) for filters and duplicate detection.
    city_key: Mapped[str] = mapped_column(String(60), default="", server_default="")
    #: Folded name, city, description and tags: what full-text search indexes
    #: (FTS5 table `venue_fts` on SQLite, a GIN expression index on PostgreSQL).
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Upvotes minus downvotes, kept in step with the vote table by the vote repository.
    net_votes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: With moderation on, a live venue's edit waiting for a moderator: the whole new
    #: state (fields and tags); the announcement keeps the approved one meanwhile.
    pending_changes: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    #: Set when the proposer erased their data: `bot.domain.marks.proposer_mark`.
    proposer_mark: Mapped[str | None] = mapped_column(String(64))


class VenueTag(Base):
    __tablename__ = "venue_tag"
    __table_args__ = (Index("ix_venue_tag_guild_tag", "guild_id", "tag"),)

    venue_id: Mapped[int] = mapped_column(
        ForeignKey("venue.id", ondelete="CASCADE"), primary_key=True
    )
    #: The search key (`db.repositories.venues.tag_key`); `label` is the tag as written
    #: (missing for tags stored before labels were kept: the key is shown then).
    tag: Mapped[str] = mapped_column(String(24), primary_key=True)
    label: Mapped[str | None] = mapped_column(String(24))
    guild_id: Mapped[int] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(SmallInteger, default=0)


class Visit(Base):
    __tablename__ = "visit"
    __table_args__ = (
        CheckConstraint("hours >= 0.25 AND hours <= 24", name="hours"),
        UniqueConstraint("venue_id", "member_id", "visited_on"),
        Index("ix_visit_guild_member_date", "guild_id", "member_id", "visited_on"),
        Index("ix_visit_venue", "venue_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(BigInteger)
    visited_on: Mapped[dt.date] = mapped_column(Date)
    hours: Mapped[float] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())
