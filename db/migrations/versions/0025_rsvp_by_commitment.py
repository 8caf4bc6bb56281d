"""an RSVP made by a commitment says so

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _sources(*sources: str) -> None:
    with op.batch_alter_table("routine_rsvp", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_routine_rsvp_source"), type_="check")
        listed = ", ".join(f"'{source}'" for source in sources)
        batch_op.create_check_constraint("source", f"source IN ({listed})")


def upgrade() -> None:
    _sources("button", "interested", "commitment")


def downgrade() -> None:
    op.execute("UPDATE routine_rsvp SET source = 'button' WHERE source = 'commitment'")
    _sources("button", "interested")
