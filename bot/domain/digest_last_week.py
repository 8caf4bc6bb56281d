"""The digest's "last week": the gatherings that took place, how many went, and what the
check-back answers said of them, only once enough members answered to say it without
pointing at anyone."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.digest_compose import ANSWERS_FLOOR, PastLine
from bot.domain.ranking import FLAG_ALL, GOT_ALL
from db.repositories.gatherings import GatheringAnswer, GatheringRepository

#: Occurrences read for the week (the composition cuts with "and N more").
PAST_READ = 200


def _counts(answers: list[GatheringAnswer]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    got = tuple(sum(1 for a in answers if a.got & bit) for bit in GOT_ALL)
    flags = tuple(sum(1 for a in answers if a.flags & bit) for bit in FLAG_ALL)
    return got, flags


async def last_week(session: AsyncSession, guild_id: int, now: dt.datetime) -> list[PastLine]:
    """The gatherings that took place in the seven days before `now`, most went first."""
    repository = GatheringRepository(session)
    past = await repository.took_place(guild_id, now - dt.timedelta(days=7), now, PAST_READ)
    if not past:
        return []
    by_occurrence: dict[int, list[GatheringAnswer]] = defaultdict(list)
    if any(p.went for p in past):
        ids = [p.occurrence_id for p in past]
        for answer in await repository.answers(guild_id, ids, past[0].starts_at):
            by_occurrence[answer.occurrence_id].append(answer)
    lines = []
    for p in past:
        line = PastLine(
            p.starts_at,
            p.venue,
            p.title,
            p.went if p.answered else p.going,
            confirmed=p.answered > 0,
        )
        told = by_occurrence.get(p.occurrence_id, [])
        if len(told) >= ANSWERS_FLOOR:
            got, flags = _counts(told)
            line = dataclasses.replace(line, got=got, flags=flags)
        lines.append(line)
    return sorted(lines, key=lambda line: (-line.went, line.starts_at))


__all__ = ["ANSWERS_FLOOR", "PastLine", "last_week"]
