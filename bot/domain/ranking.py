"""The RIT score (return on time invested): pure functions, no database, no Discord.

See docs/ranking.md for the formula, the reasons behind each constant, and worked examples.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

#: Pseudo-ratings of the guild's mean worth added to every venue.
PRIOR_WEIGHT = 3.0
#: How many "standard errors" of doubt are taken off a venue's worth.
DOUBT = 1.5
#: The smallest spread of worth assumed, on the 1–5 scale.
MIN_SPREAD = 1.0
#: Worth taken off per doubling of the time a venue costs, relative to the guild's typical.
TIME_COST = 0.5
#: Priors when a guild has no ratings yet.
DEFAULT_WORTH = 3.0
DEFAULT_HOURS = 2.0
#: How much a rating counts, by how the member's presence is known (bot.domain.vocabulary):
#: the check-back of an occurrence they were going to, a visit they logged, nothing.
TIER_WEIGHTS = {"attended": 1.0, "visit": 0.4, "none": 0.2}
#: A member's older ratings of a venue fade: each newer one halves their weight.
HISTORY_FADE = 0.5
#: Worth gained when every criterion answered is at its best (5/5, or "I got it").
CRITERIA_GAIN = 0.5
#: Worth lost per "what went wrong" flag.
FLAG_COST = 0.5
#: What the member got, and what went wrong (bit masks stored with the rating).
GOT_SUBSTANCE, GOT_EXPERIENCE, GOT_CONTACT = 1, 2, 4
GOT_ALL = (GOT_SUBSTANCE, GOT_EXPERIENCE, GOT_CONTACT)
FLAG_EGO, FLAG_PITCH, FLAG_NOTHING_NEW, FLAG_CLIQUEY = 1, 2, 4, 8
FLAG_ALL = (FLAG_EGO, FLAG_PITCH, FLAG_NOTHING_NEW, FLAG_CLIQUEY)


def rating_value(
    worth: int,
    criteria: Sequence[int | None] = (),
    got: int | None = None,
    flags: int = 0,
) -> float:
    """The worth a rating contributes: its 1–5 worth, moved by the criteria (each grade g
    counts (g - 3) / 2, each thing the check-back says the member got counts 1, not got 0;
    their mean times CRITERIA_GAIN) and lowered by FLAG_COST per flag, within 1–5."""
    parts = [(grade - 3) / 2 for grade in criteria if grade is not None]
    if got is not None:
        parts = [1.0 if got & bit else 0.0 for bit in GOT_ALL]
    gain = CRITERIA_GAIN * (sum(parts) / len(parts)) if parts else 0.0
    cost = FLAG_COST * sum(1 for bit in FLAG_ALL if flags & bit)
    return min(5.0, max(1.0, worth + gain - cost))


def history_weights(tiers: Sequence[str]) -> list[float]:
    """The weights of a member's ratings of one venue, newest first."""
    return [TIER_WEIGHTS[tier] * HISTORY_FADE**age for age, tier in enumerate(tiers)]


def quarters(hours: float) -> int:
    """Hours as a whole number of quarter hours (how they are entered)."""
    return max(1, round(hours * 4))


@dataclass(frozen=True, slots=True)
class RatingSample:
    """One rating as the formula sees it: its value (worth adjusted, see rating_value),
    hours, when it was given, and its weight (tier and history)."""

    worth: float
    hours: float
    at: dt.datetime | None = None
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class VenueSums:
    """A venue's sufficient statistics: what its score needs from all its ratings."""

    raters: int = 0
    weight: float = 0.0
    weight_value: float = 0.0
    weight_log_hours: float = 0.0


class Sums(Protocol):
    """What `score_sums` reads of a venue's sums: `VenueSums`, or a record kept with the
    same names (read as they come, no copy made for each venue scored)."""

    @property
    def raters(self) -> int: ...
    @property
    def weight(self) -> float: ...
    @property
    def weight_value(self) -> float: ...
    @property
    def weight_log_hours(self) -> float: ...


@dataclass(frozen=True, slots=True)
class GuildPrior:
    """What a venue with no ratings is assumed to be: the guild's mean worth and its
    typical (median) hours, and how spread out worth is."""

    worth: float = DEFAULT_WORTH
    hours: float = DEFAULT_HOURS
    spread: float = MIN_SPREAD

    @classmethod
    def of(cls, ratings: Iterable[RatingSample]) -> GuildPrior:
        """From each member's latest rating of each active venue: the mean and the spread of
        their values, the median of their hours (to the quarter hour)."""
        samples = list(ratings)
        if not samples:
            return cls()
        worths = [s.worth for s in samples]
        spread = statistics.pstdev(worths) if len(worths) > 1 else MIN_SPREAD
        return cls(
            worth=statistics.fmean(worths),
            hours=statistics.median(quarters(s.hours) / 4 for s in samples),
            spread=max(MIN_SPREAD, spread),
        )

    @classmethod
    def of_sums(
        cls, count: int, value_sum: float, value_squares: float, hours: dict[int, int]
    ) -> GuildPrior:
        """The same prior from the sums kept as ratings are written, and the count of
        ratings per quarter hour."""
        if count <= 0:
            return cls()
        mean = value_sum / count
        variance = max(0.0, value_squares / count - mean * mean) if count > 1 else 0.0
        spread = math.sqrt(variance) if count > 1 else MIN_SPREAD
        return cls(worth=mean, hours=_median(hours, count), spread=max(MIN_SPREAD, spread))


def _median(histogram: dict[int, int], count: int) -> float:
    """The median of `count` quarter hours given as {quarters: how many}."""
    middle = [(count - 1) // 2, count // 2]
    found: list[float] = []
    seen = 0
    for key in sorted(histogram):
        seen += histogram[key]
        while middle and middle[0] < seen:
            found.append(key / 4)
            middle.pop(0)
    if len(found) < 2:  # the histogram holds fewer than `count`: a caller's inconsistency
        return DEFAULT_HOURS
    return (found[0] + found[1]) / 2


@dataclass(frozen=True, slots=True)
class Score:
    venue_id: int
    rit: float
    worth: float
    hours: float
    ratings: int

    def sort_key(self) -> tuple[float, int, int]:
        """Best first; ties go to the venue with more ratings, then to the older one."""
        return (-self.rit, -self.ratings, self.venue_id)


def _weights(
    samples: Sequence[RatingSample], now: dt.datetime | None, half_life_days: float | None
) -> list[float]:
    if half_life_days is None or now is None:
        return [sample.weight for sample in samples]
    weights = []
    for sample in samples:
        age_days = max(0.0, (now - sample.at).total_seconds() / 86400) if sample.at else 0.0
        weights.append(sample.weight * 0.5 ** (age_days / half_life_days))
    return weights


def sums_of(
    ratings: Sequence[RatingSample],
    *,
    raters: int | None = None,
    now: dt.datetime | None = None,
    half_life_days: float | None = None,
) -> VenueSums:
    weights = _weights(ratings, now, half_life_days)
    return VenueSums(
        raters=len(ratings) if raters is None else raters,
        weight=sum(weights),
        weight_value=sum(w * r.worth for w, r in zip(weights, ratings, strict=True)),
        weight_log_hours=sum(w * math.log(r.hours) for w, r in zip(weights, ratings, strict=True)),
    )


def score_sums(venue_id: int, sums: Sums, prior: GuildPrior) -> Score:
    """The RIT score of one venue from its sufficient statistics (see `score`)."""
    total = PRIOR_WEIGHT + sums.weight
    mean_worth = (PRIOR_WEIGHT * prior.worth + sums.weight_value) / total
    worth = mean_worth - DOUBT * prior.spread / math.sqrt(total)
    log_hours = (PRIOR_WEIGHT * math.log(prior.hours) + sums.weight_log_hours) / total
    hours = math.exp(log_hours)
    rit = worth - TIME_COST * math.log2(hours / prior.hours)
    return Score(
        venue_id=venue_id, rit=round(rit, 9), worth=worth, hours=hours, ratings=sums.raters
    )


def score(
    venue_id: int,
    ratings: Sequence[RatingSample],
    prior: GuildPrior,
    *,
    now: dt.datetime | None = None,
    half_life_days: float | None = None,
) -> Score:
    """The RIT score of one venue.

    worth  = (PRIOR_WEIGHT * prior.worth + sum w_i * worth_i) / (PRIOR_WEIGHT + sum w_i)
             - DOUBT * prior.spread / sqrt(PRIOR_WEIGHT + sum w_i)
    hours  = exp((PRIOR_WEIGHT * ln prior.hours + sum w_i * ln hours_i) / (PRIOR_WEIGHT + sum w_i))
    rit    = worth - TIME_COST * log2(hours / prior.hours)

    w_i is the rating's weight (its tier and history, 1 by default); with `half_life_days`
    it also halves every that many days (the weekly view).
    """
    sums = sums_of(ratings, now=now, half_life_days=half_life_days)
    return score_sums(venue_id, sums, prior)


def rank(
    venues: dict[int, Sequence[RatingSample]],
    prior: GuildPrior | None = None,
    *,
    now: dt.datetime | None = None,
    half_life_days: float | None = None,
) -> list[Score]:
    """Venues best first. The prior defaults to the one of all the ratings given."""
    if prior is None:
        prior = GuildPrior.of(r for ratings in venues.values() for r in ratings)
    scores = [
        score(venue_id, ratings, prior, now=now, half_life_days=half_life_days)
        for venue_id, ratings in venues.items()
    ]
    return sorted(scores, key=Score.sort_key)
