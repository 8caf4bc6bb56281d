"""one live venue per name and city

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("status <> 'removed'")


def upgrade() -> None:
    # Proposals that raced each other before this index existed: the oldest stays, the
    # others are removed (not deleted: their ratings and votes are kept).
    op.execute(
        "UPDATE venue SET status = 'removed', removed_reason = 'duplicate' "
        "WHERE status <> 'removed' AND EXISTS (SELECT 1 FROM venue older "
        "WHERE older.guild_id = venue.guild_id AND older.city_key = venue.city_key "
        "AND older.normalized_name = venue.normalized_name "
        "AND older.status <> 'removed' AND older.id < venue.id)"
    )
    op.create_index(
        "uq_venue_live_name_city",
        "venue",
        ["guild_id", "city_key", "normalized_name"],
        unique=True,
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )


def downgrade() -> None:
    op.drop_index("uq_venue_live_name_city", table_name="venue")
