"""answers to the digest's question, quoted in the next digest with their author's consent

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "digest_answer",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("iso_year", sa.SmallInteger(), nullable=False),
        sa.Column("iso_week", sa.SmallInteger(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_answer")),
    )
    op.create_index(
        "ix_digest_answer_guild_week", "digest_answer", ["guild_id", "iso_year", "iso_week"]
    )
    op.create_index("ix_digest_answer_member", "digest_answer", ["member_id"])


def downgrade() -> None:
    op.drop_index("ix_digest_answer_member", table_name="digest_answer")
    op.drop_index("ix_digest_answer_guild_week", table_name="digest_answer")
    op.drop_table("digest_answer")
