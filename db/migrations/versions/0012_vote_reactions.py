"""the reactions behind each vote

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vote_reaction",
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("emoji", sa.String(length=16), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("venue_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["venue_id"],
            ["venue.id"],
            name=op.f("fk_vote_reaction_venue_id_venue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", "message_id", "emoji", name=op.f("pk_vote_reaction")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_vote_reaction_message_id", "vote_reaction", ["message_id"])
    # Votes stored before reactions were: each is taken as a reaction on its venue's
    # announcement (reconciliation with Discord corrects the few that came from a digest).
    op.execute(
        sa.text(
            "INSERT INTO vote_reaction "
            "(guild_id, message_id, member_id, emoji, venue_id, value, created_at) "
            "SELECT vote.guild_id, venue.announcement_message_id, vote.member_id, "
            "CASE WHEN vote.value = 1 THEN :up ELSE :down END, vote.venue_id, vote.value, "
            "vote.created_at FROM vote JOIN venue ON venue.id = vote.venue_id "
            "WHERE venue.announcement_message_id IS NOT NULL"
        ).bindparams(up="👍", down="👎")
    )


def downgrade() -> None:
    op.drop_index("ix_vote_reaction_message_id", table_name="vote_reaction")
    op.drop_table("vote_reaction")
