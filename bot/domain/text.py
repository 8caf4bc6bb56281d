"""Cleaning and normalizing what members type."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{3,}")

#: Letters that render as nothing (Hangul and Khmer fillers): a name made of them would
#: look blank, and one that contains them can pass for another.
INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u17b4\u17b5")


def _visible(ch: str, *, keep_newlines: bool) -> str:
    if ch == "\n" and keep_newlines:
        return ch
    category = unicodedata.category(ch)
    if category in ("Cc", "Zl", "Zp"):
        return " "
    if category == "Cf" or ch in INVISIBLE_LETTERS:  # zero-width, bidi controls, fillers
        return ""
    return ch


def clean_line(text: str) -> str:
    """One line of text: NFC, no control or format characters, single spaces, trimmed."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(_visible(ch, keep_newlines=False) for ch in text)
    return _SPACES.sub(" ", text).strip()


def clean_block(text: str) -> str:
    """Multi-line text: like `clean_line`, keeping line breaks (at most one blank line)."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(_visible(ch, keep_newlines=True) for ch in text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


def fold(text: str) -> str:
    """Case- and accent-insensitive form: 'Café' and 'CAFE' fold to 'cafe', 'Œuvre' to
    'oeuvre'."""
    compatible = unicodedata.normalize("NFKD", text)  # '𝓐' -> 'A' before case folding
    decomposed = unicodedata.normalize("NFKD", compatible.casefold().translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


#: Length of the stored name key (`venue.normalized_name`) and city key (`venue.city_key`).
NAME_KEY_MAX = 100
CITY_KEY_MAX = 60
_KEY_HASH = 8


def normalize_name(text: str, limit: int = NAME_KEY_MAX) -> str:
    """Key for duplicate detection: folded, punctuation as spaces, single-spaced.

    Folding can make a text longer ('ß' -> 'ss', 'ﷺ' -> 18 letters): a key longer than
    `limit` is cut and ends with a short hash of the whole key, so it fits its column and
    two long names differing only at the end keep different keys."""
    folded = fold(clean_line(text))
    words = "".join(ch if ch.isalnum() else " " for ch in folded)
    key = _SPACES.sub(" ", words).strip()
    if len(key) <= limit:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:_KEY_HASH]
    return f"{key[: limit - _KEY_HASH - 1].rstrip()} {digest}"


def normalize_city(text: str) -> str:
    """Key of a city (`venue.city_key`): like `normalize_name`, within its column."""
    return normalize_name(text, CITY_KEY_MAX)
