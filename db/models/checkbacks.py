"""Check-backs after a gathering, their follow-ups and monthly summaries."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Id


class CheckBack(Base):
    """The check-back of one occurrence: claimed by one process (insert-or-nothing, then a
    conditional update after a lease), posted once."""

    __tablename__ = "checkback"

    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("routine_occurrence.id", ondelete="CASCADE"), primary_key=True
    )
    guild_id: Mapped[int] = mapped_column(BigInteger)
    claimed_at: Mapped[dt.datetime] = mapped_column()
    posted_at: Mapped[dt.datetime | None] = mapped_column()
    channel_id: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)


class CheckBackAsk(Base):
    """One member asked "were you there?" about one occurrence; answered once, or expired."""

    __tablename__ = "checkback_ask"
    __table_args__ = (
        CheckConstraint("answer IS NULL OR answer IN ('went', 'missed')", name="answer"),
        Index("ix_checkback_ask_guild_member", "guild_id", "member_id"),
    )

    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("routine_occurrence.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[dt.datetime] = mapped_column()
    answer: Mapped[str | None] = mapped_column(String(6))
    answered_at: Mapped[dt.datetime | None] = mapped_column()


class ContactFollowUp(Base):
    """Thirty days after a member said they met a valuable new contact at a venue, one
    private question: did it lead somewhere? Claimed by one process (a conditional update
    after a lease), asked once, answered once."""

    __tablename__ = "contact_followup"
    __table_args__ = (
        CheckConstraint(
            "answer IS NULL OR answer IN ('call', 'client', 'collaboration', 'nothing')",
            name="answer",
        ),
        Index("ix_contact_followup_due", "asked_at", "due_at"),
        Index("ix_contact_followup_venue_answer", "venue_id", "answer"),
        Index("ix_contact_followup_guild_member", "guild_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(BigInteger)
    due_at: Mapped[dt.datetime] = mapped_column()
    claimed_at: Mapped[dt.datetime | None] = mapped_column()
    asked_at: Mapped[dt.datetime | None] = mapped_column()
    answer: Mapped[str | None] = mapped_column(String(13))
    answered_at: Mapped[dt.datetime | None] = mapped_column()


class SummaryPlan(Base):
    """A guild's monthly summaries for one month were planned (insert-or-nothing: once)."""

    __tablename__ = "summary_plan"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    planned_at: Mapped[dt.datetime] = mapped_column()


class MonthlySummary(Base):
    """One private summary of a month's check-back answers to the host of a routine or the
    proposer of a venue: unique per (recipient, subject, month), claimed by one process
    (a conditional update after a lease), sent once."""

    __tablename__ = "monthly_summary"
    __table_args__ = (
        UniqueConstraint("recipient_id", "subject", "subject_id", "month"),
        CheckConstraint("subject IN ('routine', 'venue')", name="subject"),
        Index("ix_monthly_summary_pending", "sent_at", "guild_id"),
        Index("ix_monthly_summary_guild_recipient", "guild_id", "recipient_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    recipient_id: Mapped[int] = mapped_column(BigInteger)
    subject: Mapped[str] = mapped_column(String(7))
    subject_id: Mapped[int] = mapped_column(BigInteger)
    month: Mapped[dt.date] = mapped_column(Date)
    claimed_at: Mapped[dt.datetime | None] = mapped_column()
    sent_at: Mapped[dt.datetime | None] = mapped_column()
    #: sent, closed (the member's DMs are closed), stopped (they opted out), gone (no longer
    #: host or proposer), late (not sent within the month's first weeks).
    outcome: Mapped[str | None] = mapped_column(String(8))
