"""PostgreSQL's full-text index holds each venue's guild in its words

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-30

PostgreSQL only (SQLite's index has held the guild since 0026). Each word of a venue is
indexed as "<guild id>:<word>" (`venue_search_vector`), and a search looks for
"<guild id>:<typed word>" prefixes (`venue_search_query`), both read by the same parser
as before: a search reads only its own guild's matches from the index, however common a
word is in other guilds, and no plan has to choose between the words and the guild. The
index of bare words (ix_venue_search) goes.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FUNCTIONS = (
    """
    CREATE FUNCTION venue_search_vector(guild bigint, body text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT coalesce(array_to_tsvector(array_agg(guild::text || ':' || lexeme)), ''::tsvector)
        FROM unnest(tsvector_to_array(pg_catalog.to_tsvector('simple'::regconfig, body))) AS lexeme
    $$
    """,
    """
    CREATE FUNCTION venue_search_query(guild bigint, words text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT string_agg(quote_literal(guild::text || ':' || lexeme) || ':*', ' & ')::tsquery
        FROM unnest(tsvector_to_array(pg_catalog.to_tsvector('simple'::regconfig, words))) AS lexeme
    $$
    """,
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for function in FUNCTIONS:
        op.execute(function)
    op.execute(
        "CREATE INDEX ix_venue_search_guild ON venue "
        "USING gin (venue_search_vector(guild_id, search_text)) WITH (fastupdate = off)"
    )
    op.execute("DROP INDEX IF EXISTS ix_venue_search")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE INDEX ix_venue_search ON venue "
        "USING gin (to_tsvector('simple', search_text)) WITH (fastupdate = off)"
    )
    op.execute("DROP INDEX IF EXISTS ix_venue_search_guild")
    op.execute("DROP FUNCTION IF EXISTS venue_search_query(bigint, text)")
    op.execute("DROP FUNCTION IF EXISTS venue_search_vector(bigint, text)")
