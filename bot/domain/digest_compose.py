"""What the weekly digest says: composed from data, in a language, within Discord's
embed limits. No database, no Discord."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from babel.dates import format_date
from babel.numbers import get_decimal_symbol

from bot.domain.schedule import IsoWeek
from bot.domain.votes import NUMBER_EMOJIS
from bot.i18n import number, t, weekday_text

QUESTIONS = 6

# Discord's embed limits
TITLE_MAX, DESCRIPTION_MAX, FIELD_NAME_MAX, FIELD_VALUE_MAX, FOOTER_MAX, TOTAL_MAX = (
    256,
    4096,
    256,
    1024,
    2048,
    6000,
)

Escape = Callable[[str], str]


def _locale(language: str) -> str:
    return "fr_FR" if language == "fr" else "en_GB"


@dataclass(frozen=True, slots=True)
class TopVenue:
    id: int
    name: str
    city: str
    rit: float
    ratings: int
    new_ratings: int


@dataclass(frozen=True, slots=True)
class NewVenue:
    name: str
    city: str
    kind: str


@dataclass(frozen=True, slots=True)
class RoutineLine:
    weekday: int
    time: dt.time
    venue: str
    title: str | None
    members: int
    joined: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DigestData:
    week: IsoWeek
    week_start: dt.date
    top: Sequence[TopVenue] = ()
    new_venues: Sequence[NewVenue] = ()
    new_venue_count: int = 0
    routines: Sequence[RoutineLine] = ()
    irl_hours: float = 0.0
    irl_members: int = 0
    streaks: Sequence[tuple[int, int]] = ()  # (member id, weeks)
    history: Sequence[tuple[IsoWeek, float]] = ()  # oldest first


@dataclass(frozen=True, slots=True)
class DigestSection:
    name: str
    value: str


@dataclass(frozen=True, slots=True)
class Digest:
    title: str
    description: str
    sections: tuple[DigestSection, ...]
    footer: str
    venue_ids: tuple[int, ...]
    chart_title: str
    chart_labels: tuple[str, ...] = field(default=())
    chart_values: tuple[float, ...] = field(default=())
    #: The decimal separator of the chart's numbers: "," in French.
    chart_decimal: str = "."

    def total_length(self) -> int:
        return (
            len(self.title)
            + len(self.description)
            + len(self.footer)
            + sum(len(s.name) + len(s.value) for s in self.sections)
        )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _lines_within(lines: Sequence[str], limit: int, more: Callable[[int], str]) -> str:
    """As many whole lines as fit in `limit`, then "and N more" for the rest."""
    kept: list[str] = []
    for index, line in enumerate(lines):
        rest = len(lines) - index - 1
        tail = "\n" + more(rest) if rest else ""
        candidate = "\n".join([*kept, line])
        if len(candidate + tail) > limit:
            return "\n".join([*kept, more(len(lines) - index)])[:limit]
        kept.append(line)
    return "\n".join(kept)


def _top_section(language: str, top: Sequence[TopVenue], escape: Escape) -> DigestSection:
    lines = []
    for emoji, venue in zip(NUMBER_EMOJIS, top, strict=False):
        line = t(
            language,
            "digest.top.line",
            emoji=emoji,
            name=escape(_clip(venue.name, 100)),
            city=escape(_clip(venue.city, 60)),
            rit=number(language, venue.rit, 2, exact=True),
            count=venue.ratings,
        )
        if venue.new_ratings:
            line += t(language, "digest.top.new", count=venue.new_ratings)
        lines.append(line)
    lines.append(t(language, "digest.top.vote"))
    return DigestSection(
        t(language, "digest.top"), _lines_within(lines, FIELD_VALUE_MAX, _more(language))
    )


def _new_section(language: str, data: DigestData, escape: Escape) -> DigestSection:
    lines = [
        t(
            language,
            "digest.new.line",
            name=escape(_clip(v.name, 100)),
            city=escape(_clip(v.city, 60)),
            kind=t(language, f"kind.{v.kind}"),
        )
        for v in data.new_venues
    ]
    hidden = data.new_venue_count - len(lines)
    if hidden > 0:
        lines.append(_more(language)(hidden))
    return DigestSection(
        t(language, "digest.new", count=data.new_venue_count),
        _lines_within(lines, FIELD_VALUE_MAX, _more(language)),
    )


def _routines_section(
    language: str, routines: Sequence[RoutineLine], escape: Escape
) -> DigestSection:
    lines = []
    for routine in routines:
        line = t(
            language,
            "digest.routine.line",
            day=weekday_text(language, routine.weekday),
            time=routine.time,
            venue=escape(_clip(routine.venue, 100)),
            count=routine.members,
        )
        if routine.title:
            line += f" · {escape(_clip(routine.title, 100))}"
        if routine.joined:
            joined = " ".join(f"<@{member}>" for member in routine.joined[:5])
            line += t(language, "digest.routine.joined", members=joined)
        lines.append(line)
    return DigestSection(
        t(language, "digest.routines"), _lines_within(lines, FIELD_VALUE_MAX, _more(language))
    )


def _streaks_section(language: str, member_streaks: Sequence[tuple[int, int]]) -> DigestSection:
    lines = [
        t(language, "digest.streak.line", member=f"<@{member}>", count=weeks)
        for member, weeks in member_streaks
    ]
    return DigestSection(
        t(language, "digest.streaks"), _lines_within(lines, FIELD_VALUE_MAX, _more(language))
    )


def _more(language: str) -> Callable[[int], str]:
    return lambda n: t(language, "digest.more", count=n)


def compose_digest(
    data: DigestData, language: str, *, escape: Escape = lambda text: text
) -> Digest:
    """The digest as text sections within Discord's embed limits, in `language`.

    `escape` makes member-written text (venue names, titles) inert for the renderer."""
    title = t(
        language,
        "digest.title",
        date=format_date(data.week_start, "long", locale=_locale(language)),
    )
    if data.irl_hours:
        description = t(
            language, "digest.hours", count=data.irl_members, hours=number(language, data.irl_hours)
        )
    else:
        description = t(language, "digest.no_hours")
    top = list(data.top[: len(NUMBER_EMOJIS)])
    sections: list[DigestSection] = []
    if top:
        sections.append(_top_section(language, top, escape))
    if data.new_venues:
        sections.append(_new_section(language, data, escape))
    if data.routines:
        sections.append(_routines_section(language, data.routines, escape))
    if data.streaks:
        sections.append(_streaks_section(language, data.streaks))
    question = t(language, f"digest.question.{(data.week[0] * 53 + data.week[1]) % QUESTIONS}")
    sections.append(DigestSection(t(language, "digest.question"), question))
    digest = Digest(
        title=_clip(title, TITLE_MAX),
        description=_clip(description, DESCRIPTION_MAX),
        sections=tuple(DigestSection(_clip(s.name, FIELD_NAME_MAX), s.value) for s in sections),
        footer=_clip(
            t(language, "digest.footer", year=data.week[0], week=data.week[1]), FOOTER_MAX
        ),
        venue_ids=tuple(v.id for v in top),
        chart_title=t(language, "digest.chart"),
        chart_labels=tuple(t(language, "digest.chart.week", week=w[1]) for w, _ in data.history),
        chart_values=tuple(hours for _, hours in data.history),
        chart_decimal=get_decimal_symbol(_locale(language)),
    )
    assert digest.total_length() <= TOTAL_MAX, digest.total_length()
    return digest
