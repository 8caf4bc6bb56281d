"""the check-back of each occurrence and the members it asks

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "checkback",
        sa.Column("occurrence_id", Id, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("channel_id", sa.BigInteger(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["occurrence_id"],
            ["routine_occurrence.id"],
            name=op.f("fk_checkback_occurrence_id_routine_occurrence"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("occurrence_id", name=op.f("pk_checkback")),
    )
    op.create_table(
        "checkback_ask",
        sa.Column("occurrence_id", Id, nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.String(length=6), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "answer IS NULL OR answer IN ('went', 'missed')", name=op.f("ck_checkback_ask_answer")
        ),
        sa.ForeignKeyConstraint(
            ["occurrence_id"],
            ["routine_occurrence.id"],
            name=op.f("fk_checkback_ask_occurrence_id_routine_occurrence"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("occurrence_id", "member_id", name=op.f("pk_checkback_ask")),
    )
    op.create_index("ix_checkback_ask_guild_member", "checkback_ask", ["guild_id", "member_id"])


def downgrade() -> None:
    op.drop_index("ix_checkback_ask_guild_member", table_name="checkback_ask")
    op.drop_table("checkback_ask")
    op.drop_table("checkback")
