"""Routines, their dated occurrences, who goes, and commitments."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Time,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.vocabulary import OCCURRENCE_STATUSES, RSVP_SOURCES
from db.models.base import Base, Id, one_of, utcnow


class Routine(Base):
    __tablename__ = "routine"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        UniqueConstraint("venue_id", "weekday", "local_time"),
        Index("ix_routine_guild_weekday", "guild_id", "weekday"),
        Index("ix_routine_venue", "venue_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(SmallInteger)
    local_time: Mapped[dt.time] = mapped_column(Time)
    title: Mapped[str | None] = mapped_column(String(100))
    creator_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())
    duration_minutes: Mapped[int] = mapped_column(SmallInteger, default=120, server_default="120")
    #: Who answers for the routine; None once its host asked to be forgotten.
    host_id: Mapped[int | None] = mapped_column(BigInteger)
    #: Set when nobody went three times running: no new events until someone resumes it.
    paused_at: Mapped[dt.datetime | None] = mapped_column()
    #: When a member last resumed it: only the occurrences since then count for a lapse.
    resumed_at: Mapped[dt.datetime | None] = mapped_column()
    #: The public card in the venue's channel, and the thread opened from it.
    card_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    card_message_id: Mapped[int | None] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)


class RoutineOccurrence(Base):
    """One date of a routine, and the Discord scheduled event created for it exactly once
    (claimed like a digest run: the unique routine + start lets one process insert it)."""

    __tablename__ = "routine_occurrence"
    __table_args__ = (
        UniqueConstraint("routine_id", "starts_at"),
        CheckConstraint(one_of("status", OCCURRENCE_STATUSES), name="status"),
        Index("ix_routine_occurrence_event", "event_id"),
        Index("ix_routine_occurrence_guild_starts", "guild_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    routine_id: Mapped[int] = mapped_column(ForeignKey("routine.id", ondelete="CASCADE"))
    guild_id: Mapped[int] = mapped_column(BigInteger)
    starts_at: Mapped[dt.datetime] = mapped_column()
    ends_at: Mapped[dt.datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(10), default="scheduled", server_default="scheduled")
    reason: Mapped[str | None] = mapped_column(String(200))
    event_id: Mapped[int | None] = mapped_column(BigInteger)
    claimed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    #: The last failure as the logs tell it (for operators, never shown to members).
    last_error: Mapped[str | None] = mapped_column(String(300))
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column()
    #: The reminder posted in the routine's thread an hour before: taken by one process
    #: (a lease), then marked as sent.
    reminder_claimed_at: Mapped[dt.datetime | None] = mapped_column()
    reminded_at: Mapped[dt.datetime | None] = mapped_column()


class RoutineRsvp(Base):
    """A member's answer for one occurrence: by the card's buttons, Discord's "Interested",
    or the week's commitment (withdrawn when the member commits to another gathering)."""

    __tablename__ = "routine_rsvp"
    __table_args__ = (
        CheckConstraint(one_of("source", RSVP_SOURCES), name="source"),
        Index("ix_routine_rsvp_guild_member", "guild_id", "member_id"),
    )

    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("routine_occurrence.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    going: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(10))
    #: What the member hopes to get (bit mask of bot.domain.ranking.GOT_*), if they said.
    hopes: Mapped[int | None] = mapped_column(SmallInteger)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())


class RoutineMember(Base):
    __tablename__ = "routine_member"
    __table_args__ = (Index("ix_routine_member_guild_member", "guild_id", "member_id"),)

    routine_id: Mapped[int] = mapped_column(
        ForeignKey("routine.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    joined_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())


class RoutineReminder(Base):
    """A member who asked to be pinged in the routine's thread before each occurrence."""

    __tablename__ = "routine_reminder"
    __table_args__ = (Index("ix_routine_reminder_guild_member", "guild_id", "member_id"),)

    routine_id: Mapped[int] = mapped_column(
        ForeignKey("routine.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())


class Commitment(Base):
    """A member's commitment to one gathering of an ISO week (the digest's "My IRL this
    week"); kept when they answered "I went" to that occurrence's check-back."""

    __tablename__ = "commitment"
    __table_args__ = (Index("ix_commitment_member", "member_id"),)

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    member_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    iso_year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    iso_week: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("routine_occurrence.id", ondelete="CASCADE")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
