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
    BindParameter,
    ColumnElement,
    Select,
    bindparam,
    func,
    literal_column,
    select,
    text,
    true,
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

    def found(self, words: list[str], guild_id: int) -> Select[Any]:
        """The ids of the guild's venues containing every word, from the index alone
        (inactive venues included), with the named parameters of `matches`."""
        ...

    def parameters(self, words: list[str], guild_id: int) -> dict[str, Any]:
        """The values of the named parameters of `matches` (a statement built once for
        other words or another guild runs with these)."""
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
        found: ColumnElement[bool] = venue_id.in_(self.found(words, guild_id))
        return found

    def found(self, words: list[str], guild_id: int) -> Select[Any]:
        expression = self.parameters(words, guild_id)["fts_query"]
        return (
            select(literal_column("rowid").label("id"))
            .select_from(text("venue_fts"))
            .where(text("venue_fts MATCH :fts_query").bindparams(fts_query=expression))
        )

    def in_guild(self, guild_id: int) -> ColumnElement[bool]:
        """Checked on each venue the index found, not read from the guild's own index: that
        would list every venue of the guild and look each up among the matches."""
        return Venue.guild_id + 0 == _guild(guild_id)

    def parameters(self, words: list[str], guild_id: int) -> dict[str, Any]:
        prefixes = " ".join(f'"{word}"*' for word in words)
        return {"fts_query": f'guild_id : "{int(guild_id)}" AND search_text : ({prefixes})'}


class PostgresSearch:
    leads = True

    def matches(
        self, words: list[str], guild_id: int, venue_id: Any = Venue.id
    ) -> ColumnElement[bool]:
        """The guild's words in the index starting with each word typed (both read by the
        same parser)."""
        values = self.parameters(words, guild_id)
        vector = func.venue_search_vector(Venue.guild_id, Venue.search_text, type_=TSVECTOR)
        query = func.venue_search_query(
            bindparam("ts_guild", values["ts_guild"], BigInteger),
            bindparam("ts_words", values["ts_words"]),
        )
        found: ColumnElement[bool] = vector.op("@@")(query)
        return found

    def found(self, words: list[str], guild_id: int) -> Select[Any]:
        return select(Venue.id.label("id")).where(self.matches(words, guild_id))

    def in_guild(self, guild_id: int) -> ColumnElement[bool]:
        """None: the words of a venue carry its guild, so the index gives only the guild's
        matches. (A condition on the guild, checked on each match, would lead the planner
        to expect a handful of them, and to look their sums up one by one even for
        thousands.)"""
        return true()

    def parameters(self, words: list[str], guild_id: int) -> dict[str, Any]:
        return {"ts_guild": guild_id, "ts_words": " ".join(words)}


def search_of(dialect: str) -> VenueSearch:
    if dialect == "postgresql":
        return PostgresSearch()
    return Fts5Search()


def search_for(session: AsyncSession) -> VenueSearch:
    return search_of(session.get_bind().dialect.name)


def _guild(guild_id: int) -> BindParameter[int]:
    """The guild's id as the filters' named parameter (`VenueFilter.parameters`)."""
    return bindparam("where_guild", guild_id, BigInteger)


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

    @property
    def shape(self) -> tuple[bool, bool, bool, bool]:
        """Which filters are set: statements built once per shape run with `parameters`."""
        return bool(self.words), bool(self.city_key), bool(self.kind), bool(self.tag)

    @classmethod
    def of_shape(cls, shape: tuple[bool, bool, bool, bool]) -> VenueFilter:
        """Filters of that shape, to build a statement with (their values are given as
        `parameters` when it runs)."""
        words, city, kind, tag = shape
        return cls(
            ("w",) if words else (),
            "c" if city else None,
            "k" if kind else None,
            "t" if tag else None,
        )

    def parameters(self, dialect: str, guild_id: int) -> dict[str, Any]:
        """The values of the named parameters of `in_guild` and `conditions`."""
        found: dict[str, Any] = {"where_guild": guild_id}
        if self.words:
            found.update(search_of(dialect).parameters(list(self.words), guild_id))
        found.update(where_city=self.city_key, where_kind=self.kind, where_tag=self.tag)
        return found

    def in_guild(self, session: AsyncSession, guild_id: int) -> ColumnElement[bool]:
        """The condition on the venue's guild to go with `conditions` (as a way in, not
        `checked`): with words, the full-text search's own."""
        return self.in_guild_of(session.get_bind().dialect.name, guild_id)

    def in_guild_of(self, dialect: str, guild_id: int) -> ColumnElement[bool]:
        if self.words:
            return search_of(dialect).in_guild(guild_id)
        return Venue.guild_id == _guild(guild_id)

    def conditions(
        self, session: AsyncSession, guild_id: int, *, checked: bool = False
    ) -> list[ColumnElement[bool]]:
        """`checked`: as conditions checked on each venue reached some other way (an index
        walked in order), not as a way in: no index on the venue's city or id serves them
        (SQLite would otherwise start from a city's venues or a word's, and sort). With
        words on PostgreSQL, the city and the tag are always checked so: the full-text
        index finds the guild's matches, fewer than the venues of a city in every guild."""
        return self.conditions_of(session.get_bind().dialect.name, guild_id, checked=checked)

    def conditions_of(
        self, dialect: str, guild_id: int, *, checked: bool = False
    ) -> list[ColumnElement[bool]]:
        """`conditions` for that kind of database; each value a named parameter."""
        conditions: list[ColumnElement[bool]] = []
        venue_id = Venue.id + 0 if checked else Venue.id
        if self.words:
            search = search_of(dialect)
            conditions.append(search.matches(list(self.words), guild_id, venue_id))
            if search.leads:
                checked, venue_id = True, Venue.id + 0
        if self.city_key:
            city = func.coalesce(Venue.city_key, "") if checked else Venue.city_key
            conditions.append(city == bindparam("where_city", self.city_key))
        if self.kind:
            conditions.append(Venue.kind == bindparam("where_kind", self.kind))
        if self.tag:
            tagged = select(VenueTag.venue_id).where(
                VenueTag.guild_id == _guild(guild_id),
                VenueTag.tag == bindparam("where_tag", self.tag),
            )
            conditions.append(venue_id.in_(tagged))
        return conditions


EVERY_VENUE = VenueFilter()
