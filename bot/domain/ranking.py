"""The RIT score (return on time invested): pure functions, no database, no Discord.

See docs/ranking.md for the formula, the reasons behind each constant, and worked examples.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class RatingSample:
    worth: int
    hours: float
    at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class GuildPrior:
    """What a venue with no ratings is assumed to be: the guild's mean worth and its
    typical (median) hours, and how spread out worth is."""

    worth: float = DEFAULT_WORTH
    hours: float = DEFAULT_HOURS
    spread: float = MIN_SPREAD

    @classmethod
    def of(cls, ratings: Iterable[RatingSample]) -> GuildPrior:
        samples = list(ratings)
        if not samples:
            return cls()
        worths = [s.worth for s in samples]
        spread = statistics.pstdev(worths) if len(worths) > 1 else MIN_SPREAD
        return cls(
            worth=statistics.fmean(worths),
            hours=statistics.median(s.hours for s in samples),
            spread=max(MIN_SPREAD, spread),
        )


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
        return [1.0] * len(samples)
    weights = []
    for sample in samples:
        age_days = max(0.0, (now - sample.at).total_seconds() / 86400) if sample.at else 0.0
        weights.append(0.5 ** (age_days / half_life_days))
    return weights


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

    With `half_life_days`, a rating's weight w_i halves every that many days (the weekly
    view); otherwise every w_i is 1.
    """
    weights = _weights(ratings, now, half_life_days)
    total = PRIOR_WEIGHT + sum(weights)
    mean_worth = (
        PRIOR_WEIGHT * prior.worth + sum(w * r.worth for w, r in zip(weights, ratings, strict=True))
    ) / total
    worth = mean_worth - DOUBT * prior.spread / math.sqrt(total)
    log_hours = (
        PRIOR_WEIGHT * math.log(prior.hours)
        + sum(w * math.log(r.hours) for w, r in zip(weights, ratings, strict=True))
    ) / total
    hours = math.exp(log_hours)
    rit = worth - TIME_COST * math.log2(hours / prior.hours)
    return Score(
        venue_id=venue_id, rit=round(rit, 9), worth=worth, hours=hours, ratings=len(ratings)
    )


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
