"""French grammar for names put into a sentence: articles and prepositions contract.

A template writes `{name:de}` or `{name:à}` (with `**` after it for a bold name:
`{name:de**}`) wherever French puts "de" or "à" before a name; the helper writes what a
French speaker would:

    de + Le Café Numérique -> du Café Numérique      à + Le Café Numérique -> au Café Numérique
    de + Les Ateliers      -> des Ateliers           à + Les Ateliers      -> aux Ateliers
    de + Apéro Tech        -> d'Apéro Tech           à + Apéro Tech        -> à Apéro Tech
    de + La Cordée         -> de La Cordée           à + La Cordée         -> à La Cordée

A name's gender is unknown, so sentences never agree with it: they say "Lieu proposé :
**La Cordée**", never "**La Cordée** est proposé".
"""

from __future__ import annotations

import re
import unicodedata

PREPOSITIONS = ("de", "à")
_ARTICLE = re.compile(r"^(le|les)\s+(\S.*)$", re.IGNORECASE | re.DOTALL)
_CONTRACTED = {("de", "le"): "du", ("de", "les"): "des", ("à", "le"): "au", ("à", "les"): "aux"}
# "y" is left out: before a vowel it is a consonant ("de yoga").
_VOWELS = frozenset("aeiou")


def _starts_with_vowel(text: str) -> bool:
    first = unicodedata.normalize("NFD", text[:1].lower())[:1]
    return first in _VOWELS


def contract(preposition: str, name: str, *, bold: bool = False) -> str:
    """`preposition` ("de" or "à") followed by `name`, contracted as French writes it."""

    def shown(text: str) -> str:
        return f"**{text}**" if bold else text

    match = _ARTICLE.match(name)
    if match:
        article, rest = match[1].lower(), match[2]
        return f"{_CONTRACTED[preposition, article]} {shown(rest)}"
    if preposition == "de" and _starts_with_vowel(name):
        return f"d'{shown(name)}"
    return f"{preposition} {shown(name)}"


def parse_spec(spec: str) -> tuple[str, bool] | None:
    """('de', bold) for a format spec 'de' / 'de**' / 'à' / 'à**', else None."""
    bold = spec.endswith("**")
    word = spec[:-2] if bold else spec
    return (word, bold) if word in PREPOSITIONS else None
