"""each venue's RIT against a snapshot of its guild's prior, indexed for the best venues

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29

No snapshot is taken here: the first rating written in a guild takes it; until then the
best venues are ordered by the exact RIT.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SNAPSHOT = ("pseudo", "worth", "time", "log_hours", "doubt")


def upgrade() -> None:
    with op.batch_alter_table("venue_rating_stats", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rit_snapshot", sa.Float(), nullable=True))
        batch_op.create_index("ix_venue_rating_stats_guild_rit", ["guild_id", "rit_snapshot"])
    with op.batch_alter_table("guild_rating_prior", schema=None) as batch_op:
        for name in SNAPSHOT:
            batch_op.add_column(sa.Column(f"snapshot_{name}", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("guild_rating_prior", schema=None) as batch_op:
        for name in SNAPSHOT:
            batch_op.drop_column(f"snapshot_{name}")
    with op.batch_alter_table("venue_rating_stats", schema=None) as batch_op:
        batch_op.drop_index("ix_venue_rating_stats_guild_rit")
        batch_op.drop_column("rit_snapshot")
