"""Full-text search, city key, net votes, removal reason, one visit per member and day

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fold(text: str) -> str:
    # Frozen copy of bot.domain.text.fold at this revision.
    compatible = unicodedata.normalize("NFKD", text)
    folded = compatible.casefold().translate(str.maketrans({"œ": "oe", "æ": "ae"}))
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _key(text: str) -> str:
    # Frozen copy of bot.domain.text.normalize_name at this revision.
    words = "".join(ch if ch.isalnum() else " " for ch in _fold(text))
    return " ".join(words.split())


def upgrade() -> None:
    with op.batch_alter_table("venue") as batch:
        batch.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("removed_reason", sa.String(length=200), nullable=True))
        batch.add_column(
            sa.Column("city_key", sa.String(length=60), server_default="", nullable=False)
        )
        batch.add_column(sa.Column("net_votes", sa.Integer(), server_default="0", nullable=False))
        batch.create_index("ix_venue_guild_status_net_votes", ["guild_id", "status", "net_votes"])
        batch.create_index("ix_venue_guild_city_key", ["guild_id", "city_key"])

    bind = op.get_bind()
    venues = bind.execute(sa.text("SELECT id, name, city, description FROM venue")).all()
    for venue_id, name, city, description in venues:
        tags = bind.execute(
            sa.text("SELECT tag FROM venue_tag WHERE venue_id = :id ORDER BY position"),
            {"id": venue_id},
        ).scalars()
        text = _fold(" ".join([name, city, description or "", *tags]))
        votes = bind.execute(
            sa.text("SELECT coalesce(sum(value), 0) FROM vote WHERE venue_id = :id"),
            {"id": venue_id},
        ).scalar()
        bind.execute(
            sa.text(
                "UPDATE venue SET search_text = :t, net_votes = :v, city_key = :c WHERE id = :id"
            ),
            {"t": text, "v": votes, "c": _key(city), "id": venue_id},
        )

    # One visit per member, venue and day: logging it again updates the hours.
    if bind.dialect.name == "postgresql":
        op.execute(
            "DELETE FROM visit a USING visit b WHERE a.venue_id = b.venue_id "
            "AND a.member_id = b.member_id AND a.visited_on = b.visited_on AND a.id < b.id"
        )
    else:
        op.execute(
            "DELETE FROM visit WHERE id NOT IN (SELECT max(id) FROM visit "
            "GROUP BY venue_id, member_id, visited_on)"
        )
    with op.batch_alter_table("visit") as batch:
        batch.create_unique_constraint(
            "uq_visit_venue_id_member_id_visited_on", ["venue_id", "member_id", "visited_on"]
        )

    if bind.dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_venue_search ON venue USING gin (to_tsvector('simple', search_text))"
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE venue_fts USING fts5(search_text, content='venue', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER venue_fts_insert AFTER INSERT ON venue BEGIN "
            "INSERT INTO venue_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER venue_fts_delete AFTER DELETE ON venue BEGIN "
            "INSERT INTO venue_fts(venue_fts, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER venue_fts_update AFTER UPDATE OF search_text ON venue BEGIN "
            "INSERT INTO venue_fts(venue_fts, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); "
            "INSERT INTO venue_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
        op.execute("INSERT INTO venue_fts(venue_fts) VALUES ('rebuild')")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_venue_search")
    else:
        for trigger in ("venue_fts_insert", "venue_fts_delete", "venue_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS venue_fts")
    with op.batch_alter_table("visit") as batch:
        batch.drop_constraint("uq_visit_venue_id_member_id_visited_on", type_="unique")
    with op.batch_alter_table("venue") as batch:
        batch.drop_index("ix_venue_guild_status_net_votes")
        batch.drop_index("ix_venue_guild_city_key")
        batch.drop_column("city_key")
        batch.drop_column("net_votes")
        batch.drop_column("removed_reason")
        batch.drop_column("search_text")
