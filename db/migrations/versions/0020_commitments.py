"""members' commitments to one gathering a week

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "commitment",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("iso_year", sa.SmallInteger(), nullable=False),
        sa.Column("iso_week", sa.SmallInteger(), nullable=False),
        sa.Column("occurrence_id", Id, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["occurrence_id"], ["routine_occurrence.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("guild_id", "member_id", "iso_year", "iso_week"),
    )
    op.create_index("ix_commitment_member", "commitment", ["member_id"])


def downgrade() -> None:
    op.drop_index("ix_commitment_member", table_name="commitment")
    op.drop_table("commitment")
