"""The one clock-driven claim loop behind the bot's private and follow-up rounds (the
check-back, the follow-up of new contacts, the monthly summaries): every few seconds, read
what is due for the guilds this process serves, claim each item (one process wins: the
claim is a conditional write in the database) and deliver what the claim returned. One
item's failure is logged and never stops the round; time comes from the bot's one clock."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from discord.ext import tasks

if TYPE_CHECKING:
    from bot.app import BonnesPlaces

log = logging.getLogger(__name__)

Item = TypeVar("Item")
Claimed = TypeVar("Claimed")


@dataclass(frozen=True, slots=True)
class ClaimRound(Generic[Item, Claimed]):
    """What one round does: `due` lists the items of these guilds, `claim` takes one (None
    when another process has it, or there is nothing to send), `deliver` sends it."""

    name: str
    due: Callable[[list[int], dt.datetime], Awaitable[Sequence[Item]]]
    claim: Callable[[Item, dt.datetime], Awaitable[Claimed | None]]
    deliver: Callable[[Claimed], Awaitable[None]]


class ClaimLoop(Generic[Item, Claimed]):
    """Runs a ClaimRound every `routine_check_seconds`, from the first ready to unload."""

    def __init__(self, bot: BonnesPlaces, round_: ClaimRound[Item, Claimed]) -> None:
        self.bot = bot
        self.round = round_
        self.loop = tasks.loop(seconds=bot.settings.routine_check_seconds)(self.run)

    def start(self) -> None:
        if not self.loop.is_running():
            self.loop.start()

    def stop(self) -> None:
        self.loop.cancel()

    async def run(self) -> None:
        """One round: what is due, claimed and delivered item by item."""
        now = await self.bot.services.clock.now()
        try:
            due = await self.round.due([guild.id for guild in self.bot.guilds], now)
        except Exception:
            log.exception("%s: could not read what is due", self.round.name)
            return
        for item in due:
            try:
                claimed = await self.round.claim(item, now)
                if claimed is not None:
                    await self.round.deliver(claimed)
            except Exception:
                log.exception("%s: %r failed", self.round.name, item)


__all__ = ["ClaimLoop", "ClaimRound"]
