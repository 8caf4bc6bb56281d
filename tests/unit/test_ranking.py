"""The RIT ranking's stated properties (hypothesis) and docs/ranking.md's examples."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.ranking import GuildPrior, RatingSample, rank, score

worths = st.integers(min_value=1, max_value=5)
hours = st.sampled_from([0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 8.0, 12.0, 24.0])
ratings = st.lists(st.builds(RatingSample, worth=worths, hours=hours), max_size=40)
guilds = st.dictionaries(st.integers(min_value=100, max_value=10_000), ratings, max_size=8)


@settings(max_examples=300)
@given(others=guilds, h=hours)
def test_one_perfect_rating_never_outranks_twenty_averaging_4_6(others, h) -> None:
    twenty = [RatingSample(5, h)] * 12 + [RatingSample(4, h)] * 8  # mean 4.6
    venues = {**others, 1: [RatingSample(5, h)], 2: twenty}
    order = [s.venue_id for s in rank(venues)]
    assert order.index(2) < order.index(1)


@given(others=guilds, worth=worths, count=st.integers(1, 10), h=hours)
def test_at_equal_worth_more_hours_ranks_lower(others, worth, count, h) -> None:
    cheap = [RatingSample(worth, h)] * count
    dear = [RatingSample(worth, h * 2)] * count
    order = [s.venue_id for s in rank({**others, 1: dear, 2: cheap})]
    assert order.index(2) < order.index(1)


@given(guild=guilds)
def test_same_data_same_order_whatever_the_input_order(guild) -> None:
    forward = rank(guild)
    backward = rank(dict(reversed(list(guild.items()))))
    assert [s.venue_id for s in forward] == [s.venue_id for s in backward]


def test_ties_break_by_ratings_then_oldest_venue() -> None:
    same = [RatingSample(4, 2.0)]
    order = [s.venue_id for s in rank({30: same, 10: same, 20: same, 5: []})]
    assert order[:3] == [10, 20, 30]


def test_worked_example_from_the_docs() -> None:
    prior = GuildPrior(worth=3.8, hours=2.0, spread=1.0)
    one_perfect = score(1, [RatingSample(5, 2.0)], prior)
    twenty = score(2, [RatingSample(5, 2.0)] * 12 + [RatingSample(4, 2.0)] * 8, prior)
    long_day = score(3, [RatingSample(5, 8.0)] * 10, prior)
    unrated = score(4, [], prior)
    assert round(one_perfect.rit, 2) == 3.35
    assert round(twenty.rit, 2) == 4.18
    assert round(long_day.rit, 2) == 3.54
    assert round(long_day.hours, 2) == 5.81
    assert round(unrated.rit, 2) == 2.93


def test_weekly_view_weighs_recent_ratings_more() -> None:
    now = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
    old_good = [RatingSample(5, 2.0, now - dt.timedelta(days=60))] * 5
    new_good = [RatingSample(5, 2.0, now - dt.timedelta(days=1))] * 5
    prior = GuildPrior()
    weekly_old = score(1, old_good, prior, now=now, half_life_days=7)
    weekly_new = score(2, new_good, prior, now=now, half_life_days=7)
    assert weekly_new.rit > weekly_old.rit
    assert score(1, old_good, prior).rit == score(2, new_good, prior).rit
