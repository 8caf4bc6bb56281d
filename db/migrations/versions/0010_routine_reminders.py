"""members who asked for a reminder before each occurrence, and its exactly-once claim

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("routine_occurrence", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminder_claimed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "routine_reminder",
        sa.Column("routine_id", Id, nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["routine_id"],
            ["routine.id"],
            name=op.f("fk_routine_reminder_routine_id_routine"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("routine_id", "member_id", name=op.f("pk_routine_reminder")),
    )
    op.create_index(
        "ix_routine_reminder_guild_member", "routine_reminder", ["guild_id", "member_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_routine_reminder_guild_member", table_name="routine_reminder")
    op.drop_table("routine_reminder")
    with op.batch_alter_table("routine_occurrence", schema=None) as batch_op:
        batch_op.drop_column("reminded_at")
        batch_op.drop_column("reminder_claimed_at")
