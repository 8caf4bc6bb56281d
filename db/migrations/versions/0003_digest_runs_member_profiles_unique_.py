"""digest runs, member profiles, unique routines

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "member_profile",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("member_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("public", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("guild_id", "member_id", name=op.f("pk_member_profile")),
    )
    with op.batch_alter_table("digest_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("venue_ids", sa.Text(), server_default="[]", nullable=False))
        batch_op.add_column(
            sa.Column("attempts", sa.SmallInteger(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("last_error", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_digest_run_message", ["message_id"], unique=True)

    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest_since", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("routine", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_routine_venue_id_weekday_local_time"),
            ["venue_id", "weekday", "local_time"],
        )


def downgrade() -> None:

    with op.batch_alter_table("routine", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_routine_venue_id_weekday_local_time"), type_="unique"
        )

    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.drop_column("digest_since")

    with op.batch_alter_table("digest_run", schema=None) as batch_op:
        batch_op.drop_index("ix_digest_run_message")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("last_error")
        batch_op.drop_column("attempts")
        batch_op.drop_column("venue_ids")
        batch_op.drop_column("channel_id")

    op.drop_table("member_profile")
