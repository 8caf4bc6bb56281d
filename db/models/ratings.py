"""Ratings and the sums the ranking keeps from them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.vocabulary import RATING_TIERS
from db.models.base import Base, Id, one_of, utcnow


class Rating(Base):
    """One member's judgement of one venue after one experience of it. A member's ratings of
    a venue form a history: the newest is `latest`, and `weight` (which the ranking sums)
    fades for the older ones. `value` is the worth adjusted by the criteria and the flags
    (bot/domain/ranking.py), kept with `log_hours` so aggregates need no function of a row."""

    __tablename__ = "rating"
    __table_args__ = (
        CheckConstraint("worth BETWEEN 1 AND 5", name="worth"),
        CheckConstraint("substance IS NULL OR substance BETWEEN 1 AND 5", name="substance"),
        CheckConstraint("experience IS NULL OR experience BETWEEN 1 AND 5", name="experience"),
        CheckConstraint("connections IS NULL OR connections BETWEEN 1 AND 5", name="connections"),
        CheckConstraint("hours >= 0.25 AND hours <= 24", name="hours"),
        CheckConstraint(one_of("tier", RATING_TIERS), name="tier"),
        Index("ix_rating_guild_member", "guild_id", "member_id"),
        Index("ix_rating_guild_updated", "guild_id", "updated_at"),
        Index("ix_rating_venue_member", "venue_id", "member_id", "id"),
        Index("ix_rating_visit", "visit_id"),
        # Covers the period views (/venue top week, month): no visit to the table.
        Index(
            "ix_rating_guild_created_cover",
            "guild_id",
            "created_at",
            "venue_id",
            "member_id",
            "weight",
            "value",
            "log_hours",
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(BigInteger)
    worth: Mapped[int] = mapped_column(SmallInteger)
    substance: Mapped[int | None] = mapped_column(SmallInteger)
    experience: Mapped[int | None] = mapped_column(SmallInteger)
    connections: Mapped[int | None] = mapped_column(SmallInteger)
    hours: Mapped[float] = mapped_column(Float)
    comment: Mapped[str | None] = mapped_column(String(500))
    #: What the member got (bit mask of bot.domain.ranking.GOT_*), when the check-back asked.
    got: Mapped[int | None] = mapped_column(SmallInteger)
    #: What went wrong (bit mask of bot.domain.ranking.FLAG_*).
    flags: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    #: What the member hoped to get when they said they were going (bit mask of GOT_*),
    #: copied from their answer for the occurrence; none when they did not say.
    hopes: Mapped[int | None] = mapped_column(SmallInteger)
    #: How the member's presence is known: attended (check-back), visit (self-logged), none.
    tier: Mapped[str] = mapped_column(String(8), default="none", server_default="none")
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id", ondelete="SET NULL"))
    occurrence_id: Mapped[int | None] = mapped_column(
        ForeignKey("routine_occurrence.id", ondelete="SET NULL")
    )
    latest: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    weight: Mapped[float] = mapped_column(Float)
    value: Mapped[float] = mapped_column(Float)
    log_hours: Mapped[float] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())


class VenueRatingStats(Base):
    """What a venue's RIT score needs, kept as ratings are written: sums of the ratings'
    weights, of weight x value and of weight x ln(hours), and counts."""

    __tablename__ = "venue_rating_stats"
    __table_args__ = (
        Index("ix_venue_rating_stats_guild", "guild_id"),
        Index("ix_venue_rating_stats_guild_rit", "guild_id", "rit_snapshot"),
    )

    venue_id: Mapped[int] = mapped_column(
        ForeignKey("venue.id", ondelete="CASCADE"), primary_key=True
    )
    guild_id: Mapped[int] = mapped_column(BigInteger)
    raters: Mapped[int] = mapped_column(Integer, default=0)
    ratings: Mapped[int] = mapped_column(Integer, default=0)
    weight: Mapped[float] = mapped_column(Float, default=0.0)
    weight_value: Mapped[float] = mapped_column(Float, default=0.0)
    weight_log_hours: Mapped[float] = mapped_column(Float, default=0.0)
    #: The RIT against the guild's snapshot prior (GuildRatingPrior.snapshot_*): an index
    #: to find the best venues by, within a known distance of the RIT against today's prior.
    rit_snapshot: Mapped[float | None] = mapped_column(Float)


class GuildRatingPrior(Base):
    """The guild prior's sums over each member's latest rating of each active venue."""

    __tablename__ = "guild_rating_prior"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(Integer, default=0)
    value_sum: Mapped[float] = mapped_column(Float, default=0.0)
    value_squares: Mapped[float] = mapped_column(Float, default=0.0)
    #: The ranking terms (db.repositories.rating_stats.RankOrder) `rit_snapshot` was
    #: computed with; none until the first one.
    snapshot_pseudo: Mapped[float | None] = mapped_column(Float)
    snapshot_worth: Mapped[float | None] = mapped_column(Float)
    snapshot_time: Mapped[float | None] = mapped_column(Float)
    snapshot_log_hours: Mapped[float | None] = mapped_column(Float)
    snapshot_doubt: Mapped[float | None] = mapped_column(Float)
    #: Where the guild's period sums (VenuePeriodStats) start: the week's and the month's
    #: hold exactly the ratings given since these moments; none before the first rating.
    week_since: Mapped[dt.datetime | None] = mapped_column()
    month_since: Mapped[dt.datetime | None] = mapped_column()


class VenuePeriodStats(Base):
    """A venue's sums over the ratings given since its guild's period start (`days` 7: the
    week, 30: the month; GuildRatingPrior.week_since, month_since), kept as ratings are
    written and moved forward as time passes, with the RIT against the snapshot prior."""

    __tablename__ = "venue_period_stats"
    __table_args__ = (Index("ix_venue_period_stats_guild_rit", "guild_id", "days", "rit_snapshot"),)

    venue_id: Mapped[int] = mapped_column(
        ForeignKey("venue.id", ondelete="CASCADE"), primary_key=True
    )
    days: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    raters: Mapped[int] = mapped_column(Integer, default=0)
    weight: Mapped[float] = mapped_column(Float, default=0.0)
    weight_value: Mapped[float] = mapped_column(Float, default=0.0)
    weight_log_hours: Mapped[float] = mapped_column(Float, default=0.0)
    rit_snapshot: Mapped[float | None] = mapped_column(Float)


class GuildRatingHours(Base):
    """How many of those latest ratings reported each quarter hour (for the median)."""

    __tablename__ = "guild_rating_hours"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    quarters: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(Integer, default=0)


class VenueHopeStats(Base):
    """Hopes against what members got, kept as check-back answers are written: over each
    member's latest answer that came with hopes, how many answered and how many got all
    they hoped for."""

    __tablename__ = "venue_hope_stats"

    venue_id: Mapped[int] = mapped_column(
        ForeignKey("venue.id", ondelete="CASCADE"), primary_key=True
    )
    guild_id: Mapped[int] = mapped_column(BigInteger)
    members: Mapped[int] = mapped_column(Integer, default=0)
    met: Mapped[int] = mapped_column(Integer, default=0)
