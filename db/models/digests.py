"""Weekly digest runs and the answers to the digest's question."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Id, utcnow


class DigestRun(Base):
    __tablename__ = "digest_run"
    __table_args__ = (
        UniqueConstraint("guild_id", "iso_year", "iso_week"),
        Index("ix_digest_run_message", "message_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    iso_year: Mapped[int] = mapped_column(SmallInteger)
    iso_week: Mapped[int] = mapped_column(SmallInteger)
    claimed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    posted_at: Mapped[dt.datetime | None] = mapped_column()
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    channel_id: Mapped[int | None] = mapped_column(BigInteger)
    #: JSON list of the venue ids behind the digest's numbered reactions, in order.
    venue_ids: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    #: The last failure as the logs tell it (for operators, never shown to members).
    last_error: Mapped[str | None] = mapped_column(String(300))
    #: The last failure as members read it: a message key and its parameters (JSON).
    failure_key: Mapped[str | None] = mapped_column(String(64))
    failure_params: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column()


class DigestAnswer(Base):
    """A member's answer to a digest's question, given in the thread under it; quoted in
    a following digest only once its author agreed (consented_at), and by one digest only
    (quoted_year, quoted_week)."""

    __tablename__ = "digest_answer"
    __table_args__ = (
        Index("ix_digest_answer_guild_week", "guild_id", "iso_year", "iso_week"),
        Index("ix_digest_answer_member", "member_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    #: The week of the digest whose question it answers.
    iso_year: Mapped[int] = mapped_column(SmallInteger)
    iso_week: Mapped[int] = mapped_column(SmallInteger)
    member_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    consented_at: Mapped[dt.datetime | None] = mapped_column()
    #: The ISO week of the posted digest that quoted it: no other digest quotes it again.
    quoted_year: Mapped[int | None] = mapped_column(SmallInteger)
    quoted_week: Mapped[int | None] = mapped_column(SmallInteger)
