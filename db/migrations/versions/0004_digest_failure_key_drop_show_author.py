"""digest failures as a message key and parameters; rating.show_author dropped

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: What the failures stored before this revision meant.
REFUSALS = {
    "error.bot_missing_permissions": "digest.error.permissions",
    "error.digest_channel_gone": "digest.error.channel",
    "error.digest_not_set_up": "digest.error.off",
}
#: Discord's texts stored before this revision -> their own message.
DISCORD_ERRORS = {
    "Missing Permissions": "digest.error.discord.missing_permissions",
    "Missing Access": "digest.error.discord.missing_access",
    "Unknown Channel": "digest.error.discord.unknown_channel",
}

digest_run = sa.table(
    "digest_run",
    sa.column("id", sa.Integer()),
    sa.column("last_error", sa.String()),
    sa.column("failure_key", sa.String()),
    sa.column("failure_params", sa.Text()),
)


def _failure(last_error: str) -> tuple[str, dict[str, object]]:
    """The message key and parameters of a failure stored as text: a refusal's key, or
    Discord's "<status> <text>"."""
    if last_error in REFUSALS:
        return REFUSALS[last_error], {}
    status, _, text = last_error.partition(" ")
    if not (status.isascii() and status.isdigit()):
        return "digest.error.discord", {"status": 0}
    return DISCORD_ERRORS.get(text, "digest.error.discord"), {"status": int(status)}


def upgrade() -> None:
    with op.batch_alter_table("digest_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failure_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("failure_params", sa.Text(), nullable=True))

    connection = op.get_bind()
    failed = connection.execute(
        sa.select(digest_run.c.id, digest_run.c.last_error).where(
            digest_run.c.last_error.is_not(None)
        )
    ).all()
    for run_id, last_error in failed:
        key, params = _failure(last_error)
        connection.execute(
            sa.update(digest_run)
            .where(digest_run.c.id == run_id)
            .values(failure_key=key, failure_params=json.dumps(params))
        )

    with op.batch_alter_table("rating", schema=None) as batch_op:
        batch_op.drop_column("show_author")


def downgrade() -> None:
    with op.batch_alter_table("rating", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("show_author", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("digest_run", schema=None) as batch_op:
        batch_op.drop_column("failure_params")
        batch_op.drop_column("failure_key")
