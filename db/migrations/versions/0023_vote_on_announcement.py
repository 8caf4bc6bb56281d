"""the announcement's 👍/👎 kept on the vote row

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ANNOUNCEMENT_EMOJIS = {"up": "👍", "down": "👎"}


def upgrade() -> None:
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("on_announcement", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    # A vote whose 👍/👎 on the announcement is stored keeps it as the flag; only the
    # digests' numbered reactions stay rows of their own.
    op.execute(
        sa.text(
            "UPDATE vote SET on_announcement = :yes WHERE EXISTS (SELECT 1 FROM vote_reaction r "
            "WHERE r.member_id = vote.member_id AND r.venue_id = vote.venue_id "
            "AND r.value = vote.value AND r.emoji IN (:up, :down))"
        ).bindparams(yes=True, **ANNOUNCEMENT_EMOJIS)
    )
    op.execute(
        sa.text("DELETE FROM vote_reaction WHERE emoji IN (:up, :down)").bindparams(
            **ANNOUNCEMENT_EMOJIS
        )
    )


def downgrade() -> None:
    op.execute(
        sa.text(
            "INSERT INTO vote_reaction "
            "(guild_id, message_id, member_id, emoji, venue_id, value, created_at) "
            "SELECT vote.guild_id, venue.announcement_message_id, vote.member_id, "
            "CASE WHEN vote.value = 1 THEN :up ELSE :down END, vote.venue_id, vote.value, "
            "vote.created_at FROM vote JOIN venue ON venue.id = vote.venue_id "
            "WHERE vote.on_announcement AND venue.announcement_message_id IS NOT NULL"
        ).bindparams(**ANNOUNCEMENT_EMOJIS)
    )
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.drop_column("on_announcement")
