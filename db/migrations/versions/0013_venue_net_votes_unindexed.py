"""net votes out of the venue indexes, so that a vote's update is in place (HOT)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # PostgreSQL updates a row in place (a heap-only tuple) only when no indexed column
    # changes and its page has room: every vote moves `net_votes`, which must then sit in
    # no index, and pages keep a tenth free for those updates.
    op.drop_index("ix_venue_guild_status_net_votes", table_name="venue")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE venue SET (fillfactor = 90)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE venue RESET (fillfactor)")
    op.create_index("ix_venue_guild_status_net_votes", "venue", ["guild_id", "status", "net_votes"])
