"""which digest quoted an answer to its question, so each is quoted once and none is lost

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: How many answers a digest quoted before this revision.
QUOTED_BEFORE = 2

_answers = sa.table(
    "digest_answer",
    sa.column("id", sa.Integer()),
    sa.column("guild_id", sa.BigInteger()),
    sa.column("iso_year", sa.SmallInteger()),
    sa.column("iso_week", sa.SmallInteger()),
    sa.column("consented_at", sa.DateTime(timezone=True)),
    sa.column("quoted_year", sa.SmallInteger()),
    sa.column("quoted_week", sa.SmallInteger()),
)
_runs = sa.table(
    "digest_run",
    sa.column("guild_id", sa.BigInteger()),
    sa.column("iso_year", sa.SmallInteger()),
    sa.column("iso_week", sa.SmallInteger()),
    sa.column("posted_at", sa.DateTime(timezone=True)),
)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def _next_week(year: int, week: int) -> tuple[int, int]:
    following = dt.date.fromisocalendar(year, week, 1) + dt.timedelta(weeks=1)
    iso = following.isocalendar()
    return (iso[0], iso[1])


def _already_quoted(connection: sa.Connection) -> dict[int, tuple[int, int]]:
    """The answers the digests posted so far quoted, by the rule they followed: the
    following week's digest quoted the first agreed answers of the week before it."""
    posted = {
        (guild, year, week): _utc(at)
        for guild, year, week, at in connection.execute(
            sa.select(
                _runs.c.guild_id, _runs.c.iso_year, _runs.c.iso_week, _runs.c.posted_at
            ).where(_runs.c.posted_at.is_not(None))
        )
    }
    by_week: dict[tuple[int, int, int], list[tuple[dt.datetime, int]]] = defaultdict(list)
    for answer_id, guild, year, week, consented in connection.execute(
        sa.select(
            _answers.c.id,
            _answers.c.guild_id,
            _answers.c.iso_year,
            _answers.c.iso_week,
            _answers.c.consented_at,
        ).where(_answers.c.consented_at.is_not(None))
    ):
        by_week[(guild, year, week)].append((_utc(consented), answer_id))
    quoted: dict[int, tuple[int, int]] = {}
    for (guild, year, week), answers in by_week.items():
        following = _next_week(year, week)
        at = posted.get((guild, *following))
        if at is None:
            continue
        agreed = sorted(a for a in answers if a[0] <= at)
        for _, answer_id in agreed[:QUOTED_BEFORE]:
            quoted[answer_id] = following
    return quoted


def upgrade() -> None:
    with op.batch_alter_table("digest_answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quoted_year", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("quoted_week", sa.SmallInteger(), nullable=True))
    connection = op.get_bind()
    for answer_id, (year, week) in _already_quoted(connection).items():
        connection.execute(
            sa.update(_answers)
            .where(_answers.c.id == answer_id)
            .values(quoted_year=year, quoted_week=week)
        )


def downgrade() -> None:
    with op.batch_alter_table("digest_answer", schema=None) as batch_op:
        batch_op.drop_column("quoted_week")
        batch_op.drop_column("quoted_year")
