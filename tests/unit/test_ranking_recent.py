"""The weekly view's sums, kept from the recent window's rows, give the score the formula
gives with a half-life over the same ratings."""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.ranking import GuildPrior, RatingSample, score, score_sums
from bot.domain.scores import HALF_LIFE_DAYS, recent_sums
from db.repositories import RecentRating

NOW = dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC)
rows = st.lists(
    st.tuples(
        st.integers(1, 4),  # member
        st.floats(0, 28),  # age in days
        st.sampled_from([0.2, 0.4, 1.0, 0.5]),
        st.floats(1, 5),
        st.sampled_from([0.25, 1.0, 2.0, 8.0]),
    ),
    min_size=1,
    max_size=12,
)


@given(rows)
def test_recent_sums_score_as_the_formula_with_a_half_life(
    found: list[tuple[int, float, float, float, float]],
) -> None:
    prior = GuildPrior(worth=3.8, hours=2.0, spread=1.0)
    recent = [
        RecentRating(7, member, NOW - dt.timedelta(days=age), weight, value, math.log(hours))
        for member, age, weight, value, hours in found
    ]
    samples = [
        RatingSample(value, hours, NOW - dt.timedelta(days=age), weight)
        for _, age, weight, value, hours in found
    ]
    kept = score_sums(7, recent_sums(recent, NOW)[7], prior)
    expected = score(7, samples, prior, now=NOW, half_life_days=HALF_LIFE_DAYS)
    assert math.isclose(kept.rit, expected.rit, abs_tol=1e-6)
    assert kept.ratings == len({member for member, *_ in found})


def test_a_rating_a_week_old_weighs_half_a_fresh_one() -> None:
    fresh = RecentRating(1, 1, NOW, 1.0, 5.0, 0.0)
    week_old = RecentRating(2, 1, NOW - dt.timedelta(days=7), 1.0, 5.0, 0.0)
    sums = recent_sums([fresh, week_old], NOW)
    assert sums[1].weight == 1.0 and math.isclose(sums[2].weight, 0.5)
