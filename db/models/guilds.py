"""A guild's configuration, members' profiles and the bot's own state."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    SmallInteger,
    String,
    Text,
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.limits import (
    DEFAULT_PROPOSALS_PER_DAY,
    DEFAULT_ROUTINES_PER_WEEK,
    DEFAULT_VISIT_DAYS_BACK,
)
from db.models.base import Base, utcnow


class GuildConfigRow(Base):
    """What a guild configured; read as a `GuildConfig` record."""

    __tablename__ = "guild_settings"
    __table_args__ = (
        CheckConstraint("language IS NULL OR language IN ('fr', 'en')", name="language"),
        CheckConstraint(
            "digest_weekday IS NULL OR digest_weekday BETWEEN 0 AND 6", name="digest_weekday"
        ),
        CheckConstraint("digest_hour IS NULL OR digest_hour BETWEEN 0 AND 23", name="digest_hour"),
    )

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    #: None: follow the guild's Discord locale.
    language: Mapped[str | None] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    venue_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    digest_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    digest_weekday: Mapped[int | None] = mapped_column(SmallInteger)
    digest_hour: Mapped[int | None] = mapped_column(SmallInteger)
    moderation: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    moderator_role_id: Mapped[int | None] = mapped_column(BigInteger)
    #: Due times before this moment do not count (a digest set up on Friday does not post
    #: the Monday one it "missed").
    digest_since: Mapped[dt.datetime | None] = mapped_column()
    #: Caps per member (bot/domain/limits.py).
    proposals_per_day: Mapped[int] = mapped_column(
        SmallInteger,
        default=DEFAULT_PROPOSALS_PER_DAY,
        server_default=str(DEFAULT_PROPOSALS_PER_DAY),
    )
    routines_per_week: Mapped[int] = mapped_column(
        SmallInteger,
        default=DEFAULT_ROUTINES_PER_WEEK,
        server_default=str(DEFAULT_ROUTINES_PER_WEEK),
    )
    visit_days_back: Mapped[int] = mapped_column(
        SmallInteger, default=DEFAULT_VISIT_DAYS_BACK, server_default=str(DEFAULT_VISIT_DAYS_BACK)
    )
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())


class MemberProfile(Base):
    """What a member chose about their own profile."""

    __tablename__ = "member_profile"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    member_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The monthly summary of a routine they host or a venue they proposed, in a DM.
    summaries: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())


class BotState(Base):
    """Process-wide facts that are not guild data, such as the synced command schema hash."""

    __tablename__ = "bot_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())
