"""members' hopes for a gathering, hopes met per venue, monthly summaries to hosts

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Nullable columns with no default: existing answers and ratings are kept as they are.
    op.add_column("routine_rsvp", sa.Column("hopes", sa.SmallInteger(), nullable=True))
    op.add_column("rating", sa.Column("hopes", sa.SmallInteger(), nullable=True))
    op.add_column(
        "member_profile",
        sa.Column("summaries", sa.Boolean(), server_default=sa.text("true"), nullable=False),
    )
    op.create_table(
        "venue_hope_stats",
        sa.Column("venue_id", Id, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("met", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["venue_id"],
            ["venue.id"],
            name=op.f("fk_venue_hope_stats_venue_id_venue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("venue_id", name=op.f("pk_venue_hope_stats")),
    )
    op.create_table(
        "summary_plan",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "month", name=op.f("pk_summary_plan")),
    )
    op.create_table(
        "monthly_summary",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("recipient_id", sa.BigInteger(), nullable=False),
        sa.Column("subject", sa.String(length=7), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=8), nullable=True),
        sa.CheckConstraint(
            "subject IN ('routine', 'venue')", name=op.f("ck_monthly_summary_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monthly_summary")),
        sa.UniqueConstraint(
            "recipient_id",
            "subject",
            "subject_id",
            "month",
            name=op.f("uq_monthly_summary_recipient_id_subject_subject_id_month"),
        ),
    )
    op.create_index("ix_monthly_summary_pending", "monthly_summary", ["sent_at", "guild_id"])
    op.create_index(
        "ix_monthly_summary_guild_recipient", "monthly_summary", ["guild_id", "recipient_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_monthly_summary_guild_recipient", table_name="monthly_summary")
    op.drop_index("ix_monthly_summary_pending", table_name="monthly_summary")
    op.drop_table("monthly_summary")
    op.drop_table("summary_plan")
    op.drop_table("venue_hope_stats")
    with op.batch_alter_table("member_profile") as batch_op:
        batch_op.drop_column("summaries")
    with op.batch_alter_table("rating") as batch_op:
        batch_op.drop_column("hopes")
    with op.batch_alter_table("routine_rsvp") as batch_op:
        batch_op.drop_column("hopes")
