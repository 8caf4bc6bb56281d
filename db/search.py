"""Full-text search over venues, one interface, two implementations.

Both index `venue.search_text`: name, city, description and tags, folded (lower-case, no
accents) by the service, so "cafe" finds "Café" on both backends without extensions.
Both indexes also hold each venue's guild, so that a search reads only its own guild's
matches, however common a word is in other guilds. SQLite uses the FTS5 table `venue_fts`
(kept in step by triggers), with the guild in a column of its own. PostgreSQL uses a GIN
index on `venue_search_vector(guild_id, search_text)`, whose words are "<guild>:<word>",
searched for as "<guild>:<typed word>" prefixes (`venue_search_query`, migration 0027):
that index is the way in, and the other filters are checked on the matches it gives. Each
word typed is a prefix that must match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    bindparam,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
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

    #: Whether the full-text index is the only way in with words: the other filters (a
    #: city, a tag) are then checked on its matches rather than read from their indexes.
    leads: bool


class Fts5Search:
    leads = False

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
    leads = True

    def matches(
        self, words: list[str], guild_id: int, venue_id: Any = Venue.id
    ) -> ColumnElement[bool]:
        """The guild's words in the index starting with each word typed (both read by the
        same parser)."""
        vector = func.venue_search_vector(Venue.guild_id, Venue.search_text, type_=TSVECTOR)
        query = func.venue_search_query(
            bindparam("ts_guild", guild_id, BigInteger), bindparam("ts_words", " ".join(words))
        )
        found: ColumnElement[bool] = vector.op("@@")(query)
        return found

    def in_guild(self, guild_id: int) -> ColumnElement[bool]:
        """Checked on each match: the index holds only the guild's matches already, and the
        guild's own index would be read in full for a large guild."""
        return Venue.guild_id + 0 == guild_id


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
        (SQLite would otherwise start from a city's venues or a word's, and sort). With
        words on PostgreSQL, the city and the tag are always checked so: the full-text
        index finds the guild's matches, fewer than the venues of a city in every guild."""
        conditions: list[ColumnElement[bool]] = []
        venue_id = Venue.id + 0 if checked else Venue.id
        if self.words:
            search = search_for(session)
            conditions.append(search.matches(list(self.words), guild_id, venue_id))
            if search.leads:
                checked, venue_id = True, Venue.id + 0
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
