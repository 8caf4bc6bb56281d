"""each venue's sums over the last week and month, kept as ratings are written

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-30

The sums start from the ratings given in the 7 and 30 days before the upgrade. The guilds'
snapshots are dropped: the next rating written in a guild takes a new one, which ranks the
all-time and the period sums alike; until then the best venues are ordered exactly.
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PERIODS = {7: "week_since", 30: "month_since"}
SNAPSHOT = ("pseudo", "worth", "time", "log_hours", "doubt")


def _moment(days: int) -> dt.datetime:
    moment = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    return moment.replace(tzinfo=None) if op.get_bind().dialect.name == "sqlite" else moment


def _backfill() -> None:
    op.execute(
        "INSERT INTO guild_rating_prior (guild_id, count, value_sum, value_squares) "
        "SELECT DISTINCT guild_id, 0, 0, 0 FROM rating WHERE guild_id NOT IN "
        "(SELECT guild_id FROM guild_rating_prior)"
    )
    prior = sa.table(
        "guild_rating_prior",
        *(sa.column(f"snapshot_{name}", sa.Float()) for name in SNAPSHOT),
        *(sa.column(name, sa.DateTime(timezone=True)) for name in PERIODS.values()),
    )
    op.execute(
        prior.update().values(
            **{f"snapshot_{name}": None for name in SNAPSHOT},
            **{name: _moment(days) for days, name in PERIODS.items()},
        )
    )
    for days in PERIODS:
        op.get_bind().execute(
            sa.text(
                "INSERT INTO venue_period_stats (venue_id, days, guild_id, raters, weight, "
                "weight_value, weight_log_hours) SELECT venue_id, :days, min(guild_id), "
                "count(DISTINCT member_id), sum(weight), sum(weight * value), "
                "sum(weight * log_hours) FROM rating WHERE created_at >= :since "
                "GROUP BY venue_id"
            ).bindparams(
                sa.bindparam("days", days),
                sa.bindparam("since", _moment(days), type_=sa.DateTime(timezone=True)),
            )
        )


def upgrade() -> None:
    with op.batch_alter_table("guild_rating_prior", schema=None) as batch_op:
        for name in PERIODS.values():
            batch_op.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "venue_period_stats",
        sa.Column("venue_id", Id, nullable=False),
        sa.Column("days", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("raters", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("weight_value", sa.Float(), nullable=False),
        sa.Column("weight_log_hours", sa.Float(), nullable=False),
        sa.Column("rit_snapshot", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["venue_id"],
            ["venue.id"],
            name=op.f("fk_venue_period_stats_venue_id_venue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("venue_id", "days", name=op.f("pk_venue_period_stats")),
    )
    op.create_index(
        "ix_venue_period_stats_guild_rit",
        "venue_period_stats",
        ["guild_id", "days", "rit_snapshot"],
    )
    _backfill()


def downgrade() -> None:
    op.drop_index("ix_venue_period_stats_guild_rit", table_name="venue_period_stats")
    op.drop_table("venue_period_stats")
    with op.batch_alter_table("guild_rating_prior", schema=None) as batch_op:
        for name in PERIODS.values():
            batch_op.drop_column(name)
