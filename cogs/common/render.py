"""Colours and text helpers of every embed. Member text is shown, never interpreted."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import discord

from bot.domain.ratings import RateOutcome, RatingInput
from bot.i18n import number, t

#: The bot's colour: announcements, lists, the digest, profiles.
COLOUR = discord.Colour(0x2E8B57)
PENDING_COLOUR = discord.Colour(0xE0A800)
REMOVED_COLOUR = discord.Colour(0x808080)
#: Discord's limit on an autocomplete choice's label.
CHOICE_LABEL_MAX = 100


_BRACKETS = re.compile(r"([\[\]])")


def plain(text: str) -> str:
    """Member text made inert: no markdown formatting, no mention syntax, no masked link.

    Every bracket is escaped on its own: discord.py only escapes a link whose label fits
    on one line, and Discord reads one across line breaks."""
    pieces = _BRACKETS.split(text)
    escaped = "".join(
        "\\" + piece if piece in ("[", "]") else discord.utils.escape_markdown(piece)
        for piece in pieces
    )
    return discord.utils.escape_mentions(escaped)


_BLOCK_MARKERS = re.compile(r"^([ \t]*)(#{1,3}[ \t]|-#[ \t])", re.MULTILINE)


def formatted(text: str) -> str:
    """A member's paragraph (a venue's description) with its formatting kept: bold,
    italics, underline, strike-through, lists, quotes and code show as the member wrote
    them. What could mislead stays inert: no masked link (every bracket escaped), no
    heading or subtext bigger or smaller than the card's own text, no mention."""
    escaped = _BRACKETS.sub(r"\\\1", text)
    escaped = _BLOCK_MARKERS.sub(r"\1\\\2", escaped)
    return discord.utils.escape_mentions(escaped)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def lines_within(lines: Sequence[str], limit: int, more: Callable[[int], str]) -> str:
    """The lines while they fit in `limit` characters, then one line from `more` with the
    number of lines left out ("and 3 more")."""
    text = ""
    for index, line in enumerate(lines):
        if len(text) + len(line) + 1 > limit:
            return text + "\n" + more(len(lines) - index)
        text += ("\n" if text else "") + line
    return text


def rated_message(language: str, outcome: RateOutcome, rating: RatingInput | None = None) -> str:
    """The thanks and the new score, then what was understood of the member's answers."""
    key = "rate.created" if outcome.created else "rate.updated"
    thanks = t(
        language,
        key,
        name=plain(outcome.venue.name),
        score=number(language, outcome.score.rit, 2, exact=True),
        count=outcome.score.ratings,
    )
    if rating is None:
        return thanks
    return thanks + "\n" + t(language, "rate.understood", worth=rating.worth, hours=rating.hours)
