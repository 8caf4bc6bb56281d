"""Is a proposed venue the same as one already listed? Names are compared on the words
that tell venues apart: not the city, not words every venue name uses.

"Meetup Rust Lyon" and "C++ & Rust Lyon 2025" share the city and "meetup"-like words but
not their subject; "Café des Développeurs" and "Cafe des Developeur" differ only by accents
and a letter. tests/unit/test_duplicate_pairs.py keeps real-looking near and far pairs and
measures the precision and recall of `name_similarity` at `SIMILARITY_THRESHOLD`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType

#: Two names at least this similar (0-100) are shown to the proposer as possible duplicates.
SIMILARITY_THRESHOLD = 85

#: Words that say what kind of gathering a venue is, articles and linking words: they
#: make unrelated names look alike ("Meetup Rust" / "Meetup Go"). Folded forms.
_COMMON = """
    le la les l de des du d un une et au aux en a
    the of and an in at for on
    meetup meetups meet cafe cafes club clubs groupe groupes group groups
    community communaute user users usergroup ug afterwork afterworks
    apero aperos soiree soirees night nights conference conferences conf
    seminaire seminaires seminar seminars atelier ateliers workshop workshops
    coworking espace space association asso talk talks rencontre rencontres
"""
COMMON_WORDS = frozenset(_COMMON.split())
_YEAR = re.compile(r"^(19|20)\d\d$")


def _fuzz() -> ModuleType:
    """rapidfuzz's `fuzz`, imported by the first proposal rather than at start: the bot
    holds it only once a member has proposed a venue."""
    from rapidfuzz import fuzz

    return fuzz


def core_words(normalized_name: str, city_key: str) -> str:
    """The name's distinctive words: without the city (also glued to a word, as in
    "ParisJS"), common words and years."""
    city = set(city_key.split())
    glued_city = city_key.replace(" ", "")
    words = []
    for word in normalized_name.split():
        if word in COMMON_WORDS or _YEAR.match(word) or _is_city(word, city):
            continue
        if glued_city and len(word) > len(glued_city) and word.startswith(glued_city):
            word = word[len(glued_city) :]
        elif glued_city and len(word) > len(glued_city) and word.endswith(glued_city):
            word = word[: -len(glued_city)]
        words.append(word)
    return " ".join(words)


def name_similarity(a: str, b: str, city_key: str) -> float:
    """0-100: how alike two normalized names of venues in the same city are.

    The distinctive words are compared in any order. Two names with no distinctive word
    ("Meetup Lyon", "Apéros Lyon") are compared whole; a name with distinctive words is
    never the same as one without."""
    fuzz = _fuzz()
    core_a, core_b = core_words(a, city_key), core_words(b, city_key)
    if not core_a and not core_b:
        return float(fuzz.token_sort_ratio(a, b))
    if not core_a or not core_b:
        return 0.0
    if core_a.replace(" ", "") == core_b.replace(" ", ""):  # "Week-end" / "Weekend"
        return 100.0
    return float(fuzz.token_sort_ratio(core_a, core_b))


def _is_city(word: str, city: set[str]) -> bool:
    """The word is the city's, or a typo of it ("Lile" in Lille)."""
    return word in city or (
        len(word) >= 4 and any(_fuzz().ratio(word, part) >= SIMILARITY_THRESHOLD for part in city)
    )
