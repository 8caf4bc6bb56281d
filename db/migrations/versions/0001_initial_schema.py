"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 23:11:30.311460
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "bot_state",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_bot_state")),
    )
    op.create_table(
        "digest_run",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("iso_year", sa.SmallInteger(), nullable=False),
        sa.Column("iso_week", sa.SmallInteger(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_run")),
        sa.UniqueConstraint(
            "guild_id",
            "iso_year",
            "iso_week",
            name=op.f("uq_digest_run_guild_id_iso_year_iso_week"),
        ),
    )
    op.create_table(
        "guild_settings",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False),
        sa.Column("venue_channel_id", sa.BigInteger(), nullable=True),
        sa.Column("digest_channel_id", sa.BigInteger(), nullable=True),
        sa.Column("digest_weekday", sa.SmallInteger(), nullable=True),
        sa.Column("digest_hour", sa.SmallInteger(), nullable=True),
        sa.Column("moderation", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("moderator_role_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "language IS NULL OR language IN ('fr', 'en')", name=op.f("ck_guild_settings_language")
        ),
        sa.CheckConstraint(
            "digest_hour IS NULL OR digest_hour BETWEEN 0 AND 23",
            name=op.f("ck_guild_settings_digest_hour"),
        ),
        sa.CheckConstraint(
            "digest_weekday IS NULL OR digest_weekday BETWEEN 0 AND 6",
            name=op.f("ck_guild_settings_digest_weekday"),
        ),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_guild_settings")),
    )
    op.create_table(
        "venue",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("normalized_name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("city", sa.String(length=60), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("url", sa.String(length=300), nullable=True),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("proposer_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("announcement_channel_id", sa.BigInteger(), nullable=True),
        sa.Column("announcement_message_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('meetup', 'conference', 'seminar', 'afterwork', 'coworking', 'association', 'workshop', 'other')",
            name=op.f("ck_venue_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('active', 'pending', 'removed')", name=op.f("ck_venue_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue")),
    )
    with op.batch_alter_table("venue", schema=None) as batch_op:
        batch_op.create_index("ix_venue_announcement", ["announcement_message_id"], unique=True)
        batch_op.create_index(
            "ix_venue_guild_normalized", ["guild_id", "normalized_name"], unique=False
        )
        batch_op.create_index(
            "ix_venue_guild_status_created", ["guild_id", "status", "created_at"], unique=False
        )

    op.create_table(
        "rating",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("venue_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("worth", sa.SmallInteger(), nullable=False),
        sa.Column("substance", sa.SmallInteger(), nullable=True),
        sa.Column("experience", sa.SmallInteger(), nullable=True),
        sa.Column("connections", sa.SmallInteger(), nullable=True),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("comment", sa.String(length=500), nullable=True),
        sa.Column("show_author", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "connections IS NULL OR connections BETWEEN 1 AND 5", name=op.f("ck_rating_connections")
        ),
        sa.CheckConstraint(
            "experience IS NULL OR experience BETWEEN 1 AND 5", name=op.f("ck_rating_experience")
        ),
        sa.CheckConstraint("hours >= 0.25 AND hours <= 24", name=op.f("ck_rating_hours")),
        sa.CheckConstraint(
            "substance IS NULL OR substance BETWEEN 1 AND 5", name=op.f("ck_rating_substance")
        ),
        sa.CheckConstraint("worth BETWEEN 1 AND 5", name=op.f("ck_rating_worth")),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["venue.id"], name=op.f("fk_rating_venue_id_venue"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating")),
        sa.UniqueConstraint("venue_id", "member_id", name=op.f("uq_rating_venue_id_member_id")),
    )
    with op.batch_alter_table("rating", schema=None) as batch_op:
        batch_op.create_index("ix_rating_guild_member", ["guild_id", "member_id"], unique=False)
        batch_op.create_index("ix_rating_guild_updated", ["guild_id", "updated_at"], unique=False)

    op.create_table(
        "routine",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("venue_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("local_time", sa.Time(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_routine_weekday")),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["venue.id"], name=op.f("fk_routine_venue_id_venue"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routine")),
    )
    with op.batch_alter_table("routine", schema=None) as batch_op:
        batch_op.create_index("ix_routine_guild_weekday", ["guild_id", "weekday"], unique=False)
        batch_op.create_index("ix_routine_venue", ["venue_id"], unique=False)

    op.create_table(
        "venue_tag",
        sa.Column("venue_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tag", sa.String(length=24), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["venue.id"], name=op.f("fk_venue_tag_venue_id_venue"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("venue_id", "tag", name=op.f("pk_venue_tag")),
    )
    with op.batch_alter_table("venue_tag", schema=None) as batch_op:
        batch_op.create_index("ix_venue_tag_guild_tag", ["guild_id", "tag"], unique=False)

    op.create_table(
        "visit",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("venue_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("hours >= 0.25 AND hours <= 24", name=op.f("ck_visit_hours")),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["venue.id"], name=op.f("fk_visit_venue_id_venue"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit")),
    )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index(
            "ix_visit_guild_member_date", ["guild_id", "member_id", "visited_on"], unique=False
        )
        batch_op.create_index("ix_visit_venue", ["venue_id"], unique=False)

    op.create_table(
        "vote",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("venue_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("value IN (-1, 1)", name=op.f("ck_vote_value")),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["venue.id"], name=op.f("fk_vote_venue_id_venue"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote")),
        sa.UniqueConstraint(
            "venue_id", "member_id", "value", name=op.f("uq_vote_venue_id_member_id_value")
        ),
    )
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.create_index("ix_vote_guild_member", ["guild_id", "member_id"], unique=False)

    op.create_table(
        "routine_member",
        sa.Column(
            "routine_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "joined_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["routine_id"],
            ["routine.id"],
            name=op.f("fk_routine_member_routine_id_routine"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("routine_id", "member_id", name=op.f("pk_routine_member")),
    )
    with op.batch_alter_table("routine_member", schema=None) as batch_op:
        batch_op.create_index(
            "ix_routine_member_guild_member", ["guild_id", "member_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("routine_member", schema=None) as batch_op:
        batch_op.drop_index("ix_routine_member_guild_member")

    op.drop_table("routine_member")
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.drop_index("ix_vote_guild_member")

    op.drop_table("vote")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index("ix_visit_venue")
        batch_op.drop_index("ix_visit_guild_member_date")

    op.drop_table("visit")
    with op.batch_alter_table("venue_tag", schema=None) as batch_op:
        batch_op.drop_index("ix_venue_tag_guild_tag")

    op.drop_table("venue_tag")
    with op.batch_alter_table("routine", schema=None) as batch_op:
        batch_op.drop_index("ix_routine_venue")
        batch_op.drop_index("ix_routine_guild_weekday")

    op.drop_table("routine")
    with op.batch_alter_table("rating", schema=None) as batch_op:
        batch_op.drop_index("ix_rating_guild_updated")
        batch_op.drop_index("ix_rating_guild_member")

    op.drop_table("rating")
    with op.batch_alter_table("venue", schema=None) as batch_op:
        batch_op.drop_index("ix_venue_guild_status_created")
        batch_op.drop_index("ix_venue_guild_normalized")
        batch_op.drop_index("ix_venue_announcement")

    op.drop_table("venue")
    op.drop_table("guild_settings")
    op.drop_table("digest_run")
    op.drop_table("bot_state")
