"""Full-text search over venues, one interface, two implementations.

Both index `venue.search_text`: name, city, description and tags, folded (lower-case, no
accents) by the service, so "cafe" finds "Café" on both backends without extensions.
SQLite uses the FTS5 table `venue_fts` (kept in step by triggers), which also indexes the
venue's guild: a search reads only its own guild's matches. PostgreSQL uses a GIN index on
`to_tsvector('simple', search_text)`, with the guild's condition beside it: its planner
starts from whichever of the two finds fewer venues. Each word typed is a prefix that must
match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, bindparam, func, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Venue, VenueTag

_WORD = re.compile(r"\w+")


def query_words(folded_query: str) -> list[str]:
    """Only letters and digits reach the search syntax: nothing a member types is an
    operator."""
    return _WORD.findall(folded_query)[:12]


class VenueSearch(Protocol):
    def matches(
        self, words: list[str], guild_id: int, venue_id: Any = Venue.id
    ) -> ColumnElement[bool]:
        """A WHERE clause on `Venue` true for the guild's venues containing every word as a
        prefix (the query keeps its own condition on the guild: `in_guild`)."""
        ...

    def in_guild(self, guild_id: int) -> ColumnElement[bool]:
        """The condition on the venue's guild that goes with `matches`."""
        ...


class Fts5Search:
    def matches(
        self, words: list[str], guild_id: int, venue_id: Any = Venue.id
    ) -> ColumnElement[bool]:
        """The guild's token and every word, each in its own column of `venue_fts`: a word
        never matches a guild id."""
        prefixes = " ".join(f'"{word}"*' for word in words)
        expression = f'guild_id : "{int(guild_id)}" AND search_text : ({prefixes})'
        matching: Select[tuple[int]] = (
            select(literal_column("rowid"))
            .select_from(text("venue_fts"))
            .where(text("venue_fts MATCH :fts_query").bindparams(fts_query=expression))
        )
        found: ColumnElement[bool] = venue_id.in_(matching)
        return found

    def in_guild(self, guild_id: int) -> ColumnElement[bool]:
        """Checked on each venue the index found, not read from the guild's own index: that
        would list every venue of the guild and look each up among the matches."""
        return Venue.guild_id + 0 == guild_id


class PostgresSearch:
    def matches(
        self, words: list[str], guild_id: int, venue_id: Any = Venue.id
    ) -> ColumnElement[bool]:
        expression = " & ".join(f"{word}:*" for word in words)
        vector = func.to_tsvector(literal_column("'simple'::regconfig"), Venue.search_text)
        query = func.to_tsquery(
            literal_column("'simple'::regconfig"), bindparam("ts_query", expression)
        )
        return vector.op("@@")(query)

    def in_guild(self, guild_id: int) -> ColumnElement[bool]:
        """A condition the planner may start from: for a small guild, its index then the
        words checked on each of its venues; for a large one, the GIN index first."""
        return Venue.guild_id == guild_id


def search_for(session: AsyncSession) -> VenueSearch:
    if session.get_bind().dialect.name == "postgresql":
        return PostgresSearch()
    return Fts5Search()


@dataclass(frozen=True, slots=True)
class VenueFilter:
    """A search's filters (words already folded and split by `query_words`, a city key, a
    kind, a tag key); a repository turns them into WHERE clauses on `Venue`."""

    words: tuple[str, ...] = ()
    city_key: str | None = None
    kind: str | None = None
    tag: str | None = None

    @property
    def narrow(self) -> bool:
        """Whether they may match only a few venues (a kind always matches many)."""
        return bool(self.words or self.city_key or self.tag)

    def in_guild(self, session: AsyncSession, guild_id: int) -> ColumnElement[bool]:
        """The condition on the venue's guild to go with `conditions` (as a way in, not
        `checked`): with words, the full-text search's own."""
        if self.words:
            return search_for(session).in_guild(guild_id)
        return Venue.guild_id == guild_id

    def conditions(
        self, session: AsyncSession, guild_id: int, *, checked: bool = False
    ) -> list[ColumnElement[bool]]:
        """`checked`: as conditions checked on each venue reached some other way (an index
        walked in order), not as a way in: no index on the venue's city or id serves them
        (SQLite would otherwise start from a city's venues or a word's, and sort)."""
        conditions: list[ColumnElement[bool]] = []
        venue_id = Venue.id + 0 if checked else Venue.id
        if self.words:
            conditions.append(search_for(session).matches(list(self.words), guild_id, venue_id))
        if self.city_key:
            city = func.coalesce(Venue.city_key, "") if checked else Venue.city_key
            conditions.append(city == self.city_key)
        if self.kind:
            conditions.append(Venue.kind == self.kind)
        if self.tag:
            tagged = select(VenueTag.venue_id).where(
                VenueTag.guild_id == guild_id, VenueTag.tag == self.tag
            )
            conditions.append(venue_id.in_(tagged))
        return conditions


EVERY_VENUE = VenueFilter()
