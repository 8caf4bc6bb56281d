"""Answers to the digest's question: given in the thread under the digest, quoted in the
next digest only when their author agreed."""

from __future__ import annotations

from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.errors import Forbidden, InvalidInput, NotFound
from bot.domain.schedule import IsoWeek
from bot.domain.text import clean_line
from db.engine import Database
from db.repositories.digest_answers import DigestAnswerRepository

ANSWER_MAX = 500


class DigestAnswerService:
    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    async def answer(
        self, guild_id: int, week: IsoWeek, member_id: int, text: str
    ) -> tuple[int, str]:
        """Record a member's answer to the question of the digest of `week`; its id and
        the text as kept."""
        clean = clean_line(text)
        if not clean:
            raise InvalidInput("error.answer_empty")
        if len(clean) > ANSWER_MAX:
            raise InvalidInput(
                "error.field_too_long", field="answer", max=ANSWER_MAX, length=len(clean)
            )
        now = await self.clock.now()
        async with self.db.write() as session:
            answer_id = await DigestAnswerRepository(session).add(
                guild_id, week, member_id, clean, now
            )
        return answer_id, clean

    async def toggle_consent(self, guild_id: int, answer_id: int, member_id: int) -> bool:
        """Its author agrees to be quoted, or takes it back; True when now agreed. Nobody
        else can agree for them."""
        now = await self.clock.now()
        async with self.db.write() as session:
            answers = DigestAnswerRepository(session)
            found = await answers.author(guild_id, answer_id)
            if found is None:
                raise NotFound("error.answer_gone")
            author, agreed = found
            if author != member_id:
                raise Forbidden("error.answer_not_yours")
            await answers.set_consent(answer_id, None if agreed else now)
        return not agreed
