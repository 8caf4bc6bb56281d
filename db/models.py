"""Typed tables. Every guild-owned row carries `guild_id`; Discord ids are 64-bit."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.domain.limits import (
    DEFAULT_PROPOSALS_PER_DAY,
    DEFAULT_ROUTINES_PER_WEEK,
    DEFAULT_VISIT_DAYS_BACK,
)
from bot.domain.vocabulary import (
    OCCURRENCE_STATUSES,
    RATING_TIERS,
    RSVP_SOURCES,
    VENUE_KINDS,
    VENUE_STATUSES,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Surrogate keys: BIGINT on PostgreSQL, INTEGER (rowid alias) on SQLite.
Id = BigInteger().with_variant(Integer(), "sqlite")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar = {dt.datetime: UTCDateTime()}


class Venue(Base):
    __tablename__ = "venue"
    #: `net_votes` moves with every vote: it is in no index, so that PostgreSQL updates
    #: the row in place (HOT) instead of writing every index of the venue again.
    __table_args__ = (
        CheckConstraint(_in("kind", VENUE_KINDS), name="kind"),
        CheckConstraint(_in("status", VENUE_STATUSES), name="status"),
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
        CheckConstraint(_in("tier", RATING_TIERS), name="tier"),
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
        CheckConstraint(_in("status", OCCURRENCE_STATUSES), name="status"),
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
    """A member's answer for one occurrence: by the card's buttons, or Discord's
    "Interested"."""

    __tablename__ = "routine_rsvp"
    __table_args__ = (
        CheckConstraint(_in("source", RSVP_SOURCES), name="source"),
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


class BotState(Base):
    """Process-wide facts that are not guild data, such as the synced command schema hash."""

    __tablename__ = "bot_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())


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
