"""Venues: the /venue commands, their announcements, votes on them, their review.

- `commands`: the /venue commands (the `Venues` cog).
- `announcements`: posting a proposal in its channel and editing its announcement.
- `votes`: the 👍/👎 listener (the `VenueVotes` cog) and the announcements in flight.
- `review`: Approve / Reject on pending proposals.
- `rating`: the Rate button and its form.
- `render` and `options`: the embeds, and the choices and names of the options.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.common.rating import RateButton
from cogs.venues.commands import Venues
from cogs.venues.review import ReviewButton, ReviewEditButton
from cogs.venues.votes import InFlight, VenueVotes

if TYPE_CHECKING:
    from bot.app import BonnesPlaces


async def setup(bot: BonnesPlaces) -> None:
    in_flight = InFlight()
    bot.add_dynamic_items(RateButton, ReviewButton, ReviewEditButton)
    await bot.add_cog(VenueVotes(bot, in_flight))
    await bot.add_cog(Venues(bot, in_flight))
