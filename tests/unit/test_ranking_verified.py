"""Verified answers weigh more, and the criteria and flags move the score: the orderings
docs/ranking.md states, proved over arbitrary guilds with hypothesis."""

from __future__ import annotations

import itertools

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.domain.ranking import (
    FLAG_ALL,
    FLAG_PITCH,
    GOT_ALL,
    TIER_WEIGHTS,
    GuildPrior,
    RatingSample,
    history_weights,
    rating_value,
    score,
)

hours = st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 8.0])
#: Guilds whose mean worth is at most 4: a 4/5 is at least as good as the guild's usual.
priors = st.builds(
    GuildPrior,
    worth=st.floats(min_value=1.0, max_value=4.0),
    hours=hours,
    spread=st.floats(min_value=1.0, max_value=2.0),
)
tiers = st.sampled_from(list(TIER_WEIGHTS))


def _samples(worth: float, h: float, tier: str, count: int) -> list[RatingSample]:
    return [RatingSample(worth, h, weight=TIER_WEIGHTS[tier])] * count


@settings(max_examples=500)
@given(
    prior=priors,
    h=hours,
    fresh=st.integers(1, 3),
    unverified=st.sampled_from(["visit", "none"]),
    body=st.integers(10, 60),
)
def test_fresh_unverified_fives_never_outrank_a_body_of_verified_fours(
    prior: GuildPrior, h: float, fresh: int, unverified: str, body: int
) -> None:
    """For gatherings that take no more than the guild's typical time (beyond it, the time
    the verified body reports is surer too, and its cost can decide)."""
    assume(h <= prior.hours)
    hyped = score(1, _samples(5, h, unverified, fresh), prior)
    proven = score(2, _samples(4, h, "attended", body), prior)
    assert proven.rit > hyped.rit


@given(prior=priors, h=hours, worth=st.integers(3, 5), count=st.integers(1, 30))
def test_the_same_answers_count_more_the_surer_the_presence(
    prior: GuildPrior, h: float, worth: int, count: int
) -> None:
    """Above the guild's mean and within its typical time, attended > visit > nothing, for
    the same answers."""
    assume(worth > prior.worth and h <= prior.hours)
    attended, visit, none = (
        score(1, _samples(worth, h, tier, count), prior).rit
        for tier in ("attended", "visit", "none")
    )
    assert attended > visit > none


@given(
    worth=st.integers(1, 5),
    grades=st.tuples(*[st.one_of(st.none(), st.integers(1, 5))] * 3),
    flags=st.integers(0, 15),
)
def test_criteria_raise_and_flags_lower_the_value(worth, grades, flags) -> None:
    value = rating_value(worth, grades, None, flags)
    assert 1.0 <= value <= 5.0
    better = tuple(5 if g is not None else None for g in grades)
    assert rating_value(worth, better, None, flags) >= value
    assert rating_value(worth, grades, None, flags | FLAG_PITCH) <= value
    everything = sum(GOT_ALL)
    assert rating_value(worth, (), everything, flags) >= rating_value(worth, (), 0, flags)
    assert rating_value(worth, (), 0, sum(FLAG_ALL)) == max(1.0, worth - 2.0)


@given(history=st.lists(tiers, min_size=1, max_size=8))
def test_the_newest_rating_of_a_member_counts_most(history: list[str]) -> None:
    weights = history_weights(history)
    same_tier = [w for w, t in zip(weights, history, strict=True) if t == history[0]]
    assert same_tier[0] == max(same_tier)
    assert all(a > b for a, b in itertools.pairwise(same_tier))


def test_docs_verified_examples() -> None:
    prior = GuildPrior(worth=3.8, hours=2.0, spread=1.0)
    e = score(1, _samples(5, 2.0, "none", 3), prior)
    f = score(2, _samples(4, 2.0, "attended", 10), prior)
    g = score(3, _samples(5, 2.0, "visit", 3), prior)
    assert (round(e.rit, 2), round(f.rit, 2), round(g.rit, 2)) == (3.21, 3.54, 3.41)
    assert rating_value(4, (5, 4, None)) == 4.375
    assert rating_value(4, (5, 4, None), None, FLAG_PITCH) == 3.875
