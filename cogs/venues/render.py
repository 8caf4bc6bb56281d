"""The embeds of a venue: its announcement, its details, its removal, and result pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import discord

from bot.domain.hopes import HOPES_FLOOR, often
from bot.domain.search import VenueHit
from bot.domain.venues import VenueDetails
from bot.i18n import number, t
from cogs.common.render import COLOUR, PENDING_COLOUR, REMOVED_COLOUR, clip, formatted, plain
from db.repositories import VenueCard

HITS_PER_PAGE = 5
#: Answers are shown (as counts) only once this many members gave them.
ANSWERS_FLOOR = 3
#: The "what went wrong" flags in the order of bot.domain.ranking.FLAG_ALL.
WRONG_KEYS = ("ego", "pitch", "nothing_new", "cliquey")


def _number(language: str, value: float | None) -> str:
    return "—" if value is None else number(language, value, 1, exact=True)


def venue_embed(
    language: str,
    details: VenueDetails,
    *,
    announcement: bool = False,
    pending: bool = False,
    edited: bool = False,
) -> discord.Embed:
    """The venue's card. An announcement says "New venue" until its first edit; the
    proposer is named nowhere in public (the announcement, the card): a venue is shown for
    what it is, and a member who erased their data leaves no trace in it."""
    venue = details.venue
    name = plain(venue.name)
    if pending:
        title = t(language, "venue.pending.title", name=name)
    elif announcement and not edited:
        title = t(language, "venue.announcement.title", name=name)
    else:
        title = name
    embed = discord.Embed(
        title=clip(title, 256),
        description=formatted(venue.description) or None,
        url=venue.url,
        colour=PENDING_COLOUR if pending else COLOUR,
        timestamp=venue.created_at,
    )
    embed.add_field(name=t(language, "venue.field.kind"), value=t(language, f"kind.{venue.kind}"))
    embed.add_field(name=t(language, "venue.field.city"), value=plain(venue.city))
    if venue.address:
        embed.add_field(name=t(language, "venue.field.address"), value=plain(venue.address))
    host = urlsplit(venue.url).hostname if venue.url else None
    if host:  # where the title's link leads, whatever the title says
        embed.add_field(name=t(language, "venue.field.link"), value=plain(host))
    if details.tags:
        embed.add_field(
            name=t(language, "venue.field.tags"),
            value=" ".join(f"`{tag.replace('`', '')}`" for tag in details.tags),
            inline=False,
        )
    if pending:
        embed.set_footer(text=t(language, "venue.pending.footer", id=venue.id))
    elif announcement:
        embed.set_footer(text=t(language, "venue.announcement.footer", id=venue.id))
    else:
        _add_scores(language, embed, details)
    return embed


def _add_scores(language: str, embed: discord.Embed, details: VenueDetails) -> None:
    venue, ratings = details.venue, details.ratings
    if details.score is not None and ratings.count:
        embed.add_field(
            name=t(language, "venue.field.rit"),
            value=t(
                language,
                "venue.rit",
                score=number(language, details.score.rit, 2, exact=True),
                count=ratings.count,
            ),
        )
        embed.add_field(
            name=t(language, "venue.field.worth"),
            value=t(
                language,
                "venue.worth",
                worth=_number(language, ratings.worth),
                hours=number(language, details.card.median_hours or details.score.hours),
            ),
        )
        if any(v is not None for v in (ratings.substance, ratings.experience, ratings.connections)):
            embed.add_field(
                name=t(language, "venue.field.criteria"),
                value=t(
                    language,
                    "venue.criteria",
                    substance=_number(language, ratings.substance),
                    experience=_number(language, ratings.experience),
                    connections=_number(language, ratings.connections),
                ),
                inline=False,
            )
    else:
        embed.add_field(name=t(language, "venue.field.rit"), value=t(language, "venue.unrated"))
    _add_answers(language, embed, details.card)
    _add_hopes(language, embed, details.card)
    embed.add_field(
        name=t(language, "venue.field.votes"),
        value=t(language, "venue.votes", up=details.upvotes, down=details.downvotes),
    )
    if venue.jump_url:
        embed.add_field(
            name=t(language, "venue.field.announcement"),
            value=f"[{t(language, 'venue.jump')}]({venue.jump_url})",
        )
    if details.comments:
        quoted = "\n".join(f"> {clip(plain(' '.join(c.split())), 300)}" for c in details.comments)
        embed.add_field(
            name=t(language, "venue.field.comments"), value=clip(quoted, 1024), inline=False
        )


def _add_answers(language: str, embed: discord.Embed, card: VenueCard) -> None:
    """Who went, who came back, what they got and what went wrong: counts only, and the
    answers only once ANSWERS_FLOOR members gave them, so nobody's answer can be told."""
    lines = []
    if card.attendees:
        lines.append(t(language, "venue.attendees", count=card.attendees))
    if card.visitors >= ANSWERS_FLOOR:
        lines.append(t(language, "venue.came_back", count=card.returning, visitors=card.visitors))
    if card.led_somewhere:
        lines.append(t(language, "venue.led_somewhere", count=card.led_somewhere))
    if lines:
        embed.add_field(
            name=t(language, "venue.field.attendance"), value="\n".join(lines), inline=False
        )
    if not card.answered:
        return
    if card.answered < ANSWERS_FLOOR:
        embed.add_field(
            name=t(language, "venue.field.answers"),
            value=t(language, "venue.answers_floor", count=card.answered),
            inline=False,
        )
        return
    substance, experience, contact = card.got
    embed.add_field(
        name=t(language, "venue.field.got", answered=card.answered),
        value=t(language, "venue.got", substance=substance, experience=experience, contact=contact),
        inline=False,
    )
    wrong = [
        t(language, f"venue.wrong.{key}", count=count)
        for key, count in zip(WRONG_KEYS, card.flags, strict=True)
        if count
    ]
    embed.add_field(
        name=t(language, "venue.field.wrong"),
        value=" · ".join(wrong) or t(language, "venue.wrong.none"),
        inline=False,
    )


def _add_hopes(language: str, embed: discord.Embed, card: VenueCard) -> None:
    """Promise against reality: how many got what they hoped for, from HOPES_FLOOR members
    who said what they hoped, and a warning when the venue often falls short of hopes or
    is often flagged a sales pitch ("often": bot.domain.hopes.often)."""
    lines = []
    if card.hoped >= HOPES_FLOOR:
        lines.append(t(language, "venue.hopes", count=card.hopes_met, total=card.hoped))
    short = card.hoped - card.hopes_met
    if often(short, card.hoped):
        lines.append(t(language, "venue.warning.short", count=short, total=card.hoped))
    pitch = card.flags[WRONG_KEYS.index("pitch")] if card.flags else 0
    if often(pitch, card.answered):
        lines.append(t(language, "venue.warning.pitch", count=pitch, total=card.answered))
    if lines:
        embed.add_field(name=t(language, "venue.field.hopes"), value="\n".join(lines), inline=False)


def removed_embed(language: str, details: VenueDetails, *, rejected: bool = False) -> discord.Embed:
    venue = details.venue
    key = "venue.rejected.title" if rejected else "venue.removed.title"
    embed = discord.Embed(
        title=clip(t(language, key, name=plain(venue.name)), 256),
        description=plain(venue.removed_reason) if venue.removed_reason and not rejected else None,
        colour=REMOVED_COLOUR,
    )
    embed.set_footer(text=t(language, "venue.removed.footer", id=venue.id))
    return embed


@dataclass(frozen=True, slots=True)
class HitLine:
    """What a result page shows of one venue (an open result list reads its venues again
    at each click: cogs/common/views.py, Paginator)."""

    name: str
    kind: str
    city: str
    #: The venue's RIT, None while it has no rating.
    rit: float | None
    ratings: int
    upvotes: int
    downvotes: int
    jump_url: str | None

    @classmethod
    def of(cls, hit: VenueHit) -> HitLine:
        venue, score = hit.venue, hit.score
        return cls(
            name=venue.name,
            kind=venue.kind,
            city=venue.city,
            rit=score.rit if score.ratings else None,
            ratings=score.ratings,
            upvotes=hit.upvotes,
            downvotes=hit.downvotes,
            jump_url=venue.jump_url,
        )


def page_count(lines: Sequence[HitLine]) -> int:
    return max(1, -(-len(lines) // HITS_PER_PAGE))


def hits_page(language: str, lines: Sequence[HitLine], title: str, page: int) -> discord.Embed:
    """Result page `page` (from 0) of HITS_PER_PAGE venues, numbered 'page n/m'. Pages are
    drawn when shown: a hundred results take tens of milliseconds to render."""
    embed = discord.Embed(title=clip(title, 256), colour=COLOUR)
    first = page * HITS_PER_PAGE
    for rank, line in enumerate(lines[first : first + HITS_PER_PAGE], start=first + 1):
        score = (
            t(
                language,
                "hit.rit",
                score=number(language, line.rit, 2, exact=True),
                count=line.ratings,
            )
            if line.rit is not None
            else t(language, "venue.unrated")
        )
        value = t(
            language,
            "hit.line",
            kind=t(language, f"kind.{line.kind}"),
            city=plain(line.city),
            score=score,
            up=line.upvotes,
            down=line.downvotes,
        )
        if line.jump_url:
            value += f" · [{t(language, 'venue.jump')}]({line.jump_url})"
        embed.add_field(
            name=clip(f"{rank}. {plain(line.name)}", 256),
            value=clip(value, 1024),
            inline=False,
        )
    embed.set_footer(
        text=t(language, "page.footer", page=page + 1, pages=page_count(lines), count=len(lines))
    )
    return embed
