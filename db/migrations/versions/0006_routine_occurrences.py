"""routine occurrences with their Discord events, RSVPs, and the routine's card and host

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("routine", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("duration_minutes", sa.SmallInteger(), server_default="120", nullable=False)
        )
        batch_op.add_column(sa.Column("host_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("card_channel_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("card_message_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("thread_id", sa.BigInteger(), nullable=True))
    routine = sa.table(
        "routine", sa.column("host_id", sa.BigInteger()), sa.column("creator_id", sa.BigInteger())
    )
    op.execute(
        routine.update().where(routine.c.creator_id != 0).values(host_id=routine.c.creator_id)
    )

    op.create_table(
        "routine_occurrence",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("routine_id", Id, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), server_default="scheduled", nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("event_id", sa.BigInteger(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('scheduled', 'cancelled', 'held')",
            name=op.f("ck_routine_occurrence_status"),
        ),
        sa.ForeignKeyConstraint(
            ["routine_id"],
            ["routine.id"],
            name=op.f("fk_routine_occurrence_routine_id_routine"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routine_occurrence")),
        sa.UniqueConstraint(
            "routine_id", "starts_at", name=op.f("uq_routine_occurrence_routine_id_starts_at")
        ),
    )
    op.create_index("ix_routine_occurrence_event", "routine_occurrence", ["event_id"])
    op.create_index(
        "ix_routine_occurrence_guild_starts", "routine_occurrence", ["guild_id", "starts_at"]
    )

    op.create_table(
        "routine_rsvp",
        sa.Column("occurrence_id", Id, nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("going", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "source IN ('button', 'interested')", name=op.f("ck_routine_rsvp_source")
        ),
        sa.ForeignKeyConstraint(
            ["occurrence_id"],
            ["routine_occurrence.id"],
            name=op.f("fk_routine_rsvp_occurrence_id_routine_occurrence"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("occurrence_id", "member_id", name=op.f("pk_routine_rsvp")),
    )
    op.create_index("ix_routine_rsvp_guild_member", "routine_rsvp", ["guild_id", "member_id"])


def downgrade() -> None:
    op.drop_index("ix_routine_rsvp_guild_member", table_name="routine_rsvp")
    op.drop_table("routine_rsvp")
    op.drop_index("ix_routine_occurrence_guild_starts", table_name="routine_occurrence")
    op.drop_index("ix_routine_occurrence_event", table_name="routine_occurrence")
    op.drop_table("routine_occurrence")
    with op.batch_alter_table("routine", schema=None) as batch_op:
        batch_op.drop_column("thread_id")
        batch_op.drop_column("card_message_id")
        batch_op.drop_column("card_channel_id")
        batch_op.drop_column("paused_at")
        batch_op.drop_column("host_id")
        batch_op.drop_column("duration_minutes")
