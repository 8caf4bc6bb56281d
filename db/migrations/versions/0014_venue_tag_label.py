"""tags kept as the member wrote them; the existing column stays the search key

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("venue_tag", schema=None) as batch_op:
        batch_op.add_column(sa.Column("label", sa.String(length=24), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("venue_tag", schema=None) as batch_op:
        batch_op.drop_column("label")
