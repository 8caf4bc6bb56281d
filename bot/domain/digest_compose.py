"""What the weekly digest says: composed from data, in a language, within the limits of a
Components V2 message (40 components, 4,000 characters of text). No database, no Discord."""

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

#: Discord's limits on a Components V2 message: its Text Displays hold 4,000 characters
#: in all; the layout adds its headings ("## ", "### ") within TEXT_MARGIN.
TEXT_MAX, TEXT_MARGIN = 4000, 100
COMPONENTS_MAX = 40
#: Budgets that keep the largest digest within TEXT_MAX.
TITLE_MAX, DESCRIPTION_MAX, FOOTER_MAX = 150, 200, 100
TOP_MAX, NEW_MAX, STREAKS_MAX, QUESTION_MAX, QUOTES_MAX = 800, 250, 300, 200, 300
QUOTE_MAX, LAST_MAX, LAST_LINE_MAX, PAUSED_MAX = 150, 450, 250, 200
#: Gatherings shown with their Going button (each a Section: 3 components); the rest are
#: counted in "and N more".
GATHERINGS_SHOWN, GATHERING_LINE_MAX = 5, 150
#: What last week's answers got and what went wrong are told from this many answers on.
ANSWERS_FLOOR = 3
GOT_KEYS = ("substance", "experience", "contact")
FLAG_KEYS = ("ego", "pitch", "nothing_new", "cliquey")
#: Kept for the embed-era names some callers import.
FIELD_VALUE_MAX, TOTAL_MAX = TOP_MAX, TEXT_MAX - TEXT_MARGIN

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
    #: This week's occurrence, and how many go; None for a routine paused since the
    #: last digest (told under last week).
    starts_at: dt.datetime | None = None
    going: int = 0
    paused: bool = False
    routine_id: int = 0


@dataclass(frozen=True, slots=True)
class PastLine:
    """One gathering of last week. `went` counts the "I went" answers of its check-back,
    or, when nobody answered, the members who said they were going (`confirmed` False).
    `got` (per GOT_KEYS) and `flags` (per FLAG_KEYS) count the answers, and are None under
    ANSWERS_FLOOR answers."""

    starts_at: dt.datetime
    venue: str
    title: str | None
    went: int
    confirmed: bool
    got: tuple[int, ...] | None = None
    flags: tuple[int, ...] | None = None


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
    #: Answers to the last weeks' questions whose authors agreed to be quoted and that no
    #: digest quoted yet: (the author when their profile is public, else None; the answer).
    quotes: Sequence[tuple[int | None, str]] = ()
    #: The answers behind `quotes`, in the same order.
    quote_ids: Sequence[int] = ()
    #: Last week's gatherings, most went first.
    last_week: Sequence[PastLine] = ()
    #: The routines paused since the last digest (told once, under last week).
    paused: Sequence[RoutineLine] = ()


@dataclass(frozen=True, slots=True)
class DigestSection:
    name: str
    value: str
    #: "top" for the best places (the layout adds their Rate buttons).
    key: str = ""


@dataclass(frozen=True, slots=True)
class DigestGathering:
    """One line of "this week": an occurrence with its Going button (a line without a
    routine id has no button)."""

    routine_id: int | None
    text: str


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
    gatherings_title: str = ""
    gatherings: tuple[DigestGathering, ...] = ()
    gatherings_more: str = ""
    going_label: str = ""
    #: The Rate buttons under the best places, one per numbered venue.
    rate_label: str = ""
    commit_label: str = ""
    #: The answers the digest quotes in full (those cut for room wait for the next one).
    quoted_ids: tuple[int, ...] = ()

    def total_length(self) -> int:
        """Characters of text the layout shows, headings aside."""
        return (
            len(self.title)
            + len(self.description)
            + len(self.footer)
            + sum(len(s.name) + len(s.value) for s in self.sections)
            + len(self.gatherings_title)
            + sum(len(g.text) for g in self.gatherings)
            + len(self.gatherings_more)
        )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _lines_kept(lines: Sequence[str], limit: int, more: Callable[[int], str]) -> tuple[str, int]:
    """As many whole lines as fit in `limit`, then "and N more" for the rest; and how
    many lines were kept."""
    kept: list[str] = []
    for index, line in enumerate(lines):
        rest = len(lines) - index - 1
        tail = "\n" + more(rest) if rest else ""
        candidate = "\n".join([*kept, line])
        if len(candidate + tail) > limit:
            return "\n".join([*kept, more(len(lines) - index)])[:limit], len(kept)
        kept.append(line)
    return "\n".join(kept), len(kept)


def _lines_within(lines: Sequence[str], limit: int, more: Callable[[int], str]) -> str:
    return _lines_kept(lines, limit, more)[0]


def _top_section(language: str, top: Sequence[TopVenue], escape: Escape) -> DigestSection:
    lines = []
    for emoji, venue in zip(NUMBER_EMOJIS, top, strict=False):
        line = t(
            language,
            "digest.top.line",
            emoji=emoji,
            name=escape(_clip(venue.name, 60)),
            city=escape(_clip(venue.city, 30)),
            rit=number(language, venue.rit, 2, exact=True),
            count=venue.ratings,
        )
        if venue.new_ratings:
            line += t(language, "digest.top.new", count=venue.new_ratings)
        lines.append(line)
    lines.append(t(language, "digest.top.vote"))
    return DigestSection(
        t(language, "digest.top"), _lines_within(lines, TOP_MAX, _more(language)), key="top"
    )


def _past_line(language: str, past: PastLine, escape: Escape) -> str:
    """A gathering of last week: when, where, how many went, what they got and what went
    wrong (from ANSWERS_FLOOR answers on)."""
    line = t(
        language,
        "digest.last.line",
        date=f"<t:{int(past.starts_at.timestamp())}:f>",
        venue=escape(_clip(past.venue, 50)),
    )
    if past.title:
        line += f" · {escape(_clip(past.title, 40))}"
    key = "digest.last.went" if past.confirmed else "digest.last.going"
    line += " · " + t(language, key, count=past.went)
    if past.got is not None and any(past.got):
        got = [
            t(language, f"digest.last.got.{name}", count=count)
            for name, count in zip(GOT_KEYS, past.got, strict=True)
            if count
        ]
        line += "\n" + t(language, "digest.last.got", items=", ".join(got))
    if past.flags is not None and any(past.flags):
        flags = [
            t(language, f"digest.last.flag.{name}", count=count)
            for name, count in zip(FLAG_KEYS, past.flags, strict=True)
            if count
        ]
        line += "\n" + t(language, "digest.last.flags", items=", ".join(flags))
    return _clip(line, LAST_LINE_MAX)


def _last_section(
    language: str, last: Sequence[PastLine], paused: Sequence[RoutineLine], escape: Escape
) -> DigestSection:
    """The gatherings that took place, then the routines paused since the last digest,
    each told once; the pauses keep their room when the gatherings are cut."""
    told = _lines_within(
        [_routine_line(language, routine, escape) for routine in paused],
        PAUSED_MAX,
        lambda n: t(language, "digest.paused.more", count=n),
    )
    room = LAST_MAX - (len(told) + 1 if told else 0)
    lines = [_past_line(language, past, escape) for past in last]
    value = "\n".join(part for part in (_lines_within(lines, room, _more(language)), told) if part)
    return DigestSection(t(language, "digest.last"), value)


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
        _lines_within(lines, NEW_MAX, _more(language)),
    )


def _gatherings(
    language: str, routines: Sequence[RoutineLine], escape: Escape
) -> tuple[tuple[DigestGathering, ...], str]:
    """The first GATHERINGS_SHOWN lines, and "and N more" for the rest."""
    shown = tuple(
        DigestGathering(
            None if routine.paused else routine.routine_id,
            _routine_line(language, routine, escape),
        )
        for routine in routines[:GATHERINGS_SHOWN]
    )
    hidden = len(routines) - len(shown)
    return shown, _more(language)(hidden) if hidden > 0 else ""


def _routine_line(language: str, routine: RoutineLine, escape: Escape) -> str:
    """This week's date and number going; a routine paused since the last digest, once,
    as such."""
    venue = escape(_clip(routine.venue, 60))
    if routine.paused:
        return t(language, "digest.routine.paused", venue=venue)
    if routine.starts_at is not None:
        line = t(
            language,
            "digest.routine.occurrence",
            date=f"<t:{int(routine.starts_at.timestamp())}:f>",
            venue=venue,
            count=routine.going,
        )
    else:
        line = t(
            language,
            "digest.routine.line",
            day=weekday_text(language, routine.weekday),
            time=routine.time,
            venue=venue,
            count=routine.members,
        )
    if routine.title:
        line += f" · {escape(_clip(routine.title, 60))}"
    if routine.joined:
        joined = " ".join(f"<@{member}>" for member in routine.joined[:3])
        with_joined = line + t(language, "digest.routine.joined", members=joined)
        if len(with_joined) <= GATHERING_LINE_MAX:
            return with_joined
    return _clip(line, GATHERING_LINE_MAX)


def _irl_section(language: str, member_streaks: Sequence[tuple[int, int]]) -> DigestSection:
    """My IRL this week: the invitation to commit, and the longest streaks of kept
    commitments (public profiles only); the layout adds the commitment button."""
    lines = [t(language, "digest.irl.invite")] + [
        t(language, "digest.streak.line", member=f"<@{member}>", count=weeks)
        for member, weeks in member_streaks
    ]
    return DigestSection(
        t(language, "digest.irl"), _lines_within(lines, STREAKS_MAX, _more(language)), key="irl"
    )


def _quotes_section(
    language: str, quotes: Sequence[tuple[int | None, str]], escape: Escape
) -> tuple[DigestSection, int]:
    """The quotes, and how many of them fit whole."""
    lines = [
        t(
            language,
            "digest.quote.line",
            text=escape(_clip(text, QUOTE_MAX)),
            author=f"<@{member}>" if member is not None else t(language, "digest.quote.someone"),
        )
        for member, text in quotes
    ]
    value, shown = _lines_kept(lines, QUOTES_MAX, _more(language))
    return DigestSection(t(language, "digest.quotes"), value), shown


def _numbered(sections: Sequence[DigestSection]) -> int:
    """How many venues the top list shows (the reactions vote for those only)."""
    top = next((s for s in sections if s.key == "top"), None)
    if top is None:
        return 0
    return sum(1 for line in top.value.splitlines() if line.startswith(NUMBER_EMOJIS))


def _more(language: str) -> Callable[[int], str]:
    return lambda n: t(language, "digest.more", count=n)


def compose_digest(
    data: DigestData, language: str, *, escape: Escape = lambda text: text
) -> Digest:
    """The digest as text blocks within a Components V2 message's limits, in `language`.

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
    if data.last_week or data.paused:
        sections.append(_last_section(language, data.last_week, data.paused, escape))
    if top:
        sections.append(_top_section(language, top, escape))
    if data.new_venues:
        sections.append(_new_section(language, data, escape))
    if data.streaks or data.routines:
        sections.append(_irl_section(language, data.streaks))
    quoted = 0
    if data.quotes:
        section, quoted = _quotes_section(language, data.quotes, escape)
        sections.append(section)
    question = t(language, f"digest.question.{(data.week[0] * 53 + data.week[1]) % QUESTIONS}")
    sections.append(DigestSection(t(language, "digest.question"), _clip(question, QUESTION_MAX)))
    gatherings, more = _gatherings(language, data.routines, escape)
    digest = Digest(
        title=_clip(title, TITLE_MAX),
        description=_clip(description, DESCRIPTION_MAX),
        sections=tuple(DigestSection(_clip(s.name, 40), s.value, s.key) for s in sections),
        footer=_clip(
            t(language, "digest.footer", year=data.week[0], week=data.week[1]), FOOTER_MAX
        ),
        venue_ids=tuple(v.id for v in top[: _numbered(sections)]),
        chart_title=t(language, "digest.chart"),
        chart_labels=tuple(t(language, "digest.chart.week", week=w[1]) for w, _ in data.history),
        chart_values=tuple(hours for _, hours in data.history),
        chart_decimal=get_decimal_symbol(_locale(language)),
        gatherings_title=t(language, "digest.routines") if gatherings else "",
        gatherings=gatherings,
        gatherings_more=more,
        going_label=t(language, "digest.going"),
        rate_label=t(language, "rate.button"),
        commit_label=t(language, "digest.commit"),
        quoted_ids=tuple(data.quote_ids[:quoted]),
    )
    assert digest.total_length() <= TEXT_MAX - TEXT_MARGIN, digest.total_length()
    return digest
