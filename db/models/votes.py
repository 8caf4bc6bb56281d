"""Votes by reaction, and the reactions they come from."""

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
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Id, utcnow


class Vote(Base):
    __tablename__ = "vote"
    __table_args__ = (
        UniqueConstraint("venue_id", "member_id", "value"),
        CheckConstraint("value IN (-1, 1)", name="value"),
        Index("ix_vote_guild_member", "guild_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(BigInteger)
    value: Mapped[int] = mapped_column(SmallInteger)
    #: The member's 👍 (value 1) or 👎 (-1) on the venue's announcement stands. A vote
    #: exists while this is true or one of its digest reactions (`VoteReaction`) is stored.
    on_announcement: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())


class VoteReaction(Base):
    """A member's numbered reaction on a digest, as Discord holds it: a 👍 for the venue
    listed at that number. (The announcement's 👍/👎 are `Vote.on_announcement`: most
    reactions cost one row, not two.)

    Kept with two B-trees only (no rowid on SQLite): the key, member first (look-ups by
    key, a member's votes still standing, privacy), and the message (reconciliation lists
    a message's reactions)."""

    __tablename__ = "vote_reaction"
    __table_args__ = (
        Index("ix_vote_reaction_message_id", "message_id"),
        {"sqlite_with_rowid": False},
    )

    member_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    emoji: Mapped[str] = mapped_column(String(16), primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())
