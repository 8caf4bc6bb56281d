"""ratings become a history per member and venue; the ranking's sums are kept in tables

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29

Every existing rating becomes the latest (and only) rating of its member's history, with no
known visit (weight 0.2, bot.domain.ranking.TIER_WEIGHTS). Its value is its worth moved by
its criteria (bot.domain.ranking.rating_value, as of this revision); the per-venue sums and
the guild priors are built from them.
"""

import math
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
NO_VISIT_WEIGHT = 0.2
CRITERIA_GAIN = 0.5


def _tables() -> None:
    op.create_table(
        "venue_rating_stats",
        sa.Column("venue_id", Id, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("raters", sa.Integer(), nullable=False),
        sa.Column("ratings", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("weight_value", sa.Float(), nullable=False),
        sa.Column("weight_log_hours", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["venue_id"],
            ["venue.id"],
            name=op.f("fk_venue_rating_stats_venue_id_venue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("venue_id", name=op.f("pk_venue_rating_stats")),
    )
    op.create_index("ix_venue_rating_stats_guild", "venue_rating_stats", ["guild_id"])
    op.create_table(
        "guild_rating_prior",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("value_sum", sa.Float(), nullable=False),
        sa.Column("value_squares", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_guild_rating_prior")),
    )
    op.create_table(
        "guild_rating_hours",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("quarters", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "quarters", name=op.f("pk_guild_rating_hours")),
    )


def _columns() -> None:
    with op.batch_alter_table("rating", schema=None) as batch_op:
        batch_op.drop_constraint("uq_rating_venue_id_member_id", type_="unique")
        batch_op.add_column(sa.Column("got", sa.SmallInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("flags", sa.SmallInteger(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("tier", sa.String(length=8), server_default="none", nullable=False)
        )
        batch_op.add_column(sa.Column("visit_id", Id, nullable=True))
        batch_op.add_column(sa.Column("occurrence_id", Id, nullable=True))
        batch_op.add_column(
            sa.Column("latest", sa.Boolean(), server_default=sa.text("true"), nullable=False)
        )
        batch_op.add_column(
            sa.Column("weight", sa.Float(), server_default=str(NO_VISIT_WEIGHT), nullable=False)
        )
        batch_op.add_column(sa.Column("value", sa.Float(), server_default="3", nullable=False))
        batch_op.add_column(sa.Column("log_hours", sa.Float(), server_default="0", nullable=False))
        batch_op.create_check_constraint("tier", "tier IN ('attended', 'visit', 'none')")
        batch_op.create_foreign_key(
            "fk_rating_visit_id_visit", "visit", ["visit_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_foreign_key(
            "fk_rating_occurrence_id_routine_occurrence",
            "routine_occurrence",
            ["occurrence_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index("ix_rating_venue_member", ["venue_id", "member_id", "id"])
        batch_op.create_index("ix_rating_visit", ["visit_id"])
        batch_op.create_index(
            "ix_rating_guild_created_cover",
            ["guild_id", "created_at", "venue_id", "member_id", "weight", "value", "log_hours"],
        )
    # The server defaults only served to add the columns to existing rows.
    with op.batch_alter_table("rating", schema=None) as batch_op:
        for name in ("weight", "value", "log_hours"):
            batch_op.alter_column(name, server_default=None)


def _backfill() -> None:
    rating = sa.table(
        "rating",
        *(sa.column(c, sa.Float()) for c in ("hours", "value", "log_hours")),
        *(sa.column(c, sa.Integer()) for c in ("worth", "substance", "experience", "connections")),
    )
    criteria = [rating.c.substance, rating.c.experience, rating.c.connections]
    answered = sum(sa.case((c.is_(None), 0), else_=1) for c in criteria)
    grades = sum(sa.case((c.is_(None), 0.0), else_=(c - 3) / 2.0) for c in criteria)
    raw = rating.c.worth + sa.case(
        (answered > 0, CRITERIA_GAIN * grades / sa.case((answered > 0, answered), else_=1)),
        else_=0.0,
    )
    value = sa.case((raw > 5, 5.0), (raw < 1, 1.0), else_=raw)
    op.execute(rating.update().values(value=value))
    bind = op.get_bind()
    for (hours,) in bind.execute(sa.text("SELECT DISTINCT hours FROM rating")).all():
        op.execute(rating.update().where(rating.c.hours == hours).values(log_hours=math.log(hours)))
    op.execute(
        "INSERT INTO venue_rating_stats (venue_id, guild_id, raters, ratings, weight, "
        "weight_value, weight_log_hours) SELECT venue_id, min(guild_id), "
        "count(DISTINCT member_id), count(*), sum(weight), sum(weight * value), "
        "sum(weight * log_hours) FROM rating GROUP BY venue_id"
    )
    active = (
        "FROM rating JOIN venue ON venue.id = rating.venue_id "
        "WHERE rating.latest AND venue.status = 'active'"
    )
    op.execute(
        "INSERT INTO guild_rating_prior (guild_id, count, value_sum, value_squares) "
        f"SELECT rating.guild_id, count(*), sum(value), sum(value * value) {active} "
        "GROUP BY rating.guild_id"
    )
    quarters = "CAST(round(rating.hours * 4) AS INTEGER)"
    op.execute(
        "INSERT INTO guild_rating_hours (guild_id, quarters, count) "
        f"SELECT rating.guild_id, {quarters}, count(*) {active} "
        f"GROUP BY rating.guild_id, {quarters}"
    )


def upgrade() -> None:
    _tables()
    _columns()
    _backfill()


def downgrade() -> None:
    # Keep each member's latest rating of each venue, as before the history.
    op.execute("DELETE FROM rating WHERE NOT latest")
    with op.batch_alter_table("rating", schema=None) as batch_op:
        batch_op.drop_index("ix_rating_guild_created_cover")
        batch_op.drop_index("ix_rating_visit")
        batch_op.drop_index("ix_rating_venue_member")
        batch_op.drop_constraint("fk_rating_occurrence_id_routine_occurrence", type_="foreignkey")
        batch_op.drop_constraint("fk_rating_visit_id_visit", type_="foreignkey")
        batch_op.drop_constraint("ck_rating_tier", type_="check")
        for name in (
            "log_hours",
            "value",
            "weight",
            "latest",
            "occurrence_id",
            "visit_id",
            "tier",
            "flags",
            "got",
        ):
            batch_op.drop_column(name)
        batch_op.create_unique_constraint("uq_rating_venue_id_member_id", ["venue_id", "member_id"])
    op.drop_table("guild_rating_hours")
    op.drop_table("guild_rating_prior")
    op.drop_index("ix_venue_rating_stats_guild", table_name="venue_rating_stats")
    op.drop_table("venue_rating_stats")
