"""caps per member: proposals a day, routines a week, how far back a visit may be

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("proposals_per_day", sa.SmallInteger(), server_default="10", nullable=False)
        )
        batch_op.add_column(
            sa.Column("routines_per_week", sa.SmallInteger(), server_default="5", nullable=False)
        )
        batch_op.add_column(
            sa.Column("visit_days_back", sa.SmallInteger(), server_default="30", nullable=False)
        )
    with op.batch_alter_table("venue", schema=None) as batch_op:
        batch_op.create_index(
            "ix_venue_guild_proposer_created",
            ["guild_id", "proposer_id", "created_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("venue", schema=None) as batch_op:
        batch_op.drop_index("ix_venue_guild_proposer_created")
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.drop_column("visit_days_back")
        batch_op.drop_column("routines_per_week")
        batch_op.drop_column("proposals_per_day")
