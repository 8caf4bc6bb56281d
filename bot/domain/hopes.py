"""Promise against reality: when members say they are going to a gathering they may say
what they hope to get from it (the three things of the check-back); the check-back then
tells whether the gathering lived up to those hopes, and the venue card counts it."""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.errors import Forbidden, InvalidInput
from bot.domain.ranking import GOT_CONTACT, GOT_EXPERIENCE, GOT_SUBSTANCE
from db.engine import Database
from db.repositories.hopes import HopeCounts, HopeRepository

#: The three things a member can hope for and get, by the keys the forms use.
GOT_KEYS = (("substance", GOT_SUBSTANCE), ("experience", GOT_EXPERIENCE), ("contact", GOT_CONTACT))
#: Hopes against reality, and the warnings, are shown only from this many members.
HOPES_FLOOR = 3


def mask_of(keys: Iterable[str]) -> int:
    """The bit mask of the keys given; an unknown key is refused."""
    bits = dict(GOT_KEYS)
    mask = 0
    for key in keys:
        if key not in bits:
            raise InvalidInput("error.invalid_value")
        mask |= bits[key]
    return mask


def keys_of(mask: int | None) -> list[str]:
    return [key for key, bit in GOT_KEYS if mask and mask & bit]


def lived_up(hopes: int, got: int | None) -> bool:
    """The member got everything they hoped for."""
    return ((got or 0) & hopes) == hopes


def often(count: int, total: int) -> bool:
    """ "Often": at least HOPES_FLOOR answers, and at least half of them (docs/ranking.md)."""
    return total >= HOPES_FLOOR and 2 * count >= total


def hope_delta(
    hopes: int | None, got: int | None, previous: tuple[int, int | None] | None
) -> tuple[int, int] | None:
    """How a new answer changes a venue's (members, met) counts, given the member's
    previous answer with hopes there (hopes, got) if any; None when it has no hopes."""
    if not hopes:
        return None
    met = int(lived_up(hopes, got))
    if previous is None:
        return 1, met
    return 0, met - int(lived_up(*previous))


class HopeService:
    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self.db = db
        self.clock = clock

    async def hope(self, guild_id: int, occurrence_id: int, member_id: int, hopes: int) -> None:
        """Store what the member hopes to get from an occurrence they are going to (0: they
        take their hopes back); refused once it ended or when they are not going."""
        now = await self.clock.now()
        async with self.db.write() as session:
            if not await HopeRepository(session).hope(
                guild_id, occurrence_id, member_id, hopes, now
            ):
                raise Forbidden("error.hopes_not_going")

    async def current(self, occurrence_id: int, member_id: int) -> int | None:
        async with self.db.read() as session:
            return await HopeRepository(session).of(occurrence_id, member_id)


__all__ = [
    "GOT_KEYS",
    "HOPES_FLOOR",
    "HopeCounts",
    "HopeService",
    "hope_delta",
    "keys_of",
    "lived_up",
    "mask_of",
    "often",
]
