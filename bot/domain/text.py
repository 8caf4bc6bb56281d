"""Cleaning and normalizing what members type."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{3,}")


def _visible(ch: str, *, keep_newlines: bool) -> str:
    if ch == "\n" and keep_newlines:
        return ch
    category = unicodedata.category(ch)
    if category in ("Cc", "Zl", "Zp"):
        return " "
    if category == "Cf":  # zero-width and bidirectional controls: invisible, used to spoof
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


def normalize_name(text: str) -> str:
    """Key for duplicate detection: folded, punctuation as spaces, single-spaced."""
    folded = fold(clean_line(text))
    words = "".join(ch if ch.isalnum() else " " for ch in folded)
    return _SPACES.sub(" ", words).strip()
