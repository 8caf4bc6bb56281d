"""full-text search restricted to the guild (SQLite), without a pending list (PostgreSQL)

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-30

SQLite: the FTS5 table `venue_fts` also indexes each venue's guild id, in a column of its
own: a search matches the guild's token and its words in the index itself, so it reads only
the guild's venues that match, however many other guilds' venues share the word. The
triggers keep both columns in step with `venue`; the table is filled again from it.

PostgreSQL keeps its GIN index (its planner starts a small guild's search from the guild's
own index, a large guild's from the GIN index: db/search.py), but writes new entries into it
directly: with `fastupdate` they waited in a pending list of up to 4 MB, every guild's
together, which each search read through in full. The list is emptied here.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = ("venue_fts_insert", "venue_fts_delete", "venue_fts_update")


def _create(columns: Sequence[str]) -> None:
    listed = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    op.execute(
        f"CREATE VIRTUAL TABLE venue_fts USING fts5({listed}, content='venue', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER venue_fts_insert AFTER INSERT ON venue BEGIN "
        f"INSERT INTO venue_fts(rowid, {listed}) VALUES (new.id, {new}); END"
    )
    op.execute(
        "CREATE TRIGGER venue_fts_delete AFTER DELETE ON venue BEGIN "
        f"INSERT INTO venue_fts(venue_fts, rowid, {listed}) VALUES ('delete', old.id, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER venue_fts_update AFTER UPDATE OF {listed} ON venue BEGIN "
        f"INSERT INTO venue_fts(venue_fts, rowid, {listed}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO venue_fts(rowid, {listed}) VALUES (new.id, {new}); END"
    )
    op.execute("INSERT INTO venue_fts(venue_fts) VALUES ('rebuild')")


def _drop() -> None:
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS venue_fts")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX ix_venue_search SET (fastupdate = off)")
        op.execute("SELECT gin_clean_pending_list('ix_venue_search')")
        return
    _drop()
    _create(("search_text", "guild_id"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX ix_venue_search RESET (fastupdate)")
        return
    _drop()
    _create(("search_text",))
