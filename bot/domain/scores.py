"""A guild's ratings turned into RIT scores: the one place that reads them for scoring."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.ranking import GuildPrior, RatingSample, Score, rank, score
from db.repositories import RatingRepository, RatingRow


def _samples(rows: Iterable[RatingRow]) -> dict[int, list[RatingSample]]:
    by_venue: dict[int, list[RatingSample]] = defaultdict(list)
    for row in rows:
        by_venue[row.venue_id].append(RatingSample(row.worth, row.hours))
    return dict(by_venue)


@dataclass(frozen=True, slots=True)
class GuildScores:
    """The guild's prior (from all its ratings of active venues) and each venue's samples."""

    prior: GuildPrior
    samples: dict[int, list[RatingSample]]

    @classmethod
    def of(cls, rows: Sequence[RatingRow]) -> GuildScores:
        return cls(
            prior=GuildPrior.of(RatingSample(r.worth, r.hours) for r in rows),
            samples=_samples(rows),
        )

    def score(self, venue_id: int) -> Score:
        return score(venue_id, self.samples.get(venue_id, []), self.prior)

    def rank(
        self, venue_ids: Iterable[int] | None = None, *, rows: Iterable[RatingRow] | None = None
    ) -> list[Score]:
        """Venues best first: `venue_ids` (every venue rated, by default), scored from
        `rows` when given (ratings of a period, say) against the guild's prior."""
        samples = self.samples if rows is None else _samples(rows)
        ids = samples.keys() if venue_ids is None else venue_ids
        return rank({venue_id: samples.get(venue_id, []) for venue_id in ids}, self.prior)


async def guild_scores(session: AsyncSession, guild_id: int) -> GuildScores:
    return GuildScores.of(await RatingRepository(session).rows(guild_id))
