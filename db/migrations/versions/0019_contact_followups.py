"""the follow-up of a valuable new contact, thirty days on

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "contact_followup",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("venue_id", Id, nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.String(length=13), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "answer IS NULL OR answer IN ('call', 'client', 'collaboration', 'nothing')",
            name=op.f("ck_contact_followup_answer"),
        ),
        sa.ForeignKeyConstraint(
            ["venue_id"],
            ["venue.id"],
            name=op.f("fk_contact_followup_venue_id_venue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_followup")),
    )
    op.create_index("ix_contact_followup_due", "contact_followup", ["asked_at", "due_at"])
    op.create_index("ix_contact_followup_venue_answer", "contact_followup", ["venue_id", "answer"])
    op.create_index(
        "ix_contact_followup_guild_member", "contact_followup", ["guild_id", "member_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_contact_followup_guild_member", table_name="contact_followup")
    op.drop_index("ix_contact_followup_venue_answer", table_name="contact_followup")
    op.drop_index("ix_contact_followup_due", table_name="contact_followup")
    op.drop_table("contact_followup")
